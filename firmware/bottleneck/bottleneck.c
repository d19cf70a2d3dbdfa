/* The MobileNetV2 bottleneck layer (bottleneck_layer.h) on one cluster, in
 * the three versions of Garofalo et al. (JETCAS 2022):
 *   BN_VERSION 1  everything on the cores (8 on hetero-cluster-8);
 *   BN_VERSION 2  1x1 convolutions on the IMA, depthwise on the cores;
 *   BN_VERSION 3  1x1 convolutions on the IMA, depthwise on the depthwise
 *                 accelerator (ip/dwconv);
 *   BN_VERSION 0  the setup alone (what the others spend outside the layer:
 *                 scripts/bottleneck.py subtracts its energy).
 * The cores requantize the IMA's ADC codes (per-channel bias, multiplier,
 * shift, ReLU6) and add the residual, row by row while the IMA computes the
 * next row. Before the timed region: the input and weights are copied from
 * the program's read-only data into L1 and the crossbar is programmed (its
 * weights are non-volatile: a deployed layer finds them there). After it,
 * core 0 compares the output with the host reference's (bottleneck_data.h)
 * and prints the cycles; the exit code is the number of mismatches (0: bit-exact). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bottleneck_data.h"
#include "bottleneck_layer.h"
#include "dwconv_numerics.h"
#include "hal/cluster.h"
#include "hal/corev.h"
#include "hal/event_unit.h"
#include "hal/ima.h"
#include "numerics.h"
#if BN_VERSION == 3
#include "hal/dwconv.h"
#endif

/* L1 buffers after the firmware's own 64 KiB (cluster.ld). */
#define L1_FREE (CLUSTER_LOCAL_BASE + 0x10000u)
#define X_ADDR L1_FREE                              /* BN_PIX x BN_CIN */
#define E_ADDR (X_ADDR + BN_PIX * BN_CIN)           /* BN_PIX x BN_CEXP */
#define D_ADDR (E_ADDR + BN_PIX * BN_CEXP)          /* BN_PIX x BN_CEXP */
#define Y_ADDR (D_ADDR + BN_PIX * BN_CEXP)          /* BN_PIX x BN_COUT (IMA codes, then the output) */
#define W1_ADDR (Y_ADDR + BN_PIX * BN_COUT)         /* BN_CEXP x BN_CIN */
#define W2_ADDR (W1_ADDR + BN_CEXP * BN_CIN)        /* 9 x BN_CEXP */
#define W3_ADDR (W2_ADDR + 9 * BN_CEXP)             /* BN_COUT x BN_CEXP */
#define Q_ADDR (W3_ADDR + BN_COUT * BN_CEXP)        /* q1, q2, q3 */

static int8_t* const X = (int8_t*)X_ADDR;
static int8_t* const E __attribute__((unused)) = (int8_t*)E_ADDR;
static int8_t* const D __attribute__((unused)) = (int8_t*)D_ADDR;
static int8_t* const Y = (int8_t*)Y_ADDR;
static int8_t* const W1 = (int8_t*)W1_ADDR;
static int8_t* const W2 = (int8_t*)W2_ADDR;
static int8_t* const W3 = (int8_t*)W3_ADDR;
static int32_t* const Q1 = (int32_t*)Q_ADDR;
static int32_t* const Q2 = (int32_t*)(Q_ADDR + 12 * BN_CEXP);
static int32_t* const Q3 = (int32_t*)(Q_ADDR + 24 * BN_CEXP);

static __thread unsigned me; /* per core (TLS) */
static unsigned ncores;

/* Pixels [p0, p1) of this core's share of n (contiguous, balanced). */
static void __attribute__((unused)) share(unsigned n, unsigned* p0, unsigned* p1) {
  *p0 = n * me / ncores;
  *p1 = n * (me + 1) / ncores;
}

