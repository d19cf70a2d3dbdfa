/* Depthwise convolution on the cores: see dwconv.h. */
#include "dataflow/dwconv.h"

#include "dataflow/requant.h"
#include "hal/cluster.h"
#if VP_XCV
#include "hal/corev.h"
#endif
#include "hal/dwconv.h"
#include "numerics.h"

df_dw_t df_dw;

/* One output element of channel c: taps inside the map only (padding is 0). */
static int32_t dw_acc_edge(const df_window_t* in, const int8_t* w, uint32_t c, int32_t iy0, int32_t ix0, uint32_t K) {
  const uint32_t C = in->c;
  int32_t acc = 0;
  for (uint32_t ky = 0; ky < K; ++ky) {
    const int32_t iy = iy0 + (int32_t)ky;
    if (iy < 0 || iy >= (int32_t)in->h) continue;
    for (uint32_t kx = 0; kx < K; ++kx) {
      const int32_t ix = ix0 + (int32_t)kx;
      if (ix < 0 || ix >= (int32_t)in->map_w) continue;
      const int8_t x = in->data[((uint32_t)iy * in->w + (uint32_t)(ix - in->x0)) * C + c];
      acc += (int32_t)w[(ky * K + kx) * C + c] * x;
    }
  }
  return acc;
}

/* The common case, a 3x3 kernel: rows x n outputs of one channel (out:
 * the first, rows `orow` bytes apart, outputs C bytes apart). r0, r1, r2
 * point at the first window's taps in its three input rows; the next output
 * row's are `irow` bytes further (irow 0 for a single row whose missing input
 * rows point at any row, with their weights zero in w). The window's columns
 * outside the map hold zeros (the runtime pads them), so no column is
 * checked. The bias folds into the accumulator and the requantization takes
 * the high word of a 64-bit product (requant.h: DF_RQ_HIGH32, or
 * DF_RQ_HIGH_SHIFT): per output 9 loads and MACs, a mul/mulh, a clamp and a
 * store. */
static __attribute__((noinline)) void dw3_run(int8_t* out, uint32_t orow, const int8_t* r0, uint32_t irow,
                                              uint32_t rows, uint32_t n, uint32_t C, uint32_t step, const int32_t* w,
                                              int32_t acc0, const df_requant_t* rq, int32_t lo, int32_t hi) {
  const int32_t w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4], w5 = w[5], w6 = w[6], w7 = w[7], w8 = w[8];
  const int32_t m = rq->m, hadd = rq->hadd;
  const uint32_t hs = rq->hs, C2 = 2 * C, high32 = rq->path == DF_RQ_HIGH32;
  const uint32_t d1 = (uint32_t)(w[9]), d2 = (uint32_t)(w[10]); /* bytes from row 0's taps to rows 1's and 2's */
  for (uint32_t y = 0; y < rows; ++y, r0 += irow, out += orow) {
    const int8_t* x = r0;
    int8_t* o = out;
    for (uint32_t j = 0; j < n; ++j, x += step, o += C) {
      const int8_t* x1 = x + d1;
      const int8_t* x2 = x + d2;
      int32_t acc = acc0 + w0 * x[0] + w1 * x[C] + w2 * x[C2];
      acc += w3 * x1[0] + w4 * x1[C] + w5 * x1[C2];
      acc += w6 * x2[0] + w7 * x2[C] + w8 * x2[C2];
      const int64_t prod = (int64_t)acc * m;
      const int32_t v = high32 ? (int32_t)(prod >> 32) + (int32_t)(((uint32_t)prod) >> 31)
                               : ((int32_t)(prod >> 32) + hadd) >> hs;
      *o = (int8_t)(v < lo ? lo : (v > hi ? hi : v));
    }
  }
}


#if VP_XCV
/* 3x3 stride-1 rows of one channel with CORE-V SIMD dot products
 * (PULP-NN's sliding window), `rows` output rows of n outputs, two nested
 * hardware loops. Register Xr holds, in its byte lanes 0..2, the three taps of
 * kernel row r for the current output (lane 3's weight is 0). Per output: for
 * each kernel row one cv.lb of the next tap (rows 1 and 2 register-register
 * at offsets o1, o2 from row 0's pointer p, then row 0's with the post-increment
 * by C, the next pixel), a shift of the window by one lane and a cv.insert.b
 * of the new tap into lane 2; cv.dotsp.b and two cv.sdotsp.b with the rows'
 * packed weights give the 9-tap sum; the requantization in the 16x16 form
 * (df_rq16, requant.h: cv.clipr, add, cv.mulsN, cv.macsN, cv.addRNr), the
 * code clamp, one cv.sb post-incremented by C: 19 or 20 instructions, every
 * load five instructions ahead of its use. Per output row, the window is
 * primed with the row's first two taps (the same load, shift and insert,
 * twice) and p moves to the next input row. */
