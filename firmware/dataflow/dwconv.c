/* Depthwise convolution on the cores: see dwconv.h. */
#include "dataflow/dwconv.h"

#include "dataflow/requant.h"
#include "hal/cluster.h"
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

void kern_dwconv(int8_t* dst, const df_window_t* in, uint32_t out_h, uint32_t ox0, uint32_t ox1,
                 const df_dw_t* p) {
  const uint32_t C = in->c, K = p->kernel, s = p->stride, tw = ox1 - ox0;
  const int32_t pad = (int32_t)p->padding;
  const uint32_t row = in->w * C; /* bytes per window row */
  uint32_t lo, hi;
  df_share(C, &lo, &hi);
  for (uint32_t c = lo; c < hi; ++c) {
    const vpwt_channel_t* q = &p->ch[c];
    const df_requant_t plan = df_requant_plan(q->mult, (uint32_t)q->shift, p->relu);
    const int8_t* wc = p->w + c;
    /* A 3x3 kernel (MobileNet's) keeps its nine weights in registers. */
    int32_t w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, w6 = 0, w7 = 0, w8 = 0;
    if (K == 3) {
      w0 = wc[0], w1 = wc[C], w2 = wc[2 * C], w3 = wc[3 * C], w4 = wc[4 * C];
      w5 = wc[5 * C], w6 = wc[6 * C], w7 = wc[7 * C], w8 = wc[8 * C];
    }
    for (uint32_t oy = 0; oy < out_h; ++oy) {
      const int32_t iy0 = (int32_t)(oy * s) - pad;
      const int rows_in = iy0 >= 0 && iy0 + (int32_t)K <= (int32_t)in->h;
      for (uint32_t j = 0; j < tw; ++j) {
        const int32_t ix0 = (int32_t)((ox0 + j) * s) - pad;
        int32_t acc;
        if (K == 3 && rows_in && ix0 >= 0 && ix0 + 3 <= (int32_t)in->map_w) {
          const int8_t* x = in->data + (uint32_t)iy0 * row + (uint32_t)(ix0 - in->x0) * C + c;
          acc = w0 * x[0] + w1 * x[C] + w2 * x[2 * C];
          x += row;
          acc += w3 * x[0] + w4 * x[C] + w5 * x[2 * C];
          x += row;
          acc += w6 * x[0] + w7 * x[C] + w8 * x[2 * C];
        } else {
          acc = dw_acc_edge(in, p->w, c, iy0, ix0, K);
        }
        int8_t v = df_requant(nm_bias_add(acc, q->bias), &plan);
        if (v > p->act_max) v = (int8_t)p->act_max; /* act_max >= the ReLU floor (the network format checks it) */
        dst[(oy * tw + j) * C + c] = v;
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
  cluster_phase(CLUSTER_PHASE_IMA); /* waiting for an accelerator */
  dwconv_wait_sleep();
  cluster_phase(CLUSTER_PHASE_COMPUTE);
}
