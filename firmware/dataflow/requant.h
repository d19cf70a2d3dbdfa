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
#if defined(VP_XCV) && VP_XCV
#include "hal/corev.h"
#endif

/* The bit length of x > 0: one cv.fl1 on CORE-V (RV32IMC has no count of
 * leading zeros: libgcc's __clzsi2). */
static inline int32_t df_bitlen(uint32_t x) {
#if defined(VP_XCV) && VP_XCV
  return (int32_t)cv_fl1(x) + 1;
#else
  return 32 - __builtin_clz(x);
#endif
}

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

/* Requantization in 32 bits: an accumulator at or beyond `bound` (below
 * -bound - 1) saturates to 127 (-128) anyway, so clamping it there first
 * (cv.clipr on the cores) keeps acc * mult within int32, and round-half-up((acc * mult) /
 * 2^shift) is one mul and one cv.addRNr; cv.clip/cv.clipu saturate (and ReLU).
 * The plan of the CORE-V kernels (kernels_xcv.h), here so the host tests it. */
typedef struct {
  int32_t mult, bound;
  uint32_t shift;
  int ok;      /* 0: the layer's mult/shift need the 64-bit paths */
  int noclip;  /* 1: clamping acc to [-(hb + 1), hb] (cv.clipr on the cores), or [0, hb] with ReLU (cv.clipur), */
  int32_t hb;  /*    already gives codes in [-128, 127]: no clip after the rounding */
} xcv_rq_t;

/* round-half-up(a * mult / 2^shift) for shift >= 1 and |a| <= bound, where
 * the plan has checked that it fits in int32. */
static inline int32_t xcv_rq_f(int32_t a, int32_t mult, uint32_t shift) {
  return (a * mult + (int32_t)(1u << (shift - 1))) >> shift;
}

/* The plan for codes clamped to [-128, top] (top = act_max of a ReLU6 /
 * Clip layer, 127 without one). Below 127 only the ReLU form can drop the
 * clips (the clamp of acc is [0, hb] then; without ReLU the accumulator
 * clamp is symmetric): x.noclip says whether it does. */
static inline xcv_rq_t xcv_rq_plan_top(int32_t mult, uint32_t shift, int32_t top) {
  xcv_rq_t x = {mult, 0, shift, 0, 0, 0};
  if (mult <= 0 || shift < 1 || shift > 23 || top < 0 || top > 127) return x;
  /* hb: the largest acc whose code is at most top, i.e. hb * mult < (top + 0.5) * 2^shift;
   * b = hb + 1 rounds to at least top + 1 and -(b + 1) to at most -128 when
   * top = 127: clamping there changes no saturated code (one division per plan). */
  const int32_t hb = (int32_t)((((2u * (uint32_t)top + 1u) << (shift - 1)) - 1u) / (uint32_t)mult), b = hb + 1;
  if ((int64_t)(b + 1) * mult + ((int64_t)1 << shift) > INT32_MAX) return x;
  x.bound = b;
  x.ok = top == 127;
  /* The result is monotone in acc, so if f(hb) = top and f(-(hb + 1)) = -128,
   * every acc beyond [-(hb + 1), hb] saturates to exactly the clamped value's
   * code, and every acc inside gives a code in range: no clip after the
   * rounding. With ReLU, f(0) = 0 is the floor: clamp to [0, hb]. */
  if (xcv_rq_f(hb, mult, shift) == top) {
    x.hb = hb;
    x.noclip = top == 127 ? xcv_rq_f(-hb - 1, mult, shift) == -128 : 1;
    if (top < 127) x.ok = 1; /* ReLU only: the caller checks */
  }
  return x;
}

static inline xcv_rq_t xcv_rq_plan(int32_t mult, uint32_t shift) { return xcv_rq_plan_top(mult, shift, 127); }