#define DW3_TAPS                                                                                \
  ".insn r 0x2b, 3, 0x04, t1, %[p], %[o1]\n" /* cv.lb t1, o1(p) */                              \
  ".insn r 0x2b, 3, 0x04, t2, %[p], %[o2]\n"                                                    \
  ".insn r 0x2b, 3, 0x00, t0, %[p], %[C]\n" /* cv.lb t0, C(p!) */                               \
  "srli %[x0], %[x0], 8\n"                                                                      \
  "srli %[x1], %[x1], 8\n"                                                                      \
  "srli %[x2], %[x2], 8\n"                                                                      \
  ".insn r 0x7b, 5, 0x5c, %[x0], t0, x1\n" /* cv.insert.b x0[2] = t0 */                         \
  ".insn r 0x7b, 5, 0x5c, %[x1], t1, x1\n"                                                      \
  ".insn r 0x7b, 5, 0x5c, %[x2], t2, x1\n"
/* Stride 2: two new taps per kernel row, the window shifted by two lanes. */
#define DW3_TAPS2                                                                               \
  ".insn r 0x2b, 3, 0x04, t1, %[p], %[o1]\n"                                                    \
  ".insn r 0x2b, 3, 0x04, t2, %[p], %[o2]\n"                                                    \
  ".insn r 0x2b, 3, 0x00, t0, %[p], %[C]\n"                                                     \
  ".insn r 0x2b, 3, 0x04, t4, %[p], %[o1]\n"                                                    \
  ".insn r 0x2b, 3, 0x04, t5, %[p], %[o2]\n"                                                    \
  ".insn r 0x2b, 3, 0x00, t3, %[p], %[C]\n"                                                     \
  "srli %[x0], %[x0], 16\n"                                                                     \
  "srli %[x1], %[x1], 16\n"                                                                     \
  "srli %[x2], %[x2], 16\n"                                                                     \
  ".insn r 0x7b, 5, 0x5d, %[x0], t0, x0\n" /* cv.insert.b x0[1] = t0 */                         \
  ".insn r 0x7b, 5, 0x5d, %[x1], t1, x0\n"                                                      \
  ".insn r 0x7b, 5, 0x5d, %[x2], t2, x0\n"                                                      \
  ".insn r 0x7b, 5, 0x5c, %[x0], t3, x1\n" /* cv.insert.b x0[2] = t3 */                         \
  ".insn r 0x7b, 5, 0x5c, %[x1], t4, x1\n"                                                      \
  ".insn r 0x7b, 5, 0x5c, %[x2], t5, x1\n"
#define DW3_BODY_T(TAPS, OUT)                                                                   \
  TAPS                                                                                          \
  ".insn r 0x7b, 1, 0x48, t3, %[x0], %[w0]\n" /* cv.dotsp.b */                                  \
  ".insn r 0x7b, 1, 0x54, t3, %[x1], %[w1]\n" /* cv.sdotsp.b */                                 \
  ".insn r 0x7b, 1, 0x54, t3, %[x2], %[w2]\n"                                                   \
  ".insn r 0x2b, 3, 0x3a, t3, t3, %[r]\n" /* cv.clipr */                                        \
  "add t3, t3, %[bias]\n"                                                                       \
  ".insn r 0x5b, 4, 0x10, t4, t3, %[ml]\n" /* cv.mulsn t4, t3, ml, 16 */                        \
  ".insn r 0x5b, 6, 0x00, t4, t3, %[mh]\n" /* cv.macsn t4, t3, mh, 0 */                         \
  ".insn r 0x2b, 3, 0x42, t4, zero, %[s3]\n" /* cv.addrnr */                                    \
  OUT                                                                                           \
  ".insn r 0x2b, 3, 0x10, %[C], %[o], t4\n" /* cv.sb t4, C(o!) */
#define DW3_BODY(OUT) DW3_BODY_T(DW3_TAPS, OUT)
#define DW3_BODY2(OUT) DW3_BODY_T(DW3_TAPS2, OUT)
#define DW3_RELU ".insn r 0x2b, 3, 0x3b, t4, t4, %[oh]\n" /* cv.clipur */
#define DW3_CLIP ".insn r 0x2b, 3, 0x38, t4, t4, x8\n"    /* cv.clip 8 */
#define DW3_CLIPMAX DW3_CLIP ".insn r 0x2b, 3, 0x2b, t4, t4, %[oh]\n"
/* Loop 1 (count in a4) over the rows, loop 0 (count in a5) over a row's
 * outputs; one instruction (the add) after the inner loop's end, as the
 * manual requires of nested loops. */