/* dw_requant() in 32 bits, as the cores run it: exact while |v + bias| x mult
 * + 2^(shift-1) < 2^31, which check_ranges() verifies for this layer's
 * parameters before the timed region (the bit check against the host
 * reference, which uses dw_requant(), confirms it). */
static inline int8_t rq(int32_t v, const int32_t* q, int32_t lo, int32_t hi) {
  return (int8_t)cv_min(cv_max(cv_addrnr((v + q[0]) * q[1], 0, (uint32_t)q[2]), lo), hi);
}

/* The same with the channel's entry in registers. */
static inline int8_t rq_ch(int32_t v, int32_t bias, int32_t mult, uint32_t shift, int32_t lo, int32_t hi) {
  return (int8_t)cv_min(cv_max(cv_addrnr((v + bias) * mult, 0, shift), lo), hi);
}

/* The IMA's ADC in 32 bits (an int32 column sum: no overflow below 2^31 - 2^(shift-1)). */
static inline int32_t adc(int32_t acc, uint32_t shift) { return cv_clip(cv_addrnr(acc, 0, shift), 8); }

/* Largest |v| each requantization sees, and the 32-bit condition of rq(). */
static int check_ranges(void) {
  const int32_t* qs[3] = {bn_q1, bn_q2, bn_q3};
  const int32_t n[3] = {BN_CEXP, BN_CEXP, BN_COUT};
  for (unsigned l = 0; l < 3; ++l)
    for (int32_t c = 0; c < n[l]; ++c) {
      const int32_t* q = qs[l] + 3 * c;
      int64_t vmax = 128; /* an ADC code; the depthwise sum: its taps' |w| x the ReLU6 ceiling */
      if (l == 1) {
        vmax = 0;
        for (unsigned t = 0; t < 9; ++t) vmax += (bn_w2[t * BN_CEXP + c] < 0 ? -bn_w2[t * BN_CEXP + c] : bn_w2[t * BN_CEXP + c]) * BN_RELU6;
      }
      const int64_t b = q[0] < 0 ? -(int64_t)q[0] : q[0];
      if (q[1] <= 0 || q[2] < 1 || q[2] > 30 || (vmax + b) * q[1] + (1LL << (q[2] - 1)) >= (1LL << 31)) return 0;
    }
  return 1;
}

/* ---- the cores' kernels ---- */
#if BN_VERSION == 1

/* Expansion: the pixel's 32 activations stay in 8 registers across its 192 outputs. */
static void expansion_cores(void) {
  unsigned p0, p1;
  share(BN_PIX, &p0, &p1);
  for (unsigned p = p0; p < p1; ++p) {
    const uint32_t* xp = (const uint32_t*)(X + p * BN_CIN);
    const uint32_t x0 = xp[0], x1 = xp[1], x2 = xp[2], x3 = xp[3], x4 = xp[4], x5 = xp[5], x6 = xp[6], x7 = xp[7];
    const uint32_t* w = (const uint32_t*)W1;
    int8_t* e = E + p * BN_CEXP;
    for (unsigned o = 0; o < BN_CEXP; ++o, w += BN_CIN / 4) {
      int32_t acc = cv_sdotsp_b(0, x0, w[0]);
      acc = cv_sdotsp_b(acc, x1, w[1]);
      acc = cv_sdotsp_b(acc, x2, w[2]);
      acc = cv_sdotsp_b(acc, x3, w[3]);
      acc = cv_sdotsp_b(acc, x4, w[4]);
      acc = cv_sdotsp_b(acc, x5, w[5]);
      acc = cv_sdotsp_b(acc, x6, w[6]);
      acc = cv_sdotsp_b(acc, x7, w[7]);
      e[o] = rq(adc(acc, BN_SH1), Q1 + 3 * o, 0, BN_RELU6);
    }
  }
}