/* The average pool's division (nm_average_mode) without one: the average of
 * n int8 values is a quotient below 256 of a non-negative numerator, so a
 * multiplication by a rounded-up reciprocal M = ceil(2^24 / d) and a shift
 * give it exactly. Half up: floor(x / d) - 128 with x = 2 * sum + 257 * n in
 * [n, 511 n], d = 2n. Half even: q = floor(x / d) - 128 with x = sum + 128 n in
 * [0, 255 n], d = n, then the remainder decides the tie. floor(x * M / 2^24)
 * = floor(x / d) for every 0 <= x <= X when X * (M * d - 2^24) < 2^24 (the
 * error x * (M - 2^24 / d) / 2^24 is then below 1 / d, less than the distance
 * from x / d to the next integer); the plan checks exactly that, and x * M
 * stays below 2^32. Counts up to 128 (half up) and 256 (half even) plan; a
 * larger count keeps nm_average_mode. */
typedef struct {
  int32_t n;       /* the count this plan is for (0: none yet) */
  uint32_t mode;   /* NM_AVG_HALF_UP or NM_AVG_HALF_EVEN */
  uint32_t m;      /* ceil(2^24 / d), 0: use nm_average_mode */
  int32_t bias;    /* 257 n (half up) or 128 n (half even) */
} df_avg_t;

static inline void df_avg_plan(df_avg_t* a, int32_t n, uint32_t mode) {
  a->n = n, a->mode = mode, a->m = 0;
  const int even = mode == NM_AVG_HALF_EVEN;
  if (n < 1 || n > (even ? 256 : 128)) return;
  const uint32_t d = even ? (uint32_t)n : 2u * (uint32_t)n, X = (even ? 255u : 511u) * (uint32_t)n;
  const uint32_t m = ((1u << 24) + d - 1u) / d, e = m * d - (1u << 24);
  if ((uint64_t)X * e >= (1u << 24) || (uint64_t)X * m > UINT32_MAX) return;
  a->m = m, a->bias = (even ? 128 : 257) * n;
}

/* nm_average_mode(sum, a->n, a->mode) for the sum of a->n int8 values. */
static inline int8_t df_avg(int32_t sum, const df_avg_t* a) {
  if (!a->m) return nm_average_mode(sum, a->n, a->mode);
  if (a->mode != NM_AVG_HALF_EVEN) return (int8_t)((int32_t)(((uint32_t)(2 * sum + a->bias) * a->m) >> 24) - 128);
  const uint32_t x = (uint32_t)(sum + a->bias), q = (x * a->m) >> 24, r2 = 2u * (x - q * (uint32_t)a->n);
  return (int8_t)((int32_t)(q + (r2 > (uint32_t)a->n || (r2 == (uint32_t)a->n && (q & 1u)))) - 128);
}

/* Per-channel requantization (nm_requant_ch with a 31-bit multiplier and a
 * bias) in 32-bit arithmetic: two mul and shifts, no 64-bit product, the
 * same result for every acc. Planned once per output channel.
 *
 * Why it is exact. Let a = acc + bias and L the bit length of mult. With
 * B = 2^k, k = max(shift + 9 - L, 0): B * mult >= 2^(shift + 8), so any a at
 * or beyond +-B rounds to at least +-255 and saturates to the same code as a
 * clamped to [-B, B]; clamping acc to [-B - bias, B - bias] before adding the
 * bias is that clamp with no overflow (and covers nm_bias_add's saturation).
 * Then, with mult = mh * 2^t + ml (0 <= ml < 2^t, t <= shift - 1, or t = 0
 * for shift 0):
 *   floor((a * mult + 2^(shift-1)) / 2^shift)
 *     = floor((a * mh + floor(a * ml / 2^t) + 2^(shift-t-1)) / 2^(shift-t)),
 * since a * mult + 2^(shift-1) = 2^t * (a * mh + 2^(shift-t-1)) + a * ml and
 * dropping the fraction of a * ml / 2^t cannot change the outer floor. t is
 * chosen so that a * ml and the sum stay within int32 for |a| <= B; the plan
 * checks every bound in 64 bits and refuses what it cannot prove (those
 * channels keep nm_requant_ch's 64-bit path). */
