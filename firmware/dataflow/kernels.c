/* Digital kernels of the dataflow firmware: see kernels.h. */
#include "kernels.h"

#include <string.h>

#include "hal/cluster.h"
#include "numerics.h"
#include "requant.h"
#if VP_XCV
#include "kernels_xcv.h"
#endif

static uint32_t team_first, team_count; /* shared by the cluster's cores */

void df_set_team(uint32_t first, uint32_t count) {
  team_first = first;
  team_count = count;
}

void df_share(uint32_t n, uint32_t* lo, uint32_t* hi) {
  const uint32_t p = team_count ? team_count : num_cores(), c = core_id() - team_first;
  if (core_id() < team_first || c >= p) {
    *lo = *hi = 0;
    return;
  }
  const uint32_t base = n / p, rem = n - base * p; /* one division */
  *lo = c * base + (c < rem ? c : rem);
  *hi = *lo + base + (c < rem ? 1u : 0u);
}

void kern_reduce(int32_t* dst, const int32_t* src, uint32_t fan_in, uint32_t tile_stride, uint32_t n) {
  uint32_t lo, hi;
  df_share(n, &lo, &hi);
  if (fan_in == 2) { /* the common tree node: one pass over two streams */
    const int32_t* s1 = src + tile_stride;
#if VP_XCV
    if (hi > lo) xcv_reduce2(dst + lo, src + lo, s1 + lo, hi - lo);
    return;
#endif
    for (uint32_t i = lo; i < hi; ++i) dst[i] = nm_reduce(src[i], s1[i]);
    return;
  }
#if VP_XCV
  /* Up to seven inputs in one pass, then one pass per further input (dst may
   * alias the first tile: each pass reads an element before it writes it). */
  if (fan_in > 2 && hi > lo) {
    const uint32_t first = fan_in < 7 ? fan_in : 7;
    xcv_reduceN(dst + lo, src + lo, tile_stride, hi - lo, first);
    for (uint32_t k = first; k < fan_in; ++k) xcv_reduce2(dst + lo, dst + lo, src + k * tile_stride + lo, hi - lo);
    return;
  }
#endif
  for (uint32_t i = lo; i < hi; ++i) {
    int32_t acc = src[i];
    for (uint32_t k = 1; k < fan_in; ++k) acc = nm_reduce(acc, src[k * tile_stride + i]);
    dst[i] = acc;
  }
}

/* Requantizes n contiguous accumulators: the common case (an IMA output tile
 * of a layer without row splits) gets a loop with the plan's path hoisted. */
/* df_requant's two-word path with the plan's fields in registers (the
 * ResNet-18 layers' multipliers take it); the same result. */
static inline int8_t rq_split(int32_t acc, int32_t mult, uint32_t round, uint32_t shift, int32_t floor) {
  const int64_t p = (int64_t)acc * mult;
  const uint32_t lo = (uint32_t)p + round;
  const int32_t hi = (int32_t)(p >> 32) + (int32_t)(lo < round);
  const int32_t top = hi >> (shift - 1u);
  int32_t v;
  if (top > 0) {
    v = 127;
  } else if (top < -1) {
    v = -128;
  } else {
    v = (int32_t)(((uint32_t)hi << (32u - shift)) | (lo >> shift));
    v = v > 127 ? 127 : (v < -128 ? -128 : v);
  }
  return (int8_t)(v < floor ? floor : v);
}

static void requant_run(int8_t* d, const int32_t* src, uint32_t n, const df_requant_t* q) {
  if (q->path == DF_RQ_SPLIT) {
    const int32_t mult = q->mult, floor = q->relu ? 0 : -128;
    const uint32_t round = q->round, shift = q->shift;
    for (uint32_t i = 0; i < n; ++i) d[i] = rq_split(src[i], mult, round, shift, floor);
    return;
  }
  if (q->path == DF_RQ_HIGH32) {
    const int32_t m = q->m, floor = q->relu ? 0 : -128;
    for (uint32_t i = 0; i < n; ++i) {
      const int64_t p = (int64_t)src[i] * m;
      int32_t v = (int32_t)(p >> 32) + (int32_t)(((uint32_t)p) >> 31);
      v = v < floor ? floor : v;
      d[i] = (int8_t)(v > 127 ? 127 : v);
    }
  } else {
    for (uint32_t i = 0; i < n; ++i) d[i] = df_requant(src[i], q);
  }
}

#if VP_XCV
/* kern_reduce_requant's share [lo, hi) with a CORE-V plan: runs of
 * contiguous outputs, the whole share or its pieces of each row. */
static void xcv_rr_runs(int8_t* dst, uint32_t dst_stride, const int32_t* src, uint32_t fan_in, uint32_t tile_stride,
                        uint32_t cols, uint32_t lo, uint32_t hi, const xcv_rq_t* x, int relu) {
  if (dst_stride == cols) {
    xcv_reduce_requant(dst + lo, src + lo, fan_in, tile_stride, hi - lo, x, relu);
    return;
  }
  uint32_t c = lo % cols; /* one division; then row by row */
  int8_t* d = dst + (lo / cols) * dst_stride + c;
  for (uint32_t i = lo; i < hi;) {
    const uint32_t m = cols - c < hi - i ? cols - c : hi - i;
    xcv_reduce_requant(d, src + i, fan_in, tile_stride, m, x, relu);
    i += m;
    d += dst_stride - c;
    c = 0;
  }
}
#endif

