/* The depthwise convolution's numerics, defined once: used by the
 * accelerator model (ip/dwconv), the cores' depthwise kernel in firmware and
 * the host reference. C and C++.
 *
 * One output element of channel c at output pixel (oy, ox):
 *   acc = sum over taps (ky, kx) inside the input of W[ky][kx][c] * x[iy][ix][c]
 *         (iy = oy * stride - pad_top + ky, ix alike; padding reads zero)
 *   s   = saturate32(acc + bias[c])
 *   y   = clamp(round_half_up(s * mult[c] / 2^shift[c]), lo, hi)   int8
 * s * mult fits int64 (|s| <= 2^31, mult an int32), so the rule has no
 * overflow; shift is 0..62. A ReLU is lo = 0, a ReLU6 hi = the code of 6. */
#ifndef DWCONV_NUMERICS_H
#define DWCONV_NUMERICS_H

#include <stdint.h>

#include "ima_numerics.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DWCONV_MAX_SHIFT 62u

static inline int8_t dw_requant(int32_t acc, int32_t bias, int32_t mult, unsigned shift, int8_t lo, int8_t hi) {
  const int64_t s = ima_saturate((int64_t)acc + bias, 32);
  int64_t v = ima_round_shift(s * (int64_t)mult, shift);
  if (v < lo) v = lo;
  if (v > hi) v = hi;
  return (int8_t)v;
}

/* Output size along one axis; 0 when the kernel does not fit the padded input. */
static inline uint32_t dw_out_size(uint32_t in, uint32_t k, uint32_t stride, uint32_t pad_lo, uint32_t pad_hi) {
  const uint32_t padded = in + pad_lo + pad_hi;
  return padded < k ? 0u : (padded - k) / stride + 1u;
}

#ifdef __cplusplus
}
#endif

#endif /* DWCONV_NUMERICS_H */