typedef struct {
  int32_t lo, hi;   /* clamp of acc before the bias */
  int32_t bias;
  int32_t mh, ml;   /* mult = mh * 2^t + ml */
  uint32_t t, s2;   /* s2 = shift - t; t = DF_RQC_MULH: the high word of a * mult (mh = mult) */
  int32_t round;    /* 2^(s2 - 1), 0 for s2 = 0 */
} df_rqc_t;

/* Shifts the split cannot take with a 31-bit multiplier (above 37): for
 * shift >= 33 the low word of a * mult cannot change the result, so
 * floor((a * mult + 2^(shift-1)) / 2^shift) = (mulh(a, mult) + 2^(shift-33)) >> (shift - 32)
 * (one mulh, 5 cycles on the CV32E40P). */
#define DF_RQC_MULH 32u

/* 1 and the plan, or 0: this (bias, mult, shift) needs the 64-bit path.
 * 32-bit arithmetic only (it runs once per column and tile on the cores):
 * with B = 2^k, B * x <= INT32_MAX is x <= INT32_MAX >> k. */
static inline int df_rqc_plan(df_rqc_t* p, int32_t bias, int32_t mult, uint32_t shift) {
  if (mult <= 0 || shift > 62) return 0;
  const int32_t L = df_bitlen((uint32_t)mult);
  const int32_t kk = (int32_t)shift + 9 - L;
  if (kk > 30) return 0; /* no clamp of a within int32 would saturate */
  const uint32_t k = kk < 0 ? 0u : (uint32_t)kk, B = 1u << k;
  /* lo = -B - bias >= INT32_MIN iff bias <= INT32_MAX - B + 1; hi = B - bias <= INT32_MAX iff bias > INT32_MIN + B */
  if (bias <= INT32_MIN + (int32_t)B || bias > INT32_MAX - (int32_t)B + 1) return 0;
  p->lo = (int32_t)(0u - B - (uint32_t)bias), p->hi = (int32_t)(B - (uint32_t)bias), p->bias = bias;
  const uint32_t t = shift > 21 ? shift - 21 : 0, s2 = shift - t;
  const uint32_t mh = (uint32_t)mult >> t, ml = (uint32_t)mult & ((1u << t) - 1u);
  const uint32_t round = s2 ? 1u << (s2 - 1) : 0u;
  /* a * ml, and a * mh + (a * ml >> t) + round, within int32 for |a| <= B (both signs) */
  if (ml <= (uint32_t)INT32_MAX >> k && mh + 1u <= ((uint32_t)INT32_MAX - round) >> k) {
    p->mh = (int32_t)mh, p->ml = (int32_t)ml, p->t = t, p->s2 = s2, p->round = (int32_t)round;
    return 1;
  }
  if (shift < 33) return 0;
  /* |mulh(a, mult)| < 2^29 for |a| <= 2^30: no overflow with the rounding */
  p->mh = mult, p->ml = 0, p->t = DF_RQC_MULH, p->s2 = shift - 32, p->round = (int32_t)(1u << (shift - 33));
  return 1;
}

/* round-half-up(((acc + bias) * mult) / 2^shift), or a value beyond the int8
 * range of the same sign where that saturates: clamp it to the codes after. */
static inline int32_t df_rqc(int32_t acc, const df_rqc_t* p) {
  int32_t a = acc < p->lo ? p->lo : (acc > p->hi ? p->hi : acc);
  a += p->bias;
  const int32_t x = p->t == DF_RQC_MULH ? (int32_t)(((int64_t)a * p->mh) >> 32)
                                        : a * p->mh + ((a * p->ml) >> p->t);
  return (x + p->round) >> p->s2;
}

