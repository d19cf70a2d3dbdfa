/* The IMA's numeric path, defined once: used by the IMA model, by the golden
 * reference model (mapping/) and, where useful, by firmware. C and C++.
 *
 * One crossbar computes, for each used column j and one input vector x:
 *   x'_i  = dac(x_i)                 inputs clipped to the DAC's signed range
 *   acc_j = sum_i W_ij * x'_i        exact integer sum (int8 weights)
 *   y_j   = adc(acc_j)               rounding right shift, then saturation to
 *                                    the ADC's signed range
 * The ideal (noise-free) mode is exactly this; a noise model, when added,
 * perturbs acc_j before adc() and nothing else. */
#ifndef IMA_NUMERICS_H
#define IMA_NUMERICS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Saturates v to the signed range of `bits` bits (1..32). */
static inline int32_t ima_saturate(int64_t v, unsigned bits) {
  const int64_t hi = (bits >= 32) ? INT32_MAX : (int64_t)((1LL << (bits - 1)) - 1);
  const int64_t lo = (bits >= 32) ? INT32_MIN : -(int64_t)(1LL << (bits - 1));
  return (int32_t)(v > hi ? hi : (v < lo ? lo : v));
}

/* Arithmetic right shift by s (0..31) rounding half up: (v + 2^(s-1)) >> s. */
static inline int64_t ima_round_shift(int64_t v, unsigned s) {
  return s == 0 ? v : (v + (1LL << (s - 1))) >> s;
}

/* Input DAC: an int8 activation clipped to dac_bits (1..8 meaningful). */
static inline int32_t ima_dac(int8_t x, unsigned dac_bits) {
  return dac_bits >= 8 ? (int32_t)x : ima_saturate(x, dac_bits);
}

/* Output ADC: exact column sum -> adc_bits signed code. */
static inline int32_t ima_adc(int64_t acc, unsigned adc_bits, unsigned adc_shift) {
  return ima_saturate(ima_round_shift(acc, adc_shift), adc_bits);
}

/* One MVM on a crossbar stored row-major (weights[r * cols_total + c]):
 * rows [0, rows) and columns [col0, col0 + ncols) are used;
 * out[j] = adc(sum_r W[r][col0 + j] * dac(in[r])). The definition. */
static inline void ima_mvm_scalar(const int8_t* weights, unsigned cols_total, unsigned rows, unsigned col0,
                                  unsigned ncols, const int8_t* in, unsigned dac_bits, unsigned adc_bits,
                                  unsigned adc_shift, int32_t* out) {
  /* Accumulate row by row over contiguous weight rows (vectorisable) into
   * out[]; int32 is exact: 4096 rows x 128 x 128 < 2^31. */
  for (unsigned j = 0; j < ncols; ++j) out[j] = 0;
  for (unsigned r = 0; r < rows; ++r) {
    const int32_t x = ima_dac(in[r], dac_bits);
    if (x == 0) continue;
    const int8_t* w = weights + (unsigned long)r * cols_total + col0;
    for (unsigned j = 0; j < ncols; ++j) out[j] += (int32_t)w[j] * x;
  }
  for (unsigned j = 0; j < ncols; ++j) out[j] = ima_adc(out[j], adc_bits, adc_shift);
}

#ifdef __cplusplus
}
#endif

/* On x86-64 hosts (the VP, the reference model) the same sums with AVX2 when the CPU has it. */
#include "ima_mvm_avx2.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef IMA_MVM_HAVE_AVX2
/* After an AVX2 kernel filled out[0, n16): the last ncols % 16 columns the
 * scalar way, then every column through the ADC. x: the DAC's outputs. */
static inline void ima_mvm_avx2_finish(const int8_t* weights, unsigned cols_total, unsigned rows, unsigned col0,
                                       unsigned n16, unsigned ncols, const int16_t* x, unsigned adc_bits,
                                       unsigned adc_shift, int32_t* out) {
  for (unsigned j = n16; j < ncols; ++j) {
    int32_t s = 0;
    for (unsigned r = 0; r < rows; ++r) s += (int32_t)weights[(unsigned long)r * cols_total + col0 + j] * x[r];
    out[j] = s;
  }
  ima_adc_avx2(out, ncols, adc_bits, adc_shift);
}
#endif

/* ima_mvm_scalar(), on AVX2 when available (same results bit for bit). */
static inline void ima_mvm(const int8_t* weights, unsigned cols_total, unsigned rows, unsigned col0, unsigned ncols,
                           const int8_t* in, unsigned dac_bits, unsigned adc_bits, unsigned adc_shift, int32_t* out) {
#ifdef IMA_MVM_HAVE_AVX2
  if (ima_cpu_has_avx2() && rows <= 4096 && ncols >= 16) {
    int16_t x[4096];
    ima_dac_avx2(in, rows, dac_bits, x);
    const unsigned n16 = ncols & ~15u;
    ima_mvm_avx2_acc(weights, cols_total, rows, col0, n16, x, out);
    ima_mvm_avx2_finish(weights, cols_total, rows, col0, n16, ncols, x, adc_bits, adc_shift, out);
    return;
  }
#endif
  ima_mvm_scalar(weights, cols_total, rows, col0, ncols, in, dac_bits, adc_bits, adc_shift, out);
}

/* ima_mvm() for nv (1..4) input vectors on the same weights: out[v] from in[v].
 * On AVX2 the weights are read once for all of them (ima_mvm_avx2_acc4). */
static inline void ima_mvm_multi(const int8_t* weights, unsigned cols_total, unsigned rows, unsigned col0,
                                 unsigned ncols, const int8_t* const* in, unsigned nv, unsigned dac_bits,
                                 unsigned adc_bits, unsigned adc_shift, int32_t* const* out) {
#ifdef IMA_MVM_HAVE_AVX2
  if (ima_cpu_has_avx2() && rows <= 4096 && ncols >= 16 && nv >= 1 && nv <= 4) {
    int16_t x[4][4096 + 2]; /* one more 0 for an odd row count: the kernel reads pairs */
    const int16_t* xs[4];
    for (unsigned v = 0; v < nv; ++v) {
      ima_dac_avx2(in[v], rows, dac_bits, x[v]);
      x[v][rows] = 0;
      xs[v] = x[v];
    }
    const unsigned n16 = ncols & ~15u;
    ima_mvm_avx2_acc4(weights, cols_total, rows, col0, n16, xs, nv, out);
    for (unsigned v = 0; v < nv; ++v)
      ima_mvm_avx2_finish(weights, cols_total, rows, col0, n16, ncols, x[v], adc_bits, adc_shift, out[v]);
    return;
  }
#endif
  for (unsigned v = 0; v < nv; ++v)
    ima_mvm(weights, cols_total, rows, col0, ncols, in[v], dac_bits, adc_bits, adc_shift, out[v]);
}

#ifdef __cplusplus
}
#endif

#endif /* IMA_NUMERICS_H */
