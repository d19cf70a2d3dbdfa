/* The depthwise-convolution layer kind on the cores (op VPMAP_OP_DWCONV):
 * numerics exactly contracts/numerics.h (exact int32 taps, then
 * nm_requant_ch per channel), so results are bit-exact with the golden
 * model's depthwise_accumulate (mapping/src/reference.cpp). RV32, C. */
#ifndef DATAFLOW_DWCONV_H
#define DATAFLOW_DWCONV_H

#include <stdint.h>

#include "dataflow/kernels.h"
#include "weights_format.h"

/* A depthwise layer's parameters in L1: w holds K*K rows (ky, kx) of C
 * weights, ch one requantization record per channel (the body of the
 * layer's VPWT record, copied into its "weights" buffer at boot). */
typedef struct {
  const int8_t* w;
  const vpwt_channel_t* ch;
  uint32_t kernel, stride, padding;
  int relu;
  int32_t act_max;
  uint32_t engine; /* the mapping's dw_engine: the cluster's depthwise accelerator computes full-width tiles */
} df_dw_t;

/* SPMD like kernels.h: output columns [ox0, ox1), all out_h rows, of every
 * channel of the window `in` (its out-of-map columns are never read): dst
 * holds out_h x (ox1 - ox0) x C, HWC. Each core takes a share of the
 * channels and plans each channel's requantization once per call. Built
 * for CORE-V (VP_XCV), a 3x3 layer of stride 1 or 2 runs SIMD dot products
 * over sliding byte windows in hardware loops (dwconv.c, xcv_dw3_rows). */
void kern_dwconv(int8_t* dst, const df_window_t* in, uint32_t out_h, uint32_t ox0, uint32_t ox1,
                 const df_dw_t* p);

/* SPMD: one tile of a depthwise layer, out_h x (ox1 - ox0) outputs. With
 * p->engine and a window the accelerator's registers can describe (its
 * columns give exactly the tile's outputs), core 0 runs it as one
 * accelerator job and sleeps until it is done, the other cores return at
 * once; otherwise kern_dwconv on every core. The same bits either way
 * (contracts/dwconv_numerics.h is nm_requant_ch). */
void df_dwconv_tile(int8_t* dst, const df_window_t* in, uint32_t out_h, uint32_t ox0, uint32_t ox1, const df_dw_t* p);

#endif /* DATAFLOW_DWCONV_H */
