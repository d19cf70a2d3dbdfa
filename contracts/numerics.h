/* The digital half of the quantized numerics, defined once for the golden
 * reference model (mapping/), the VP's models and the firmware kernels.
 * C and C++. The analog half (DAC clip, exact column sum, ADC) is
 * contracts/ima_numerics.h; this file only builds on it.
 *
 * A layer's pipeline, for one output element:
 *   p_k  = ima_adc(sum over crossbar k's rows of W * dac(x))   per crossbar
 *   acc  = sum_k p_k                                  digital reduction, int32
 *   y    = nm_requant(acc, mult, shift, relu)         int8 activation
 * Crossbar k holds the layer's rows [k*rows, (k+1)*rows) in (ky, kx, c_in)
 * order (mapping/docs/numerics.md), so the result does not depend on how
 * the mapper places the crossbars. */
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

/* Requantization of an int32 accumulator to an int8 activation:
 * round-half-up((acc * mult) / 2^shift), then ReLU if asked, then saturation
 * to [-128, 127]. mult is a positive int32, shift 0..62. */
static inline int8_t nm_requant(int32_t acc, int32_t mult, unsigned shift, int relu) {
  int64_t v = ima_round_shift((int64_t)acc * (int64_t)mult, shift);
  if (relu && v < 0) v = 0;
  return (int8_t)ima_saturate(v, 8);
}

/* Residual add of two int8 activations: saturating, then ReLU if asked. */
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

/* Max-pool combines with the larger value; padding never wins (-128 start). */
static inline int8_t nm_max(int8_t a, int8_t b) { return a > b ? a : b; }

#ifdef __cplusplus
}
#endif

#endif /* MAPPING_NUMERICS_H */