void kern_reduce_requant(int8_t* dst, uint32_t dst_stride, const int32_t* src, uint32_t fan_in, uint32_t tile_stride,
                         uint32_t rows, uint32_t cols, int32_t mult, uint32_t shift, int relu) {
  /* Split the flattened elements, not the rows: a tile of one pixel and many
   * channels (an FC output) still uses every core. */
  uint32_t lo, hi;
  df_share(rows * cols, &lo, &hi);
  if (lo >= hi) return;
#if VP_XCV
  const xcv_rq_t x = xcv_rq_plan(mult, shift);
  if (x.ok) {
    xcv_rr_runs(dst, dst_stride, src, fan_in, tile_stride, cols, lo, hi, &x, relu);
    return;
  }
#endif
  const df_requant_t q = df_requant_plan(mult, shift, relu);
  if (fan_in == 1 && dst_stride == cols) {
    requant_run(dst + lo, src + lo, hi - lo, &q);
    return;
  }
  if (dst_stride == cols && q.path == DF_RQ_HIGH32) {
    /* A reduction node's output: sum the partial tiles, then the hoisted requantization. */
    const int32_t m = q.m, floor = q.relu ? 0 : -128;
    int8_t* d = dst;
    if (fan_in == 2) { /* the common tree node, without the inner loop */
      const int32_t* s1 = src + tile_stride;
      for (uint32_t i = lo; i < hi; ++i) {
        const int64_t p = (int64_t)nm_reduce(src[i], s1[i]) * m;
        int32_t v = (int32_t)(p >> 32) + (int32_t)(((uint32_t)p) >> 31);
        v = v < floor ? floor : v;
        d[i] = (int8_t)(v > 127 ? 127 : v);
      }
      return;
    }
    for (uint32_t i = lo; i < hi; ++i) {
      int32_t acc = src[i];
      for (uint32_t k = 1; k < fan_in; ++k) acc = nm_reduce(acc, src[k * tile_stride + i]);
      const int64_t p = (int64_t)acc * m;
      int32_t v = (int32_t)(p >> 32) + (int32_t)(((uint32_t)p) >> 31);
      v = v < floor ? floor : v;
      d[i] = (int8_t)(v > 127 ? 127 : v);
    }
    return;
  }
  if (dst_stride == cols && fan_in == 2) { /* the other requantization paths, same single pass */
    const int32_t* s1 = src + tile_stride;
    if (q.path == DF_RQ_SPLIT) {
      const int32_t mult = q.mult, floor = q.relu ? 0 : -128;
      const uint32_t round = q.round, shift = q.shift;
      for (uint32_t i = lo; i < hi; ++i) dst[i] = rq_split(nm_reduce(src[i], s1[i]), mult, round, shift, floor);
      return;
    }
    for (uint32_t i = lo; i < hi; ++i) dst[i] = df_requant(nm_reduce(src[i], s1[i]), &q);
    return;
  }
  uint32_t r = lo / cols, c = lo % cols;
  int8_t* d = dst + r * dst_stride;
  for (uint32_t i = lo; i < hi; ++i) {
    int32_t acc = src[i];
    for (uint32_t k = 1; k < fan_in; ++k) acc = nm_reduce(acc, src[k * tile_stride + i]);
    d[c] = df_requant(acc, &q);
    if (++c == cols) {
      c = 0;
      d += dst_stride;
    }
  }
}

/* One output column of a per-channel requantization (df_rqc): rows
 * accumulators s0[r * st0] (+ s1[r * st1] when s1), strides in elements, to
 * d[r * dst_stride], clamped to [olo, ohi]. MULH: the plan's mulh form. */
static inline void rqc_column_c(int8_t* d, uint32_t dst_stride, const int32_t* s0, uint32_t st0, const int32_t* s1,
                                uint32_t st1, uint32_t rows, const df_rqc_t* p, int32_t olo, int32_t ohi, int mulh) {
  const int32_t lo = p->lo, hi = p->hi, bias = p->bias, mh = p->mh, ml = p->ml, round = p->round;
  const uint32_t t = p->t, s2 = p->s2;
  for (uint32_t r = 0; r < rows; ++r, s0 += st0, s1 += s1 ? st1 : 0, d += dst_stride) {
    int32_t a = s1 ? nm_reduce(*s0, *s1) : *s0;
    a = (a < lo ? lo : (a > hi ? hi : a)) + bias;
    const int32_t x = mulh ? (int32_t)(((int64_t)a * mh) >> 32) : a * mh + ((a * ml) >> t);
    const int32_t v = (x + round) >> s2;
    *d = (int8_t)(v < olo ? olo : (v > ohi ? ohi : v));
  }
}

static inline __attribute__((always_inline)) void rqc_column(int8_t* d, uint32_t dst_stride, const int32_t* s0,
                                                             uint32_t st0, const int32_t* s1, uint32_t st1,
                                                             uint32_t rows, const df_rqc_t* p, int relu, int32_t olo,
                                                             int32_t ohi) {
#if VP_XCV
  xcv_rqc_column(d, dst_stride, s0, st0, s1, st1, rows, p, relu, ohi);
  (void)olo;
#else
  (void)relu;
  if (p->t == DF_RQC_MULH)
    rqc_column_c(d, dst_stride, s0, st0, s1, st1, rows, p, olo, ohi, 1);
  else
    rqc_column_c(d, dst_stride, s0, st0, s1, st1, rows, p, olo, ohi, 0);
#endif
}

/* One column piece (rows nr, accumulators s[r * cols] and the other tiles
 * tile_stride elements further, codes to d[r * dst_stride]) of a
 * per-channel requantization: df_rqc's 32-bit forms (fan-in 1 and 2 in one
 * pass; above, all but the last input summed into a stack column, 64 rows at
 * a time), or nm_requant_ch's 64-bit path where df_rqc_plan refuses. */