#define DW3_RUN_T(PRIME, BODY, OUT)                                                                                          \
  __asm__ volatile(".balign 4\n.option push\n.option norvc\n.option norelax\n"                               \
                   ".Lo%=: .4byte ((((.Loe%= - .Lo%=) >> 2) << 20) | (14 << 15) | 0x47ab)\n"                 \
                   PRIME                                                                          \
                   ".Li%=: .4byte ((((.Lie%= - .Li%=) >> 2) << 20) | (15 << 15) | 0x472b)\n"                 \
                   BODY(OUT)                                                                              \
                   ".Lie%=: add %[p], %[p], %[adj]\n"                                                         \
                   ".Loe%=:\n.option pop\n"                                                                   \
                   : [p] "+r"(p), [x0] "+r"(x0), [x1] "+r"(x1), [x2] "+r"(x2), [o] "+r"(o)                    \
                   : "r"(nrows), "r"(cnt), [C] "r"(C), [o1] "r"(o1), [o2] "r"(o2), [adj] "r"(adj),            \
                     [w0] "r"(w[0]), [w1] "r"(w[1]), [w2] "r"(w[2]), [r] "r"(q->r), [bias] "r"(q->bias),      \
                     [ml] "r"(q->ml), [mh] "r"(q->mh), [s3] "r"(q->s3), [oh] "r"(ohi)                         \
                   : "t0", "t1", "t2", "t3", "t4", "t5", "memory")

#define DW3_RUN(OUT) DW3_RUN_T(DW3_TAPS DW3_TAPS, DW3_BODY, OUT)
/* Stride 2: one priming tap (into lane 2; the body's shift by two brings it to lane 0). */
#define DW3_RUN2(OUT) DW3_RUN_T(DW3_TAPS, DW3_BODY2, OUT)

/* rows >= 1 output rows (tw >= 1 outputs each, C bytes apart, rows
 * contiguous from o) whose kernel rows start at r0, r0 + o1, r0 + o2 (tap 0 of
 * the first output) and move by `row` bytes per output row; w the rows'
 * packed weights (0 for a kernel row outside the map, whose offset then
 * points at any row in it). */
static inline __attribute__((always_inline)) void xcv_dw3_rows(int8_t* o, uint32_t C, const int8_t* r0, uint32_t o1, uint32_t o2,
                                                   uint32_t row, uint32_t rows, const uint32_t w[3], uint32_t tw,
                                                   uint32_t stride, const df_rq16_t* q, int relu, int32_t ohi) {
  const int8_t* p = r0;
  uint32_t x0 = 0, x1 = 0, x2 = 0;
  register uint32_t nrows __asm__("a4") = rows;
  register uint32_t cnt __asm__("a5") = tw;
  if (stride == 1) {
    const uint32_t adj = row - (tw + 2u) * C; /* from past the row's last tap to the next row's first */
    if (relu) DW3_RUN(DW3_RELU);
    else if (ohi < 127) DW3_RUN(DW3_CLIPMAX);
    else DW3_RUN(DW3_CLIP);
  } else {
    const uint32_t adj = 2u * row - (2u * tw + 1u) * C;
    if (relu) DW3_RUN2(DW3_RELU);
    else if (ohi < 127) DW3_RUN2(DW3_CLIPMAX);
    else DW3_RUN2(DW3_CLIP);
  }
}

/* Channel c of a 3x3 stride-1 layer with xcv_dw3_rows: the rows whose three
 * kernel rows are in the map in one call, the edge rows one by one with the
 * missing kernel rows' weights 0; 0 when the 16x16 plan cannot take the
 * channel (the caller's paths then). */