/* Projection: four output channels at a time share each activation word. */
static void projection_cores(void) {
  unsigned p0, p1;
  share(BN_PIX, &p0, &p1);
  for (unsigned p = p0; p < p1; ++p) {
    const uint32_t* x = (const uint32_t*)(D + p * BN_CEXP);
    for (unsigned o = 0; o < BN_COUT; o += 4) {
      const uint32_t* w0 = (const uint32_t*)(W3 + o * BN_CEXP);
      const uint32_t *w1 = w0 + BN_CEXP / 4, *w2 = w1 + BN_CEXP / 4, *w3 = w2 + BN_CEXP / 4;
      int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (unsigned i = 0; i < BN_CEXP / 4; ++i) {
        const uint32_t v = x[i];
        a0 = cv_sdotsp_b(a0, v, w0[i]);
        a1 = cv_sdotsp_b(a1, v, w1[i]);
        a2 = cv_sdotsp_b(a2, v, w2[i]);
        a3 = cv_sdotsp_b(a3, v, w3[i]);
      }
      const int32_t acc[4] = {a0, a1, a2, a3};
      for (unsigned k = 0; k < 4; ++k)
        Y[p * BN_COUT + o + k] =
            nm_add(rq(adc(acc[k], BN_SH3), Q3 + 3 * (o + k), -128, 127), X[p * BN_CIN + o + k], 0);
    }
  }
}
#endif

#if BN_VERSION == 1 || BN_VERSION == 2
/* 3x3 depthwise, pad 1, stride 1, on this core's share of the channels:
 * a channel's 9 weights and quantization entry stay in registers while its
 * outputs sweep the map (PULP-NN style); the interior needs no bounds
 * checks, the border takes only the taps inside the input. */
static inline int32_t dw_border(unsigned c, int oy, int ox) {
  int32_t acc = 0;
  for (int ky = -1; ky <= 1; ++ky)
    for (int kx = -1; kx <= 1; ++kx) {
      if (oy + ky < 0 || oy + ky >= BN_H || ox + kx < 0 || ox + kx >= BN_W) continue;
      acc += (int32_t)W2[((ky + 1) * 3 + kx + 1) * BN_CEXP + c] * E[((oy + ky) * BN_W + ox + kx) * BN_CEXP + c];
    }
  return acc;
}

static void depthwise_cores(void) {
  unsigned c0, c1;
  share(BN_CEXP, &c0, &c1);
  for (unsigned c = c0; c < c1; ++c) {
    const int32_t w0 = W2[0 * BN_CEXP + c], w1 = W2[1 * BN_CEXP + c], w2 = W2[2 * BN_CEXP + c];
    const int32_t w3 = W2[3 * BN_CEXP + c], w4 = W2[4 * BN_CEXP + c], w5 = W2[5 * BN_CEXP + c];
    const int32_t w6 = W2[6 * BN_CEXP + c], w7 = W2[7 * BN_CEXP + c], w8 = W2[8 * BN_CEXP + c];
    const int32_t* q = Q2 + 3 * c;
    for (int oy = 0; oy < BN_H; ++oy) {
      int8_t* d = D + oy * BN_W * BN_CEXP + c;
      if (oy == 0 || oy == BN_H - 1) {
        for (int ox = 0; ox < BN_W; ++ox) d[ox * BN_CEXP] = rq(dw_border(c, oy, ox), q, 0, BN_RELU6);
        continue;
      }
      d[0] = rq(dw_border(c, oy, 0), q, 0, BN_RELU6);
      const int8_t* e = E + ((oy - 1) * BN_W) * BN_CEXP + c; /* tap (0, 0) of output (oy, 1) */
      for (int ox = 1; ox < BN_W - 1; ++ox, e += BN_CEXP) {
        const int32_t acc = w0 * e[0] + w1 * e[BN_CEXP] + w2 * e[2 * BN_CEXP] +
                            w3 * e[BN_W * BN_CEXP] + w4 * e[(BN_W + 1) * BN_CEXP] + w5 * e[(BN_W + 2) * BN_CEXP] +
                            w6 * e[2 * BN_W * BN_CEXP] + w7 * e[(2 * BN_W + 1) * BN_CEXP] +
                            w8 * e[(2 * BN_W + 2) * BN_CEXP];
        d[ox * BN_CEXP] = rq(acc, q, 0, BN_RELU6);
      }
      d[(BN_W - 1) * BN_CEXP] = rq(dw_border(c, oy, BN_W - 1), q, 0, BN_RELU6);
    }
  }
}
#endif