static __attribute__((noinline)) void rq_piece(int8_t* d, uint32_t dst_stride, const int32_t* s, uint32_t fan_in,
                                               uint32_t tile_stride, uint32_t cols, uint32_t nr, int32_t bias,
                                               int32_t mult, uint32_t shift, int relu, int32_t amax) {
  const int32_t olo = relu ? 0 : -128, ohi = amax < 127 ? amax : 127;
  df_rqc_t pc;
  if (ohi >= olo && df_rqc_plan(&pc, bias, mult, shift)) {
    if (fan_in <= 2) {
      rqc_column(d, dst_stride, s, cols, fan_in == 2 ? s + tile_stride : 0, cols, nr, &pc, relu, olo, ohi);
      return;
    }
    int32_t tmp[64];
    for (uint32_t k0 = 0; k0 < nr; k0 += 64) {
      const uint32_t m = nr - k0 < 64 ? nr - k0 : 64;
      const int32_t* sk = s + k0 * cols;
      for (uint32_t r = 0; r < m; ++r) {
        int32_t acc = sk[r * cols];
        for (uint32_t k = 1; k + 1 < fan_in; ++k) acc = nm_reduce(acc, sk[k * tile_stride + r * cols]);
        tmp[r] = acc;
      }
      rqc_column(d + k0 * dst_stride, dst_stride, tmp, 1, sk + (fan_in - 1) * tile_stride, cols, m, &pc, relu, olo,
                 ohi);
    }
    return;
  }
  const df_requant_t p = df_requant_plan(mult, shift, relu);
  for (uint32_t r = 0; r < nr; ++r) {
    int32_t acc = s[r * cols];
    for (uint32_t k = 1; k < fan_in; ++k) acc = nm_reduce(acc, s[k * tile_stride + r * cols]);
    const int8_t v = df_requant(bias ? nm_bias_add(acc, bias) : acc, &p);
    d[r * dst_stride] = v > amax ? (int8_t)amax : v;
  }
}

#if VP_XCV
/* The CORE-V column pieces of fan-in 1 and 2 (the common case): per piece
 * the 16x16 plan (df_rq16) and its hardware loop, each variant a loop of its
 * own so the per-piece work stays small; a piece the plan refuses goes to
 * rq_piece. */
#define XCV_RQ16_PIECES(LOAD, OUT, TWO, LOAD_ONE, OUT_ONE)                                                  \
  for (uint32_t i = lo; i < hi; ++c, r0 = 0) {                                                              \
    const uint32_t nr = rows - r0 < hi - i ? rows - r0 : hi - i;                                            \
    i += nr;                                                                                                \
    const int32_t bias = q->uniform ? 0 : q->ch[c].bias, mult = q->uniform ? q->mult : q->ch[c].mult;       \
    const uint32_t shift = q->uniform ? q->shift : (uint32_t)q->ch[c].shift;                                \
    __typeof__(src) s0 = src + r0 * cols + c; /* int32_t or int16_t partial sums */                     \
    __typeof__(src) s1 = s0 + tile_stride;                                                                  \
    int8_t* d = dst + r0 * dst_stride + c;                                                                  \
    df_rq16_t pl;                                                                                           \
    if (!df_rq16_plan(&pl, bias, mult, shift)) {                                                            \
      XCV_RQ16_PIECE(d, dst_stride, s0, TWO ? 2 : 1, tile_stride, cols, nr, bias, mult, shift, relu, ohi);  \
      continue;                                                                                             \
    }                                                                                                       \
    const df_rq16_t* p = &pl;                                                                               \
    register uint32_t pairs __asm__("a5") = nr / 2;                                                         \
    if (pairs) XCV_RQ16_ANY(LOAD, OUT);                                                                     \
    if (nr & 1) XCV_RQ16_ONE(LOAD_ONE, OUT_ONE);                                                              \
  }
/* The body of xcv_rq_pieces and xcv_rq_pieces16: the clamp variants of the
 * piece loop for fan-in 1 and 2, partial sums of ESZ bytes read by LOAD (the
 * XCV_RQC_LOAD* macros for int32, XCV_RQCH_LOAD* for int16). */
#define XCV_RQ_PIECES_BODY(ESZ, LOAD2, LOAD2_ONE, LOAD1, LOAD1_ONE)                                              \
  const int relu = q->relu;                                                                                      \
  const int32_t ohi = q->act_max < 127 ? q->act_max : 127;                                                       \
  const uint32_t b0 = cols * (ESZ), b1 = cols * (ESZ);                                                           \
  uint32_t c = lo / rows, r0 = lo - c * rows; /* one division; then piece by piece */                            \
  if (fan_in == 2) {                                                                                             \
    if (relu) XCV_RQ16_PIECES(LOAD2, XCV_RQ16_RELU, 1, LOAD2_ONE, XCV_RQ16_RELU_ONE)                            \
    else if (ohi < 127) XCV_RQ16_PIECES(LOAD2, XCV_RQ16_CLIPMAX, 1, LOAD2_ONE, XCV_RQ16_CLIPMAX_ONE)            \
    else XCV_RQ16_PIECES(LOAD2, XCV_RQ16_CLIP, 1, LOAD2_ONE, XCV_RQ16_CLIP_ONE)                                 \
  } else {                                                                                                       \
    if (relu) XCV_RQ16_PIECES(LOAD1, XCV_RQ16_RELU, 0, LOAD1_ONE, XCV_RQ16_RELU_ONE)                            \
    else if (ohi < 127) XCV_RQ16_PIECES(LOAD1, XCV_RQ16_CLIPMAX, 0, LOAD1_ONE, XCV_RQ16_CLIPMAX_ONE)            \
    else XCV_RQ16_PIECES(LOAD1, XCV_RQ16_CLIP, 0, LOAD1_ONE, XCV_RQ16_CLIP_ONE)                                 \
  }
#define XCV_RQ16_PIECE rq_piece /* a piece df_rq16_plan refuses */
static __attribute__((noinline)) void xcv_rq_pieces(int8_t* dst, uint32_t dst_stride, const int32_t* src,
                                                    uint32_t fan_in, uint32_t tile_stride, uint32_t rows,
                                                    uint32_t cols, const df_quant_t* q, uint32_t lo, uint32_t hi) {
  XCV_RQ_PIECES_BODY(4u, XCV_RQC_LOAD2, XCV_RQC_LOAD2_ONE, XCV_RQC_LOAD1, XCV_RQC_LOAD1_ONE)
}

/* The CORE-V column pieces of fan-in 3 and above: per piece the 16x16 plan,
 * then, 96 rows at a time, the column's sums into a stack buffer
 * (xcv_col_sums: a pass of up to eight inputs, then nine more per pass) and
 * xcv_rq_pieces's loop on it: fan-in up to 7 all inputs in the buffer, then
 * the fan-in-1 loop; above, all but the last, which the fan-in-2 loop adds
 * (one pass fewer for fan-in 9 and 18). A piece the plan refuses goes to
 * rq_piece. */
