/* The exact MVM of ima_numerics.h with AVX2 integer multiply-adds, for x86-64
 * hosts (the VP, the reference model); ima_mvm() picks it at run time when the
 * CPU has AVX2. Same results as ima_mvm_scalar() bit for bit (integer sums of
 * the same products; test: ip/ima/tests/test_ima_mvm.cpp).
 *
 * Two crossbar rows at a time: their int8 weights are interleaved byte by byte
 * and widened to int16 (w[r][c], w[r+1][c] pairs), and vpmaddwd multiplies
 * each pair by the pair of DAC inputs (x[r], x[r+1]) and adds the two products
 * into one int32 lane: 16 MACs per instruction, exact (|w x| <= 2^14, a pair
 * at most 2^15, all summed in int32 as the scalar loop does). Columns go in blocks of 64 (8
 * accumulators held in registers over all rows); the last ncols % 16 columns
 * are done by the scalar loop. vpmaddubsw (u8 x s8) would saturate at
 * -128 x -128 pairs, hence the int16 route. */
#ifndef IMA_MVM_AVX2_H
#define IMA_MVM_AVX2_H

#if defined(__x86_64__) && defined(__GNUC__)
#define IMA_MVM_HAVE_AVX2 1
#include <immintrin.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* acc[j] = sum_r W[r][col0 + j] * x[r] for j in [0, ncols16), ncols16 a
 * multiple of 16; x[] already through the DAC (int16 range of int8). */
__attribute__((target("avx2"))) static inline void ima_mvm_avx2_acc(const int8_t* weights, unsigned cols_total,
                                                                    unsigned rows, unsigned col0, unsigned ncols16,
                                                                    const int16_t* x, int32_t* acc) {
  for (unsigned j0 = 0; j0 < ncols16; j0 += 64) {
    const unsigned groups = (ncols16 - j0) >= 64 ? 4 : (ncols16 - j0) / 16; /* 16-column groups here */
    __m256i a[8];
    for (unsigned k = 0; k < 8; ++k) a[k] = _mm256_setzero_si256();
    for (unsigned r = 0; r < rows; r += 2) {
      const int32_t x0 = x[r], x1 = r + 1 < rows ? x[r + 1] : 0;
      if ((x0 | x1) == 0) continue;
      const __m256i pair = _mm256_set1_epi32((int32_t)((uint32_t)(uint16_t)x0 | ((uint32_t)(uint16_t)x1 << 16)));
      const int8_t* w0 = weights + (unsigned long)r * cols_total + col0 + j0;
      /* An odd last row pairs with itself times a zero input. */
      const int8_t* w1 = r + 1 < rows ? w0 + cols_total : w0;
      for (unsigned g = 0; g < groups; ++g) {
        const __m128i p = _mm_loadu_si128((const __m128i*)(w0 + 16 * g));
        const __m128i q = _mm_loadu_si128((const __m128i*)(w1 + 16 * g));
        const __m256i lo = _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(p, q)); /* columns 0..7 of the group */
        const __m256i hi = _mm256_cvtepi8_epi16(_mm_unpackhi_epi8(p, q)); /* columns 8..15 */
        a[2 * g] = _mm256_add_epi32(a[2 * g], _mm256_madd_epi16(lo, pair));
        a[2 * g + 1] = _mm256_add_epi32(a[2 * g + 1], _mm256_madd_epi16(hi, pair));
      }
    }
    for (unsigned k = 0; k < 2 * groups; ++k) _mm256_storeu_si256((__m256i*)(acc + j0 + 8 * k), a[k]);
  }
}

/* The same sums for nv (1..4) input vectors on the same weights: acc[v][j] for
 * j in [0, ncols16). Each pair of weight rows is loaded and widened once for
 * all of them, 16 columns at a time (8 accumulators: two per vector), so a
 * crossbar's weights stream through the cache once per four vectors (the
 * reference model's pixels of one layer). x[v] as in ima_mvm_avx2_acc, with
 * one more entry, 0, when rows is odd: rows 2p and 2p + 1 are read as one pair. */