/* ---- the IMA versions: one row of pixels per IMA sequence ---- */
#if BN_VERSION >= 2

static void ima_row(unsigned row, uint32_t src, unsigned in_len, uint32_t dst, unsigned out_len, unsigned row0,
                    unsigned col0, unsigned shift) {
  ima_job_t j = {.src = src + row * BN_W * in_len, .dst = dst + row * BN_W * out_len, .src_stride = in_len,
                 .dst_stride = out_len, .row0 = row0, .rows = in_len, .col0 = col0, .cols = out_len,
                 .jobs = BN_W, .out_size = 1, .adc_shift = (int32_t)shift, .block_len = 0, .block_stride = 0,
                 .block_offset = 0};
  ima_program_job(&j);
  ima_trigger();
}

/* Core 0 keeps the IMA one row ahead; every core requantizes the row the
 * IMA finished (fn), so the IMA and the cores overlap. */
static void pointwise_ima(int expansion) {
  const uint32_t src = expansion ? X_ADDR : D_ADDR, dst = expansion ? E_ADDR : Y_ADDR;
  const unsigned in_len = expansion ? BN_CIN : BN_CEXP, out_len = expansion ? BN_CEXP : BN_COUT;
  const unsigned row0 = expansion ? BN_W1_ROW0 : BN_W3_ROW0, col0 = expansion ? BN_W1_COL0 : BN_W3_COL0;
  const unsigned shift = expansion ? BN_SH1 : BN_SH3;
  static uint32_t base;
  if (me == 0) {
    base = ima_done_count();
    ima_row(0, src, in_len, dst, out_len, row0, col0, shift);
  }
  for (unsigned r = 0; r < BN_H; ++r) {
    if (me == 0) {
      if (r + 1 < BN_H) ima_row(r + 1, src, in_len, dst, out_len, row0, col0, shift);
      while (((ima_done_count() - base) & 0xFFFFu) < r + 1) eu_wait_line(EU_LINE_IMA_DONE);
    }
    eu_barrier();
    /* This core's channels of the row, every pixel: the channel's entry stays in registers. */
    unsigned c0, c1;
    share(out_len, &c0, &c1);
    const unsigned p0 = r * BN_W;
    for (unsigned c = c0; c < c1; ++c) {
      const int32_t* q = (expansion ? Q1 : Q3) + 3 * c;
      const int32_t bias = q[0], mult = q[1];
      const uint32_t sh = (uint32_t)q[2];
      if (expansion) {
        int8_t* e = E + p0 * BN_CEXP + c;
        for (unsigned x = 0; x < BN_W; ++x, e += BN_CEXP) *e = rq_ch(*e, bias, mult, sh, 0, BN_RELU6);
      } else {
        int8_t* y = Y + p0 * BN_COUT + c;
        const int8_t* in = X + p0 * BN_CIN + c;
        for (unsigned x = 0; x < BN_W; ++x, y += BN_COUT, in += BN_CIN)
          *y = nm_add(rq_ch(*y, bias, mult, sh, -128, 127), *in, 0);
      }
    }
  }
  eu_barrier();
}

#endif