/* m rows of one column piece, m / 2 pairs (in a5: `pairs`) then the odd one, with the
 * activation's clamp; LOAD/LOAD_ONE read one input (the buffer) or two (s0, s1). */
#define XCV_RQ16_ROWS(LOAD, LOAD_ONE)                                            \
  do {                                                                           \
    if (pairs) {                                                                 \
      if (relu) XCV_RQ16_ANY(LOAD, XCV_RQ16_RELU)                                \
      else if (ohi < 127) XCV_RQ16_ANY(LOAD, XCV_RQ16_CLIPMAX)                   \
      else XCV_RQ16_ANY(LOAD, XCV_RQ16_CLIP)                                     \
    }                                                                            \
    if (m & 1) {                                                                 \
      if (relu) XCV_RQ16_ONE(LOAD_ONE, XCV_RQ16_RELU_ONE);                       \
      else if (ohi < 127) XCV_RQ16_ONE(LOAD_ONE, XCV_RQ16_CLIPMAX_ONE);          \
      else XCV_RQ16_ONE(LOAD_ONE, XCV_RQ16_CLIP_ONE);                            \
    }                                                                            \
  } while (0)
static __attribute__((noinline)) void xcv_rq_pieces_n(int8_t* dst, uint32_t dst_stride, const int32_t* src,
                                                      uint32_t fan_in, uint32_t tile_stride, uint32_t rows,
                                                      uint32_t cols, const df_quant_t* q, uint32_t lo, uint32_t hi) {
  const int relu = q->relu;
  const int32_t ohi = q->act_max < 127 ? q->act_max : 127;
  const uint32_t st = cols * 4u;
  int32_t tmp[96]; /* the 2 KiB stacks (cluster.ld): 96 rows take the headline's column pieces (at most 80) whole */
  uint32_t c = lo / rows, r0 = lo - c * rows; /* one division; then piece by piece */
  for (uint32_t i = lo; i < hi; ++c, r0 = 0) {
    const uint32_t nr = rows - r0 < hi - i ? rows - r0 : hi - i;
    i += nr;
    const int32_t bias = q->uniform ? 0 : q->ch[c].bias, mult = q->uniform ? q->mult : q->ch[c].mult;
    const uint32_t shift = q->uniform ? q->shift : (uint32_t)q->ch[c].shift;
    const int32_t* sc = src + r0 * cols + c;
    int8_t* dc = dst + r0 * dst_stride + c;
    df_rq16_t pl;
    if (!df_rq16_plan(&pl, bias, mult, shift)) {
      rq_piece(dc, dst_stride, sc, fan_in, tile_stride, cols, nr, bias, mult, shift, relu, ohi);
      continue;
    }
    const df_rq16_t* p = &pl;
    for (uint32_t k0 = 0; k0 < nr; k0 += 96) {
      const uint32_t m = nr - k0 < 96 ? nr - k0 : 96;
      const int32_t* sk = sc + k0 * cols;
      int8_t* d = dc + k0 * dst_stride;
      if (fan_in <= 7) { /* one pass of all inputs, then the fan-in-1 loop on the buffer */
        xcv_col_sums(tmp, sk, st, tile_stride, m, fan_in);
        register uint32_t pairs __asm__("a5") = m / 2; /* after the call, which may use a5 */
        const int32_t *s0 = tmp, *s1 = tmp;
        const uint32_t b0 = 4u, b1 = 4u;
        XCV_RQ16_ROWS(XCV_RQC_LOAD1, XCV_RQC_LOAD1_ONE);
        continue;
      }
      /* all but the last input into the buffer (8, then 9 per pass: fan-in 9 and 18 take one and two passes),
       * the last one added in the requantization loop (its fan-in-2 form: the last tile down the column, the buffer) */
      xcv_col_sums(tmp, sk, st, tile_stride, m, fan_in - 1);
      register uint32_t pairs __asm__("a5") = m / 2;
      const int32_t *s0 = sk + (fan_in - 1) * tile_stride, *s1 = tmp;
      const uint32_t b0 = st, b1 = 4u;
      XCV_RQ16_ROWS(XCV_RQC_LOAD2, XCV_RQC_LOAD2_ONE);
    }
  }
}
#endif

/* The column-major share [lo, hi) of a requantizing reduction, one column
 * piece at a time with its channel's (or the layer's) bias, multiplier and
 * shift, by PIECE (rq_piece for int32 partial sums, rq_piece16 for int16). */
#define DF_RQ_COLUMN_PIECES(PIECE)                                                                                 \
  uint32_t c = lo / rows, r0 = lo - c * rows; /* one division; then piece by piece */                             \
  for (uint32_t i = lo; i < hi; ++c, r0 = 0) {                                                                    \
    const uint32_t nr = rows - r0 < hi - i ? rows - r0 : hi - i;                                                  \
    i += nr;                                                                                                      \
    const int32_t bias = q->uniform ? 0 : q->ch[c].bias, mult = q->uniform ? q->mult : q->ch[c].mult;             \
    const uint32_t shift = q->uniform ? q->shift : (uint32_t)q->ch[c].shift;                                      \
    PIECE(dst + r0 * dst_stride + c, dst_stride, src + r0 * cols + c, fan_in, tile_stride, cols, nr, bias, mult, \
          shift, q->relu, q->act_max);                                                                            \
  }