__attribute__((target("avx2"))) static inline void ima_mvm_avx2_acc4(const int8_t* weights, unsigned cols_total,
                                                                     unsigned rows, unsigned col0, unsigned ncols16,
                                                                     const int16_t* const* x, unsigned nv,
                                                                     int32_t* const* acc) {
  static const int16_t zeros[4096 + 2] = {0};
  const int16_t* xv[4] = {x[0], nv > 1 ? x[1] : zeros, nv > 2 ? x[2] : zeros, nv > 3 ? x[3] : zeros};
  const unsigned pairs = (rows + 1) / 2;
  for (unsigned j = 0; j < ncols16; j += 16) {
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    for (unsigned p = 0; p < pairs; ++p) {
      int32_t x0, x1, x2, x3; /* the pair (x[2p], x[2p + 1]) as vpmaddwd takes it */
      __builtin_memcpy(&x0, xv[0] + 2 * p, 4), __builtin_memcpy(&x1, xv[1] + 2 * p, 4);
      __builtin_memcpy(&x2, xv[2] + 2 * p, 4), __builtin_memcpy(&x3, xv[3] + 2 * p, 4);
      if ((x0 | x1 | x2 | x3) == 0) continue;
      const int8_t* w0 = weights + (unsigned long)(2 * p) * cols_total + col0 + j;
      /* An odd last row pairs with itself times a zero input. */
      const int8_t* w1 = 2 * p + 1 < rows ? w0 + cols_total : w0;
      const __m128i pw = _mm_loadu_si128((const __m128i*)w0), qw = _mm_loadu_si128((const __m128i*)w1);
      const __m256i lo = _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(pw, qw));
      const __m256i hi = _mm256_cvtepi8_epi16(_mm_unpackhi_epi8(pw, qw));
      __m256i b = _mm256_set1_epi32(x0);
      a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(lo, b)), a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(hi, b));
      b = _mm256_set1_epi32(x1);
      a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(lo, b)), a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(hi, b));
      b = _mm256_set1_epi32(x2);
      a4 = _mm256_add_epi32(a4, _mm256_madd_epi16(lo, b)), a5 = _mm256_add_epi32(a5, _mm256_madd_epi16(hi, b));
      b = _mm256_set1_epi32(x3);
      a6 = _mm256_add_epi32(a6, _mm256_madd_epi16(lo, b)), a7 = _mm256_add_epi32(a7, _mm256_madd_epi16(hi, b));
    }
    _mm256_storeu_si256((__m256i*)(acc[0] + j), a0), _mm256_storeu_si256((__m256i*)(acc[0] + j + 8), a1);
    if (nv > 1) _mm256_storeu_si256((__m256i*)(acc[1] + j), a2), _mm256_storeu_si256((__m256i*)(acc[1] + j + 8), a3);
    if (nv > 2) _mm256_storeu_si256((__m256i*)(acc[2] + j), a4), _mm256_storeu_si256((__m256i*)(acc[2] + j + 8), a5);
    if (nv > 3) _mm256_storeu_si256((__m256i*)(acc[3] + j), a6), _mm256_storeu_si256((__m256i*)(acc[3] + j + 8), a7);
  }
}

/* The input DAC (ima_dac) of rows int8 activations into x[], 16 at a time;
 * the rest by ima_dac itself (ima_numerics.h, which includes this file after it). */
__attribute__((target("avx2"))) static inline void ima_dac_avx2(const int8_t* in, unsigned rows, unsigned dac_bits,
                                                                int16_t* x) {
  const int clip = dac_bits < 8;
  const int16_t hi = clip ? (int16_t)((1 << (dac_bits - 1)) - 1) : 127, lo = (int16_t)(-hi - 1);
  const __m256i vhi = _mm256_set1_epi16(hi), vlo = _mm256_set1_epi16(lo);
  unsigned r = 0;
  for (; r + 16 <= rows; r += 16) {
    __m256i v = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i*)(in + r)));
    if (clip) v = _mm256_max_epi16(_mm256_min_epi16(v, vhi), vlo);
    _mm256_storeu_si256((__m256i*)(x + r), v);
  }
  for (; r < rows; ++r) x[r] = (int16_t)ima_dac(in[r], dac_bits);
}

/* The output ADC (ima_adc) of n exact column sums in place, 8 at a time, the
 * rest by ima_adc itself. In int32, exactly as the definition's int64: the
 * AVX2 kernels' sums are at most 4096 x 128 x 128 = 2^26 in magnitude, so
 * adding 2^(shift - 1) <= 2^30 cannot overflow; the shift is arithmetic as on
 * int64. */
__attribute__((target("avx2"))) static inline void ima_adc_avx2(int32_t* out, unsigned n, unsigned adc_bits,
                                                                unsigned adc_shift) {
  const int clip = adc_bits < 32;
  const int32_t hi = clip ? (int32_t)((1u << (adc_bits - 1)) - 1) : INT32_MAX, lo = -hi - 1;
  const int32_t half = adc_shift ? (int32_t)(1u << (adc_shift - 1)) : 0;
  const __m256i vhi = _mm256_set1_epi32(hi), vlo = _mm256_set1_epi32(lo), vhalf = _mm256_set1_epi32(half);
  const __m128i count = _mm_cvtsi32_si128((int)adc_shift);
  unsigned j = 0;
  for (; j + 8 <= n; j += 8) {
    __m256i v = _mm256_loadu_si256((const __m256i*)(out + j));
    v = _mm256_sra_epi32(_mm256_add_epi32(v, vhalf), count);
    if (clip) v = _mm256_max_epi32(_mm256_min_epi32(v, vhi), vlo);
    _mm256_storeu_si256((__m256i*)(out + j), v);
  }
  for (; j < n; ++j) out[j] = ima_adc(out[j], adc_bits, adc_shift);
}

/* Reads what libgcc found at start-up: cheap, and safe from any thread. */
static inline int ima_cpu_has_avx2(void) { return __builtin_cpu_supports("avx2") ? 1 : 0; }

#ifdef __cplusplus
}
#endif

#endif /* x86-64 GNU C */
#endif /* IMA_MVM_AVX2_H */