#if BN_VERSION == 3
static void depthwise_accelerator(void) {
  if (me == 0) {
    const dwconv_job_t j = {.in = E_ADDR, .out = (uint32_t)(uintptr_t)D, .wgt = W2_ADDR, .quant = (uint32_t)(uintptr_t)Q2,
                            .in_h = BN_H, .in_w = BN_W, .channels = BN_CEXP, .kernel = 3, .stride = 1,
                            .pad_top = 1, .pad_left = 1, .pad_bottom = 1, .pad_right = 1,
                            .clip_lo = 0, .clip_hi = BN_RELU6, .in_pix_stride = 0, .out_pix_stride = 0};
    dwconv_program(&j);
    dwconv_trigger();
    dwconv_wait_sleep();
  }
  eu_barrier();
}
#endif

int main(void) {
  me = core_id();
  ncores = num_cores();
  if (me == 0) {
    if (!check_ranges()) {
      printf("bottleneck: quantization parameters outside the cores' 32-bit requantization\n");
      return 2;
    }
    memcpy(X, bn_x, sizeof bn_x);
    memcpy(W1, bn_w1, sizeof bn_w1);
    memcpy(W2, bn_w2, sizeof bn_w2);
    memcpy(W3, bn_w3, sizeof bn_w3);
    memcpy(Q1, bn_q1, sizeof bn_q1);
    memcpy(Q2, bn_q2, sizeof bn_q2);
    memcpy(Q3, bn_q3, sizeof bn_q3);
#if BN_VERSION != 1
    /* The crossbar (version 0 does it too: the setup of versions 2 and 3): W1 transposed (rows = input channels), W3 likewise. */
    static int8_t t[BN_CEXP * BN_CIN];
    for (unsigned i = 0; i < BN_CIN; ++i)
      for (unsigned o = 0; o < BN_CEXP; ++o) t[i * BN_CEXP + o] = bn_w1[o * BN_CIN + i];
    ima_write_weights(BN_W1_ROW0, BN_W1_COL0, BN_CIN, BN_CEXP, t);
    for (unsigned i = 0; i < BN_CEXP; ++i)
      for (unsigned o = 0; o < BN_COUT; ++o) t[i * BN_COUT + o] = bn_w3[o * BN_CEXP + i];
    ima_write_weights(BN_W3_ROW0, BN_W3_COL0, BN_CEXP, BN_COUT, t);
#endif
  }
  eu_barrier();
  uint64_t t[4];
  t[0] = cluster_cycles();
#if BN_VERSION == 0
  t[1] = t[2] = t[0];
#elif BN_VERSION == 1
  expansion_cores();
  eu_barrier();
  t[1] = cluster_cycles();
  depthwise_cores();
  eu_barrier();
  t[2] = cluster_cycles();
  projection_cores();
  eu_barrier();
#else
  pointwise_ima(1);
  t[1] = cluster_cycles();
#if BN_VERSION == 2
  depthwise_cores();
  eu_barrier();
#else
  depthwise_accelerator();
#endif
  t[2] = cluster_cycles();
  pointwise_ima(0);
#endif
  t[3] = cluster_cycles();
  if (BN_VERSION == 0) return 0;
  if (me != 0) return 0;
  unsigned bad = 0;
  for (unsigned i = 0; i < BN_PIX * BN_COUT; ++i)
    if (Y[i] != bn_expected[i] && bad++ < 3)
      printf("output %u (pixel %u, channel %u): %d, the host reference %d\n", i, i / BN_COUT, i % BN_COUT, Y[i],
             bn_expected[i]);
  static const char* const names[] = {"setup", "cores", "ima+cores", "ima+dwconv"};
  printf("bottleneck %s: %u cores, %u cycles (expansion %u, depthwise %u, projection %u), mismatches %u of %u\n",
         names[BN_VERSION], ncores, (unsigned)(t[3] - t[0]), (unsigned)(t[1] - t[0]), (unsigned)(t[2] - t[1]),
         (unsigned)(t[3] - t[2]), bad, (unsigned)(BN_PIX * BN_COUT));
  return bad ? 1 : 0;
}