void kern_reduce_requant_q(int8_t* dst, uint32_t dst_stride, const int32_t* src, uint32_t fan_in,
                           uint32_t tile_stride, uint32_t rows, uint32_t cols, const df_quant_t* q) {
  if (q->uniform && q->act_max >= 127) {
    kern_reduce_requant(dst, dst_stride, src, fan_in, tile_stride, rows, cols, q->mult, q->shift, q->relu);
    return;
  }
  /* Column-major: each core takes an even share of the elements in column
   * order (whole columns, and at most a piece of one at each end), so a tile
   * of 64 columns keeps 15 or 16 cores equally busy; one plan per column
   * piece, then its rows. */
  uint32_t lo, hi;
  df_share(rows * cols, &lo, &hi);
  if (lo >= hi) return;
#if VP_XCV
  if (q->uniform && q->relu && q->act_max >= 0) { /* ReLU6 / Clip: the uniform loop, clamped at act_max's accumulator */
    const xcv_rq_t x = xcv_rq_plan_top(q->mult, q->shift, q->act_max);
    if (x.ok && x.noclip) {
      xcv_rr_runs(dst, dst_stride, src, fan_in, tile_stride, cols, lo, hi, &x, 1);
      return;
    }
  }
  if ((q->relu ? 0 : -128) <= q->act_max) {
    if (fan_in <= 2)
      xcv_rq_pieces(dst, dst_stride, src, fan_in, tile_stride, rows, cols, q, lo, hi);
    else
      xcv_rq_pieces_n(dst, dst_stride, src, fan_in, tile_stride, rows, cols, q, lo, hi);
    return;
  }
#endif
  DF_RQ_COLUMN_PIECES(rq_piece)
}

/* ---- int16 partial sums (kernels.h: kern_reduce16, kern_reduce_requant_q16) ---- */

/* rq_piece on int16 partial sums, any fan-in: df_rqc's 32-bit forms down the
 * column (the mulh form hoisted), or nm_requant_ch's 64-bit path. */
static inline __attribute__((always_inline)) void rqc_column16_c(int8_t* d, uint32_t dst_stride, const int16_t* s,
                                                                 uint32_t fan_in, uint32_t tile_stride, uint32_t cols,
                                                                 uint32_t rows, const df_rqc_t* p, int32_t olo,
                                                                 int32_t ohi, int mulh) {
  const int32_t lo = p->lo, hi = p->hi, bias = p->bias, mh = p->mh, ml = p->ml, round = p->round;
  const uint32_t t = p->t, s2 = p->s2;
  const int16_t* s1 = s + tile_stride;
  for (uint32_t r = 0; r < rows; ++r, s += cols, s1 += cols, d += dst_stride) {
    int32_t a = *s;
    if (fan_in == 2) {
      a += *s1;
    } else {
      for (uint32_t k = 1; k < fan_in; ++k) a += s[k * tile_stride];
    }
    a = (a < lo ? lo : (a > hi ? hi : a)) + bias;
    const int32_t x = mulh ? (int32_t)(((int64_t)a * mh) >> 32) : a * mh + ((a * ml) >> t);
    const int32_t v = (x + round) >> s2;
    *d = (int8_t)(v < olo ? olo : (v > ohi ? ohi : v));
  }
}

static __attribute__((noinline)) void rq_piece16(int8_t* d, uint32_t dst_stride, const int16_t* s, uint32_t fan_in,
                                                 uint32_t tile_stride, uint32_t cols, uint32_t nr, int32_t bias,
                                                 int32_t mult, uint32_t shift, int relu, int32_t amax) {
  const int32_t olo = relu ? 0 : -128, ohi = amax < 127 ? amax : 127;
  df_rqc_t pc;
  if (ohi >= olo && df_rqc_plan(&pc, bias, mult, shift)) {
    if (pc.t == DF_RQC_MULH)
      rqc_column16_c(d, dst_stride, s, fan_in, tile_stride, cols, nr, &pc, olo, ohi, 1);
    else if (fan_in == 1)
      rqc_column16_c(d, dst_stride, s, 1, tile_stride, cols, nr, &pc, olo, ohi, 0);
    else if (fan_in == 2)
      rqc_column16_c(d, dst_stride, s, 2, tile_stride, cols, nr, &pc, olo, ohi, 0);
    else
      rqc_column16_c(d, dst_stride, s, fan_in, tile_stride, cols, nr, &pc, olo, ohi, 0);
    return;
  }
  const df_requant_t p = df_requant_plan(mult, shift, relu);
  for (uint32_t r = 0; r < nr; ++r) {
    int32_t acc = s[r * cols];
    for (uint32_t k = 1; k < fan_in; ++k) acc += s[k * tile_stride + r * cols];
    const int8_t v = df_requant(bias ? nm_bias_add(acc, bias) : acc, &p);
    d[r * dst_stride] = v > amax ? (int8_t)amax : v;
  }
}

void kern_reduce16(int16_t* dst, const int16_t* src, uint32_t fan_in, uint32_t tile_stride, uint32_t n) {
  uint32_t lo, hi;
#if VP_XCV
  if (!((((uintptr_t)src | (uintptr_t)dst) & 3u) | (tile_stride & 1u)) && fan_in >= 2) {
    /* Two sums a word: each core a share of the words (the last word may hold one sum, which C adds). */
    const uint32_t words = n / 2u, tsw = tile_stride / 2u;
    df_share((n + 1u) / 2u, &lo, &hi);
    const uint32_t whi = hi < words ? hi : words;
    uint32_t* d = (uint32_t*)dst + lo;
    const uint32_t* s = (const uint32_t*)src + lo;
    if (whi > lo) {
      if (fan_in == 2) {
        xcv_reduce2h(d, s, s + tsw, whi - lo);
      } else {
        const uint32_t first = fan_in < 7 ? fan_in : 7;
        xcv_reduceNh(d, s, tsw, whi - lo, first);
        for (uint32_t k = first; k < fan_in; ++k) xcv_reduce2h(d, d, s + k * tsw, whi - lo);
      }
    }
    if (hi > whi) { /* n odd: its last sum */
      int32_t acc = src[n - 1u];
      for (uint32_t k = 1; k < fan_in; ++k) acc += src[k * tile_stride + n - 1u];
      dst[n - 1u] = (int16_t)acc;
    }
    return;
  }
#endif
  df_share(n, &lo, &hi);
  /* Streams of up to four inputs per pass (no inner loop per sum): the first
   * pass writes dst, each further one adds up to three more tiles to it (dst
   * may alias the first tile: each element is read before it is written). */
  const int16_t *s0 = src, *s1 = src + tile_stride, *s2 = s1 + tile_stride, *s3 = s2 + tile_stride;
  if (fan_in == 1) {
    for (uint32_t i = lo; i < hi; ++i) dst[i] = s0[i];
  } else if (fan_in == 2) {
    for (uint32_t i = lo; i < hi; ++i) dst[i] = (int16_t)(s0[i] + s1[i]);
  } else if (fan_in == 3) {
    for (uint32_t i = lo; i < hi; ++i) dst[i] = (int16_t)(s0[i] + s1[i] + s2[i]);
  } else {
    for (uint32_t i = lo; i < hi; ++i) dst[i] = (int16_t)(s0[i] + s1[i] + s2[i] + s3[i]);
  }
  for (uint32_t k = 4; k < fan_in; k += 3) {
    const int16_t* a = src + k * tile_stride;
    const int16_t* b = a + tile_stride;
    const int16_t* c = b + tile_stride;
    if (fan_in - k == 1)
      for (uint32_t i = lo; i < hi; ++i) dst[i] = (int16_t)(dst[i] + a[i]);
    else if (fan_in - k == 2)
      for (uint32_t i = lo; i < hi; ++i) dst[i] = (int16_t)(dst[i] + a[i] + b[i]);
    else
      for (uint32_t i = lo; i < hi; ++i) dst[i] = (int16_t)(dst[i] + a[i] + b[i] + c[i]);
  }
}

