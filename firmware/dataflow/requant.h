/* Requantization on RV32 without 64-bit shifts: the same results as
 * nm_requant (contracts/numerics.h) for every acc, with a per-layer
 * plan chosen once. C and C++ (the host tests every path against nm_requant).
 *
 * round-half-up((acc * mult) / 2^shift) = floor((acc * mult + 2^(shift-1)) / 2^shift).
 * With m = mult * 2^(32 - shift) (when it fits in int32) that is
 * floor((acc * m + 2^31) / 2^32) = high word of acc * m, plus bit 31 of the low
 * word: one mulh, one mul, an add. For shift > 32 the low word cannot change
 * the result: floor((high + 2^(shift-33)) / 2^(shift-32)). */
#ifndef DATAFLOW_REQUANT_H
#define DATAFLOW_REQUANT_H

#include <stdint.h>

#include "numerics.h"

enum { DF_RQ_GENERIC = 0, DF_RQ_HIGH32 = 1, DF_RQ_HIGH_SHIFT = 2, DF_RQ_SPLIT = 3 };

typedef struct {
  int32_t mult, m;      /* the layer's multiplier; the one used by the path */
  uint32_t shift, path, hs; /* hs: right shift of the high word (DF_RQ_HIGH_SHIFT) */
  int32_t hadd;         /* rounding added to the high word (DF_RQ_HIGH_SHIFT) */
  uint32_t round;       /* 2^(shift-1), added to the low word (DF_RQ_SPLIT) */
  int relu;
} df_requant_t;

static inline df_requant_t df_requant_plan(int32_t mult, uint32_t shift, int relu) {
  df_requant_t q = {mult, mult, shift, DF_RQ_GENERIC, 0, 0, 0, relu};
  if (shift > 32) {
    q.path = DF_RQ_HIGH_SHIFT;
    q.hs = shift - 32;
    q.hadd = (int32_t)(1u << (shift - 33));
  } else if (shift >= 1 && mult > 0 && (int64_t)mult << (32 - shift) <= INT32_MAX) {
    q.path = DF_RQ_HIGH32;
    q.m = (int32_t)((int64_t)mult << (32 - shift));
  } else if (shift >= 1 && shift <= 31) {
    /* A large multiplier with a small shift: round and shift the 64-bit
     * product as two words (no 64-bit shift helper). */
    q.path = DF_RQ_SPLIT;
    q.round = 1u << (shift - 1);
  }
  return q;
}

static inline int8_t df_requant(int32_t acc, const df_requant_t* q) {
  int32_t v;
  if (q->path == DF_RQ_HIGH32) {
    const int64_t p = (int64_t)acc * q->m; /* GCC: mul + mulh */
    v = (int32_t)(p >> 32) + (int32_t)(((uint32_t)p) >> 31);
  } else if (q->path == DF_RQ_HIGH_SHIFT) {
    const int64_t p = (int64_t)acc * q->mult;
    const int32_t hi = (int32_t)(p >> 32);
    /* hi + hadd cannot overflow: |acc * mult| < 2^62, so |hi| < 2^30 */
    v = (hi + q->hadd) >> q->hs;
  } else if (q->path == DF_RQ_SPLIT) {
    const int64_t p = (int64_t)acc * q->mult;
    const uint32_t lo = (uint32_t)p + q->round;
    const int32_t hi = (int32_t)(p >> 32) + (int32_t)(lo < q->round); /* carry of the rounding add */
    /* (hi:lo) >> shift fits in 32 bits iff hi >> (shift - 1) is 0 or -1; beyond, it saturates anyway */
    const int32_t top = hi >> (q->shift - 1u);
    if (top > 0) {
      v = INT32_MAX;
    } else if (top < -1) {
      v = INT32_MIN;
    } else {
      v = (int32_t)(((uint32_t)hi << (32u - q->shift)) | (lo >> q->shift));
    }
  } else {
    return nm_requant(acc, q->mult, q->shift, q->relu);
  }
  if (q->relu && v < 0) v = 0;
  return (int8_t)(v > 127 ? 127 : (v < -128 ? -128 : v));
}

#endif /* DATAFLOW_REQUANT_H */