/* The per-channel requantization with 16x16 multiplies (the CORE-V column
 * loop, kernels_xcv.h: cv.clipr, add, cv.mulsN, cv.macsN, cv.addRNr; five
 * instructions per output instead of seven). Planned once per column piece;
 * df_rq16 is the loop's arithmetic step by step, for the host test and the
 * odd row.
 *
 * Why it is exact. Let L be the bit length of mult and B = 2^k,
 * k = max(shift + 8 - L, 0): B * mult >= 2^(shift + 7), so any a = acc + bias
 * at or beyond +-B rounds to at least +-128 and gives the saturated code (the
 * lowest code -128 is a saturation too). cv.clipr clamps acc to
 * [-(r + 1), r] with r = B + |bias|: a clamped acc gives an a beyond +-B on
 * the same side as the true one (saturated or not by nm_bias_add), so the
 * same code; an acc inside is unchanged and acc + bias cannot overflow. Then
 * |a| <= B + 2|bias| + 1 <= 2^15 (the plan checks it): a is an int16, as
 * cv.mulsN/cv.macsN read it. With mult = mh * 2^16 + ml, ml the signed low
 * half-word (-2^15 <= ml < 2^15) and mh <= 2^15 - 1:
 *   t1 = floor(a * ml / 2^16)          cv.mulsN t1, a, ml, 16 (|a * ml| <= 2^30)
 *   t2 = a * mh + t1                   cv.macsN t1, a, mh, 0  (|t2| <= 2^30)
 *      = floor((a * mh * 2^16 + a * ml) / 2^16) = floor(a * mult / 2^16)
 *   v  = (t2 + 2^(s3 - 1)) >> s3       cv.addRNr, s3 = shift - 16 (1..30)
 *      = floor((floor(a * mult / 2^16) + 2^(shift - 17)) / 2^(shift - 16))
 *      = floor((a * mult + 2^(shift - 1)) / 2^shift)
 * (2^(shift-17) * 2^16 is an integer multiple of 2^16, and floor(floor(x / m)
 * / n) = floor(x / (m n))), which is nm_requant_ch's rounding; t2 + 2^(s3-1)
 * < 2^30 + 2^29 for shift <= 46. */
typedef struct {
  int32_t r;      /* cv.clipr bound of acc */
  int32_t bias;
  int32_t mh, ml; /* mult = mh * 2^16 + ml, both int16 */
  uint32_t s3;    /* shift - 16 */
} df_rq16_t;

/* 1 and the plan, or 0 (then df_rqc_plan's forms). 32-bit arithmetic only. */
static inline int df_rq16_plan(df_rq16_t* p, int32_t bias, int32_t mult, uint32_t shift) {
  if (mult <= 0 || shift < 17 || shift > 46) return 0;
  const int32_t kk = (int32_t)shift + 8 - df_bitlen((uint32_t)mult);
  if (kk > 14) return 0;
  const uint32_t B = kk < 0 ? 1u : 1u << kk, ab = bias < 0 ? 0u - (uint32_t)bias : (uint32_t)bias;
  if (ab > 16384u || B + 2u * ab + 1u > 32768u) return 0;
  const int32_t ml = (int32_t)(int16_t)(uint16_t)((uint32_t)mult & 0xffffu), mh = (int32_t)(((uint32_t)mult - (uint32_t)ml) >> 16);
  if (mh > 32767) return 0;
  p->r = (int32_t)(B + ab), p->bias = bias, p->mh = mh, p->ml = ml, p->s3 = shift - 16;
  return 1;
}

/* round-half-up(((acc + bias) * mult) / 2^shift), or a value beyond the int8
 * range of the same sign where that saturates (clamp to the codes after):
 * exactly the CORE-V instructions' arithmetic. */
static inline int32_t df_rq16(int32_t acc, const df_rq16_t* p) {
  const int32_t c = acc < -p->r - 1 ? -p->r - 1 : (acc > p->r ? p->r : acc);
  const int32_t a = (int16_t)(uint16_t)(uint32_t)(c + p->bias); /* the low half-word, as cv.mulsN reads it */
  const int32_t t1 = (a * (int32_t)(int16_t)p->ml) >> 16;
  const int32_t t2 = (int32_t)((uint32_t)t1 + (uint32_t)(a * (int32_t)(int16_t)p->mh));
  return (int32_t)((uint32_t)t2 + (1u << (p->s3 - 1u))) >> p->s3;
}

#endif /* DATAFLOW_REQUANT_H */