#if VP_XCV
/* xcv_rq_pieces on int16 partial sums: the same loops with cv.lh (XCV_RQCH_LOAD*). */
#undef XCV_RQ16_PIECE
#define XCV_RQ16_PIECE rq_piece16
static __attribute__((noinline)) void xcv_rq_pieces16(int8_t* dst, uint32_t dst_stride, const int16_t* src,
                                                      uint32_t fan_in, uint32_t tile_stride, uint32_t rows,
                                                      uint32_t cols, const df_quant_t* q, uint32_t lo, uint32_t hi) {
  XCV_RQ_PIECES_BODY(2u, XCV_RQCH_LOAD2, XCV_RQCH_LOAD2_ONE, XCV_RQCH_LOAD1, XCV_RQCH_LOAD1_ONE)
}
#endif

/* n codes of the uniform requantization (no bias, one mult and shift, no act_max) of fan_in int16 tiles
 * (tile_stride apart), the plan's path hoisted, one loop per fan-in form. */
#define RR16_LOOP(SUM)                                                     \
  do {                                                                     \
    if (p->path == DF_RQ_HIGH32) {                                         \
      const int32_t m = p->m, floor = p->relu ? 0 : -128;                  \
      for (uint32_t j = 0; j < n; ++j) {                                   \
        const int64_t v64 = (int64_t)(SUM) * m;                            \
        int32_t v = (int32_t)(v64 >> 32) + (int32_t)(((uint32_t)v64) >> 31); \
        v = v < floor ? floor : v;                                         \
        d[j] = (int8_t)(v > 127 ? 127 : v);                                \
      }                                                                    \
    } else if (p->path == DF_RQ_SPLIT) {                                   \
      const int32_t mult = p->mult, floor = p->relu ? 0 : -128;            \
      const uint32_t round = p->round, shift = p->shift;                   \
      for (uint32_t j = 0; j < n; ++j) d[j] = rq_split((SUM), mult, round, shift, floor); \
    } else {                                                               \
      for (uint32_t j = 0; j < n; ++j) d[j] = df_requant((SUM), p);        \
    }                                                                      \
  } while (0)
static __attribute__((noinline)) void rr16_run(int8_t* d, const int16_t* s, uint32_t fan_in, uint32_t tile_stride,
                                               uint32_t n, const df_requant_t* p) {
  const int16_t* s1 = s + tile_stride;
  if (fan_in == 1) {
    RR16_LOOP(s[j]);
  } else if (fan_in == 2) {
    RR16_LOOP(s[j] + s1[j]);
  } else {
    RR16_LOOP(({
      int32_t a = s[j];
      for (uint32_t k = 1; k < fan_in; ++k) a += s[k * tile_stride + j];
      a;
    }));
  }
}

/* The uniform requantization of int16 partial sums, the share [lo, hi) of the
 * flattened elements: row runs as kern_reduce_requant's (CORE-V: its loops
 * with cv.lh for fan-in 1 and 2). */
static void rr16_uniform(int8_t* dst, uint32_t dst_stride, const int16_t* src, uint32_t fan_in, uint32_t tile_stride,
                         uint32_t cols, uint32_t lo, uint32_t hi, const df_quant_t* q) {
#if VP_XCV
  const xcv_rq_t x = xcv_rq_plan(q->mult, q->shift);
#endif
  const df_requant_t p = df_requant_plan(q->mult, q->shift, q->relu);
  uint32_t c = lo % cols; /* one division; then run by run */
  int8_t* d = dst + (lo / cols) * dst_stride + c;
  for (uint32_t i = lo; i < hi;) {
    const uint32_t run = dst_stride == cols ? hi - i : (cols - c < hi - i ? cols - c : hi - i);
#if VP_XCV
    if (x.ok && fan_in <= 2)
      xcv_requant16(d, src + i, fan_in == 2 ? src + tile_stride + i : 0, run, &x, q->relu);
    else
#endif
      rr16_run(d, src + i, fan_in, tile_stride, run, &p);
    i += run;
    d += run + dst_stride - cols;
    c = 0;
  }
}

void kern_reduce_requant_q16(int8_t* dst, uint32_t dst_stride, const int16_t* src, uint32_t fan_in,
                             uint32_t tile_stride, uint32_t rows, uint32_t cols, const df_quant_t* q) {
  uint32_t lo, hi;
  if (q->uniform && q->act_max >= 127) { /* flattened shares, row runs */
    df_share(rows * cols, &lo, &hi);
    if (lo < hi) rr16_uniform(dst, dst_stride, src, fan_in, tile_stride, cols, lo, hi, q);
    return;
  }
  /* Column-major shares, one plan per column piece, as kern_reduce_requant_q's per-channel path. */
  df_share(rows * cols, &lo, &hi);
  if (lo >= hi) return;
#if VP_XCV
  if ((q->relu ? 0 : -128) <= q->act_max && fan_in <= 2) {
    xcv_rq_pieces16(dst, dst_stride, src, fan_in, tile_stride, rows, cols, q, lo, hi);
    return;
  }
#endif
  DF_RQ_COLUMN_PIECES(rq_piece16)
}