static int xcv_dw3_channel(int8_t* dst, const df_window_t* in, uint32_t out_h, uint32_t tw, uint32_t col0,
                           const int8_t* wts, uint32_t c, const vpwt_channel_t* ch, uint32_t s, int32_t pad, int relu,
                           int32_t ohi) {
  df_rq16_t q;
  if (!df_rq16_plan(&q, ch->bias, ch->mult, (uint32_t)ch->shift)) return 0;
  const uint32_t C = in->c, row = in->w * C;
  uint32_t wr[3];
  for (uint32_t ky = 0; ky < 3; ++ky)
    wr[ky] = (uint32_t)(uint8_t)wts[(ky * 3) * C + c] | ((uint32_t)(uint8_t)wts[(ky * 3 + 1) * C + c] << 8) |
             ((uint32_t)(uint8_t)wts[(ky * 3 + 2) * C + c] << 16);
  const int8_t* base = in->data + col0 + c;
  for (uint32_t oy = 0; oy < out_h;) {
    const int32_t iy0 = (int32_t)(oy * s) - pad;
    if (iy0 >= 0 && iy0 + 3 <= (int32_t)in->h) { /* every kernel row in the map: all such rows at once */
      uint32_t n = 1;
      while (oy + n < out_h && iy0 + (int32_t)(n * s) + 3 <= (int32_t)in->h) ++n;
      xcv_dw3_rows(dst + oy * tw * C + c, C, base + (uint32_t)iy0 * row, row, 2 * row, row, n, wr, tw, s, &q, relu,
                   ohi);
      oy += n;
      continue;
    }
    int32_t any = -1; /* an edge row: some kernel row is outside the map */
    for (int32_t ky = 0; ky < 3; ++ky)
      if (iy0 + ky >= 0 && iy0 + ky < (int32_t)in->h) any = iy0 + ky;
    uint32_t w[3], off[3];
    for (int32_t ky = 0; ky < 3; ++ky) {
      const int in_map = iy0 + ky >= 0 && iy0 + ky < (int32_t)in->h;
      w[ky] = in_map ? wr[ky] : 0u;
      off[ky] = (uint32_t)(in_map ? iy0 + ky : (any < 0 ? 0 : any)) * row;
    }
    xcv_dw3_rows(dst + oy * tw * C + c, C, base + off[0], off[1] - off[0], off[2] - off[0], row, 1, w, tw, s, &q,
                 relu, ohi);
    ++oy;
  }
  return 1;
}
#endif

