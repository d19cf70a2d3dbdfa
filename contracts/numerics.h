/* The digital half of the quantized numerics, defined once for the golden
 * reference model (mapping/), the VP's models and the firmware kernels.
 * C and C++. The analog half (DAC clip, exact column sum, ADC) is
 * contracts/ima_numerics.h; this file only builds on it.
 *
 * A layer's pipeline, for one output element:
 *   p_k  = ima_adc(sum over crossbar k's rows of W * dac(x))   per crossbar
 *   acc  = sum_k p_k                                  digital reduction, int32
 *   y    = nm_requant_ch(acc, bias[c], mult[c], shift[c], relu, act_max)
 *                                                     int8 activation, per output channel c
 * Crossbar k holds the layer's rows [k*rows, (k+1)*rows) in (ky, kx, c_in)
 * order (mapping/docs/numerics.md), so the result does not depend on how
 * the mapper places the crossbars.
 *
 * A depthwise convolution (op dwconv) is digital, no DAC or ADC: per output
 * element of channel c, acc = sum over the kernel taps inside the map of
 * w[ky][kx][c] * x[iy][ix][c] (padding contributes 0), exact in int32
 * (|acc| <= 255 * 255 * 127 * 128 < 2^31), then nm_requant_ch as above. */
#ifndef MAPPING_NUMERICS_H
#define MAPPING_NUMERICS_H

#include <stdint.h>

#include "ima_numerics.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Digital reduction of two partial sums (ADC outputs or earlier reductions).
 * Exact in int32: check_numerics() (mapping/src/params.hpp) rejects a layer
 * whose crossbar count times the ADC's largest code could reach 2^31. */
static inline int32_t nm_reduce(int32_t a, int32_t b) { return a + b; }

/* Bias of an output channel, added to the layer's reduced accumulator (in
 * accumulator units: after the ADC gain). Saturates to int32 so the product
 * with a 31-bit multiplier below stays within int64. */
static inline int32_t nm_bias_add(int32_t acc, int32_t bias) {
  return ima_saturate((int64_t)acc + (int64_t)bias, 32);
}

/* Clamp of an int8 activation: ReLU (lo 0) and ReLU6 / Clip (hi = the code of
 * the upper bound, act_max) in the quantized domain, as TFLite's activation
 * range. Activations are symmetric (zero point 0), so ReLU's floor is code 0. */
static inline int8_t nm_clamp(int64_t v, int relu, int32_t act_max) {
  const int64_t lo = relu ? 0 : -128, hi = act_max < 127 ? act_max : 127;
  return (int8_t)(v < lo ? lo : (v > hi ? hi : v));
}

/* Per-output-channel requantization of an int32 accumulator to an int8
 * activation: round-half-up(((acc + bias) * mult) / 2^shift) in int64 (one
 * rounding, unlike TFLite's two), then the clamp [relu ? 0 : -128, act_max].
 * mult is 1..2^31-1 (31-bit multipliers, as TFLite's), shift 0..62. */
static inline int8_t nm_requant_ch(int32_t acc, int32_t bias, int32_t mult, unsigned shift, int relu,
                                   int32_t act_max) {
  const int64_t v = ima_round_shift((int64_t)nm_bias_add(acc, bias) * (int64_t)mult, shift);
  return nm_clamp(v, relu, act_max);
}

/* The per-layer form: no bias, no upper clip. */
static inline int8_t nm_requant(int32_t acc, int32_t mult, unsigned shift, int relu) {
  return nm_requant_ch(acc, 0, mult, shift, relu, 127);
}

/* Residual add with per-input rescaling (as TFLite's and PyTorch's quantized
 * add): round-half-up((a * mult_a + b * mult_b) / 2^shift), then the clamp.
 * mult_a, mult_b 0..32767 and shift 0..31 keep everything exact in int32
 * (|a * mult_a + b * mult_b| < 2^23). mult_a = mult_b = 1, shift 0 is the
 * plain saturating add of two codes on the same scale. */
static inline int8_t nm_add_rescaled(int8_t a, int8_t b, int32_t mult_a, int32_t mult_b, unsigned shift, int relu,
                                     int32_t act_max) {
  const int32_t v = (int32_t)a * mult_a + (int32_t)b * mult_b;
  return nm_clamp(ima_round_shift(v, shift), relu, act_max);
}

/* The lower clamp of a Clip whose bound is neither 0 nor -128 (act_min, as
 * the network's quant.act_min): applied to the output of nm_requant_ch /
 * nm_add_rescaled, which clamp to [lo, act_max] with lo = relu ? 0 : -128.
 * For lo <= act_min <= act_max (the network format checks it),
 * max(clamp(v, lo, act_max), act_min) == clamp(v, act_min, act_max):
 *   v < lo:            max(lo, act_min) = act_min, and v < act_min too;
 *   lo <= v <= act_max: max(v, act_min), which is the clamp as v <= act_max;
 *   v > act_max:       max(act_max, act_min) = act_max.
 * So the firmware keeps its kernels' clamp and runs this as a post-pass. */
static inline int8_t nm_floor(int8_t y, int32_t act_min) { return (int8_t)(y < act_min ? act_min : y); }

/* Residual add of two int8 activations on the same scale: saturating, then ReLU if asked. */
static inline int8_t nm_add(int8_t a, int8_t b, int relu) {
  int32_t v = (int32_t)a + (int32_t)b;
  if (relu && v < 0) v = 0;
  return (int8_t)ima_saturate(v, 8);
}

/* Average of n int8 values given their int32 sum: round half up, i.e.
 * floor((2*sum + n) / (2*n)), exact for negative sums too. */
static inline int8_t nm_average(int32_t sum, int32_t n) {
  int64_t num = 2 * (int64_t)sum + n, den = 2 * (int64_t)n;
  int64_t q = num / den;
  if ((num % den != 0) && (num < 0)) q -= 1; /* C division truncates */
  return (int8_t)ima_saturate(q, 8);
}

/* Rounding of an average pool, as the model defines it. */
enum { NM_AVG_HALF_UP = 0, NM_AVG_HALF_EVEN = 1 };

/* Average with the given rounding: half up (nm_average), or half to even
 * (ONNX QuantizeLinear's rounding of the float average). */
static inline int8_t nm_average_mode(int32_t sum, int32_t n, unsigned mode) {
  if (mode != NM_AVG_HALF_EVEN) return nm_average(sum, n);
  int64_t q = (int64_t)sum / n, r = (int64_t)sum % n; /* sum = q * n + r, |r| < n, sign of sum */
  if (r < 0) q -= 1, r += n;                           /* floor: 0 <= r < n */
  if (2 * r > n || (2 * r == n && (q & 1))) q += 1;    /* above half, or a tie to even */
  return (int8_t)ima_saturate(q, 8);
}

/* Max-pool combines with the larger value; padding never wins (-128 start). */
static inline int8_t nm_max(int8_t a, int8_t b) { return a > b ? a : b; }

#ifdef __cplusplus
}
#endif

#endif /* MAPPING_NUMERICS_H */