void kern_add_rescaled(int8_t* dst, const int8_t* a, const int8_t* b, uint32_t n, int32_t mult_a, int32_t mult_b,
                       uint32_t shift, int relu, int32_t act_max) {
  if (mult_a == 1 && mult_b == 1 && shift == 0 && act_max >= 127) {
    kern_add(dst, a, b, n, relu);
    return;
  }
  uint32_t lo, hi;
  df_share(n, &lo, &hi);
  const int32_t round = shift ? (int32_t)(1u << (shift - 1u)) : 0, vlo = relu ? 0 : -128,
                vhi = act_max < 127 ? act_max : 127;
  for (uint32_t i = lo; i < hi; ++i) { /* nm_add_rescaled in int32: exact (|v| < 2^23) */
    const int32_t v = ((int32_t)a[i] * mult_a + (int32_t)b[i] * mult_b + round) >> shift;
    dst[i] = (int8_t)(v < vlo ? vlo : (v > vhi ? vhi : v));
  }
}

void kern_add(int8_t* dst, const int8_t* a, const int8_t* b, uint32_t n, int relu) {
  uint32_t lo, hi;
  df_share(n, &lo, &hi);
#if VP_XCV
  if (hi > lo) xcv_add(dst + lo, a + lo, b + lo, hi - lo, relu);
  return;
#endif
  for (uint32_t i = lo; i < hi; ++i) dst[i] = nm_add(a[i], b[i], relu);
}

/* One output pixel of a pool, channels [c0, c1). */
static void pool_pixel(int8_t* q, const df_window_t* in, uint32_t oy, uint32_t ox, uint32_t kernel, uint32_t stride,
                       uint32_t padding, int is_max, uint32_t c0, uint32_t c1, df_avg_t* avg) {
  const int32_t y0 = (int32_t)(oy * stride) - (int32_t)padding, x0 = (int32_t)(ox * stride) - (int32_t)padding;
  /* The in-map part of the window, so the inner loops need no bounds test. */
  const int32_t ya = y0 < 0 ? 0 : y0, xa = x0 < 0 ? 0 : x0;
  int32_t yb = y0 + (int32_t)kernel, xb = x0 + (int32_t)kernel;
  if (yb > (int32_t)in->h) yb = (int32_t)in->h;
  if (xb > (int32_t)in->map_w) xb = (int32_t)in->map_w;
  const uint32_t C = in->c;
  /* The average's reciprocal: one plan per in-map count up to 9 (a window of
   * up to 3x3 and its borders), planned on first use; other counts in slot 0,
   * planned again when the count changes. */
  if (!is_max) {
    const int32_t count = (yb - ya) * (xb - xa);
    avg = count <= 9 ? avg + count : avg;
    if (count != avg->n) df_avg_plan(avg, count, avg->mode);
  }
#if VP_XCV
  /* Four channels per word: cv.max.b, or half-word sums (exact while kernel^2 * 128 < 2^15). */
  if ((C & 3) == 0 && (c0 & 3) == 0 && ((uintptr_t)in->data & 3) == 0 && (is_max || kernel * kernel <= 255)) {
    if (is_max && yb - ya <= 3 && xb - xa <= 3 && yb > ya && xb > xa && ((uintptr_t)(q + c0) & 3) == 0 &&
        c1 - c0 >= 4) {
      xcv_max3x3(q + c0, in->data + ((uint32_t)ya * in->w + (uint32_t)(xa - in->x0)) * C + c0, C, in->w * C,
                 (c1 - c0) / 4, (uint32_t)(yb - ya), (uint32_t)(xb - xa));
      c0 = c1 - (c1 - c0) % 4;
    } else if (!is_max && yb - ya <= 3 && xb - xa <= 3 && yb > ya && xb > xa && c1 - c0 >= 4) {
      xcv_avg_small(q + c0, in->data + ((uint32_t)ya * in->w + (uint32_t)(xa - in->x0)) * C + c0, C, in->w * C,
                    (c1 - c0) / 4, (uint32_t)(yb - ya), (uint32_t)(xb - xa), avg);
      c0 = c1 - (c1 - c0) % 4;
    }
    for (uint32_t ch = c0; ch + 4 <= c1; ch += 4)
      xcv_pool4(q + ch, in, ch, ya, yb, xa, xb, is_max, avg);
    c0 = c1 - (c1 - c0) % 4;
  }
#endif
  for (uint32_t ch = c0; ch < c1; ++ch) { /* max and average apart: each loop keeps one accumulator */
    const int8_t* row = in->data + ((uint32_t)ya * in->w + (uint32_t)(xa - in->x0)) * C + ch;
    if (is_max) {
      int8_t mx = -128;
      for (int32_t y = ya; y < yb; ++y, row += in->w * C) {
        const int8_t* p = row;
        int8_t v = *p; /* loaded one element ahead: no load-use stall on the compare */
        for (int32_t x = xa + 1; x < xb; ++x) {
          const int8_t next = *(p += C);
          mx = nm_max(mx, v);
          v = next;
        }
        mx = nm_max(mx, v);
      }
      q[ch] = mx;
    } else {
      int32_t sum = 0;
      for (int32_t y = ya; y < yb; ++y, row += in->w * C) {
        const int8_t* p = row;
        for (int32_t x = xa; x < xb; ++x, p += C) sum += *p;
      }
      q[ch] = df_avg(sum, avg);
    }
  }
}