void kern_dwconv(int8_t* dst, const df_window_t* in, uint32_t out_h, uint32_t ox0, uint32_t ox1,
                 const df_dw_t* p) {
  /* Everything in locals: dst is int8_t and may alias anything, so fields
   * read through pointers would be reloaded after every store. */
  const int8_t* const data = in->data;
  const uint32_t C = in->c, K = p->kernel, s = p->stride, tw = ox1 - ox0, ih = in->h;
  const int32_t pad = (int32_t)p->padding, x0 = in->x0, act_max = p->act_max, lo_clip = p->relu ? 0 : -128;
  const int32_t hi_clip = act_max < 127 ? act_max : 127;
  const uint32_t row = in->w * C; /* bytes per window row */
  const df_window_t win = *in;
  /* Output rows [ya, yb) have all three input rows inside the map. */
  uint32_t ya = 0, yb = 0;
  if (K == 3) {
    while (ya < out_h && (int32_t)(ya * s) - pad < 0) ++ya;
    yb = ya;
    while (yb < out_h && (int32_t)(yb * s) - pad + 3 <= (int32_t)ih) ++yb;
  }
  uint32_t lo, hi;
  df_share(C, &lo, &hi);
  for (uint32_t c = lo; c < hi; ++c) {
#if VP_XCV
    if (K == 3 && (s == 1 || s == 2) && tw > 0 &&
        xcv_dw3_channel(dst, &win, out_h, tw, (uint32_t)((int32_t)(ox0 * s) - pad - x0) * C, p->w, c, &p->ch[c], s,
                        pad, p->relu, hi_clip))
      continue;
#endif
    const vpwt_channel_t q = p->ch[c];
    const df_requant_t plan = df_requant_plan(q.mult, (uint32_t)q.shift, p->relu);
    /* |acc| <= K*K*127*128, so starting from a bias below 2^30 cannot
     * overflow: nm_bias_add's saturation is then the identity. */
    const int fast = K == 3 && q.bias > -(1 << 30) && q.bias < (1 << 30) &&
                     (plan.path == DF_RQ_HIGH32 || plan.path == DF_RQ_HIGH_SHIFT);
    /* The window's column of the first output's first tap: ox0 * s - pad - x0 (0 for a whole-tile window). */
    const uint32_t col0 = (uint32_t)((int32_t)(ox0 * s) - pad - x0) * C + c;
    if (fast) {
      int32_t w[11]; /* nine weights, then the offsets of kernel rows 1 and 2 */
      for (uint32_t t = 0; t < 9; ++t) w[t] = p->w[t * C + c];
      w[9] = (int32_t)row, w[10] = (int32_t)(2 * row);
      if (yb > ya)
        dw3_run(dst + ya * tw * C + c, tw * C, data + (uint32_t)((int32_t)(ya * s) - pad) * row + col0, s * row,
                yb - ya, tw, C, s * C, w, q.bias, &plan, lo_clip, hi_clip);
      for (uint32_t oy = 0; oy < out_h; ++oy) { /* the rows at the map's top and bottom edges */
        if (oy == ya && yb > ya) oy = yb;
        if (oy >= out_h) break;
        const int32_t iy0 = (int32_t)(oy * s) - pad;
        int32_t e[11];
        uint32_t first = 0xFFFFFFFFu;
        for (uint32_t ky = 0; ky < 3; ++ky) {
          const int32_t iy = iy0 + (int32_t)ky;
          const int in_map = iy >= 0 && iy < (int32_t)ih;
          if (in_map && first == 0xFFFFFFFFu) first = (uint32_t)iy;
          for (uint32_t kx = 0; kx < 3; ++kx) e[ky * 3 + kx] = in_map ? w[ky * 3 + kx] : 0;
        }
        if (first == 0xFFFFFFFFu) first = 0; /* no row in the map: every weight is zero */
        /* Rows 0..2 of the window from the row `first` (in the map): offsets to each, or 0 (weights zero). */
        const int32_t base = (int32_t)first;
        const int8_t* r0 = data + (uint32_t)base * row + col0;
        int32_t off[3];
        for (uint32_t ky = 0; ky < 3; ++ky) {
          const int32_t iy = iy0 + (int32_t)ky;
          off[ky] = iy >= 0 && iy < (int32_t)ih ? (iy - base) * (int32_t)row : 0;
        }
        /* dw3_run reads kernel row 0 at r0, rows 1 and 2 at r0 + e[9], r0 + e[10]: shift r0 to row 0's place. */
        e[9] = off[1] - off[0], e[10] = off[2] - off[0];
        dw3_run(dst + oy * tw * C + c, 0, r0 + off[0], 0, 1, tw, C, s * C, e, q.bias, &plan, lo_clip, hi_clip);
      }
      continue;
    }
    for (uint32_t oy = 0; oy < out_h; ++oy) {
      const int32_t iy0 = (int32_t)(oy * s) - pad;
      int8_t* out = dst + oy * tw * C + c;
      for (uint32_t j = 0; j < tw; ++j) {
        const int32_t ix0 = (int32_t)((ox0 + j) * s) - pad;
        const int32_t acc = dw_acc_edge(&win, p->w, c, iy0, ix0, K);
        int8_t v = df_requant(nm_bias_add(acc, q.bias), &plan);
        if (v > act_max) v = (int8_t)act_max; /* act_max >= the ReLU floor (the network format checks it) */
        out[j * C] = v;
      }
    }
  }
}

void df_dwconv_tile(int8_t* dst, const df_window_t* in, uint32_t out_h, uint32_t ox0, uint32_t ox1, const df_dw_t* p) {
  const uint32_t K = p->kernel, s = p->stride, tw = ox1 - ox0;
  /* The window holds all rows and its columns [x0, x0 + w), zeros outside
   * the map: the job pads rows only and reads every window column. */
  const int fits = p->engine && in->w >= K && (in->w - K) / s + 1u == tw && K <= DWCONV_MAX_KERNEL &&
                   s <= DWCONV_MAX_STRIDE && in->h <= 4095u && in->w <= 4095u;
  if (!fits) {
    kern_dwconv(dst, in, out_h, ox0, ox1, p);
    return;
  }
  if (core_id() != 0) return;
  const dwconv_job_t j = {.in = (uint32_t)(uintptr_t)in->data, .out = (uint32_t)(uintptr_t)dst,
                          .wgt = (uint32_t)(uintptr_t)p->w, .quant = (uint32_t)(uintptr_t)p->ch,
                          .in_h = in->h, .in_w = in->w, .channels = in->c, .kernel = K, .stride = s,
                          .pad_top = p->padding, .pad_left = 0, .pad_bottom = p->padding, .pad_right = 0,
                          .clip_lo = p->relu ? 0 : -128, .clip_hi = p->act_max,
                          .in_pix_stride = 0, .out_pix_stride = 0};
  dwconv_program(&j);
  dwconv_trigger();
  cluster_phase(CLUSTER_PHASE_DWCONV); /* waiting for the accelerator: its own phase, apart from the IMA's */
  dwconv_wait_sleep();
  cluster_phase(CLUSTER_PHASE_COMPUTE);
}