void kern_pool(int8_t* dst, const df_window_t* in, uint32_t out_h, uint32_t ox0, uint32_t ox1, uint32_t kernel,
               uint32_t stride, uint32_t padding, int is_max) {
  kern_pool_mode(dst, in, out_h, ox0, ox1, kernel, stride, padding, is_max, NM_AVG_HALF_UP);
}

void kern_pool_mode(int8_t* dst, const df_window_t* in, uint32_t out_h, uint32_t ox0, uint32_t ox1, uint32_t kernel,
                    uint32_t stride, uint32_t padding, int is_max, uint32_t mode) {
  const uint32_t tw = ox1 - ox0, npix = out_h * tw, C = in->c;
  df_avg_t avg[10]; /* pool_pixel's plans by count */
  if (!is_max)
    for (uint32_t k = 0; k < 10; ++k) avg[k].n = 0, avg[k].mode = mode;
  uint32_t lo, hi;
  if (npix >= (team_count ? team_count : num_cores())) {
    df_share(npix, &lo, &hi);
    uint32_t oy = lo / tw, ox = ox0 + lo % tw; /* one division, then the pixels in order */
    for (uint32_t p = lo; p < hi; ++p) {
      pool_pixel(dst + p * C, in, oy, ox, kernel, stride, padding, is_max, 0, C, avg);
      if (++ox == ox1) ox = ox0, ++oy;
    }
  } else {
    /* Few pixels (a global pool): split the channels instead. */
    df_share(C, &lo, &hi);
    for (uint32_t p = 0; p < npix; ++p)
      pool_pixel(dst + p * C, in, p / tw, ox0 + p % tw, kernel, stride, padding, is_max, lo, hi, avg);
  }
}

void kern_mvm(int32_t* out, uint32_t out_stride, const int8_t* x, uint32_t vec_stride, uint32_t n, const int8_t* w,
              uint32_t w_stride, uint32_t rows, uint32_t cols, const df_adc_t* adc) {
  /* Split the (vector, column) pairs: an FC layer has one vector. */
  uint32_t lo, hi;
  df_share(n * cols, &lo, &hi);
  for (uint32_t i = lo; i < hi; ++i) {
    const uint32_t v = i / cols, j = i % cols;
    const int8_t* xv = x + v * vec_stride;
    int32_t acc = 0;
    for (uint32_t r0 = 0; r0 < rows; r0 += adc->chunk_rows) {
      const uint32_t r1 = r0 + adc->chunk_rows < rows ? r0 + adc->chunk_rows : rows;
      int32_t sum = 0; /* exact: at most 4096 rows of 8-bit products */
      const int8_t* wp = w + r0 * w_stride + j;
#if VP_XCV
      if (adc->dac_bits >= 8) { /* the DAC passes int8 inputs unchanged */
        sum = xcv_dot_column(wp, w_stride, xv + r0, r1 - r0);
        acc = nm_reduce(acc, ima_adc(sum, adc->adc_bits, adc->adc_shift));
        continue;
      }
#endif
      for (uint32_t r = r0; r < r1; ++r, wp += w_stride) sum += (int32_t)*wp * ima_dac(xv[r], adc->dac_bits);
      acc = nm_reduce(acc, ima_adc(sum, adc->adc_bits, adc->adc_shift));
    }
    out[v * out_stride + j] = acc;
  }
}

/* memcpy / memset of one im2col run: word by word when the run and both
 * ends are word-aligned (the C library's are byte loops, about 9 cycles a
 * byte), else the library's; GCC is kept from turning the loops back into
 * library calls. */
#define DF_NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns"))) /* keep the word loops */
static DF_NO_LIBCALL void im2col_copy(int8_t* d, const int8_t* s, uint32_t n) {
  if ((((uintptr_t)d | (uintptr_t)s | n) & 3) == 0) {
#if VP_XCV
    xcv_copy_words((uint32_t*)(void*)d, (const uint32_t*)(const void*)s, n / 4);
#else
    uint32_t* dw = (uint32_t*)(void*)d;
    const uint32_t* sw = (const uint32_t*)(const void*)s;
    for (uint32_t i = 0; i < n / 4; ++i) dw[i] = sw[i];
#endif
    return;
  }
  memcpy(d, s, n);
}
static DF_NO_LIBCALL void im2col_zero(int8_t* d, uint32_t n) {
  if ((((uintptr_t)d | n) & 3) == 0) {
    uint32_t* dw = (uint32_t*)(void*)d;
    for (uint32_t i = 0; i < n / 4; ++i) dw[i] = 0;
    return;
  }
  memset(d, 0, n);
}

void kern_im2col(int8_t* dst, uint32_t vec_stride, const df_window_t* in, uint32_t out_h, uint32_t ox0, uint32_t ox1,
                 uint32_t kernel, uint32_t stride, uint32_t padding, uint32_t r0, uint32_t r1) {
  const uint32_t tw = ox1 - ox0, C = in->c, run = kernel * C;
  uint32_t lo, hi;
  df_share(out_h * tw, &lo, &hi);
  if (lo >= hi) return;
  const uint32_t ky0 = r0 / run, off0 = r0 - ky0 * run; /* the divisions once per call */
  uint32_t oy = lo / tw, ox = ox0 + (lo - oy * tw);
  for (uint32_t p = lo; p < hi; ++p) {
    int8_t* v = dst + p * vec_stride;
    /* Column of the patch's kx = 0 in the window (padding columns included). */
    const int32_t wx = (int32_t)(ox * stride) - (int32_t)padding - in->x0;
    uint32_t ky = ky0, off = off0;
    for (uint32_t r = r0; r < r1; ++ky, off = 0) {
      const uint32_t n = (run - off < r1 - r) ? run - off : r1 - r;
      const int32_t iy = (int32_t)(oy * stride + ky) - (int32_t)padding;
      if (iy < 0 || iy >= (int32_t)in->h)
        im2col_zero(v, n);
      else
        im2col_copy(v, in->data + ((uint32_t)iy * in->w + (uint32_t)wx) * C + off, n);
      v += n;
      r += n;
    }
    if (++ox == ox1) ox = ox0, ++oy; /* the next pixel, without two divisions */
  }
}
