/* Digital kernels of the dataflow firmware (section IV of the paper: the
 * cluster's cores do the digital work of a tile while the IMA computes the
 * next one). RV32, C.
 *
 * Every kernel is SPMD: each core of the cluster calls it with the same
 * arguments and does its own share (df_share over core_id()/num_cores()).
 * Kernels do not synchronise: the caller puts eu_barrier() between a kernel
 * and whoever reads its result, so several kernels may run back to back
 * without a barrier each.
 *
 * Numerics are exactly contracts/numerics.h and contracts/ima_numerics.h,
 * so results are bit-exact with the golden reference (mapping/src/reference.cpp).
 * Activations are int8 HWC; partial sums and IMA outputs int32, or int16
 * where the layer's sums fit (vpmap_layer_t.psum_bytes: the *16 kernels). */
#ifndef DATAFLOW_KERNELS_H
#define DATAFLOW_KERNELS_H

#include <stdint.h>

#include "mapping_format.h"
#include "weights_format.h"

/* This core's share [*lo, *hi) of n items, as even as possible, among the
 * team (empty for a core outside it). */
void df_share(uint32_t n, uint32_t* lo, uint32_t* hi);

/* The cores kernels split work over: [first, first + count); count 0 = all
 * cores (the default). The runtime leaves core 0 out while it drives the
 * DMA and the IMA. Set by one core, before a barrier. */
void df_set_team(uint32_t first, uint32_t count);

/* A window of a feature map in L1: all h rows of the map, the columns
 * [x0, x0 + w) (x0 may be negative, columns outside the map are padding and
 * are never read by the pools; im2col reads them, so they must hold 0).
 * Element (y, j, ch) at data[(y * w + j) * c + ch]. */
typedef struct {
  const int8_t* data;
  uint32_t c, h, w;
  int32_t x0;
  uint32_t map_w; /* width of the whole map */
} df_window_t;

/* Partial-sum reduction: dst[i] = sum over k < fan_in of src[k * tile_stride + i],
 * i < n (int32, exact). dst may alias src's first tile. */
void kern_reduce(int32_t* dst, const int32_t* src, uint32_t fan_in, uint32_t tile_stride, uint32_t n);

/* Reduction of fan_in int32 tiles of rows x cols (contiguous, tile_stride
 * elements apart) then requantization (and ReLU) to int8: row r goes to
 * dst + r * dst_stride. fan_in 1 is a plain requantization; dst_stride > cols
 * writes a column group of a wider HWC map. */
void kern_reduce_requant(int8_t* dst, uint32_t dst_stride, const int32_t* src, uint32_t fan_in, uint32_t tile_stride,
                         uint32_t rows, uint32_t cols, int32_t mult, uint32_t shift, int relu);

/* A layer's requantization as the requantizing cluster holds it: per output
 * column of its block (the weights file's channel records of columns
 * [col0, col0 + ncols)), or one (mult, shift) for all with no bias. */
#define DF_MAX_QCOLS VPMAP_MAX_QCOLS /* mapping_format.h: the mapper checks it */
typedef struct {
  int relu;
  int32_t act_max;          /* upper clamp of the codes (127: none) */
  uint32_t uniform;         /* 1: bias 0 and (mult, shift) for every column */
  int32_t mult;
  uint32_t shift;
  uint32_t ncols;
  vpwt_channel_t ch[DF_MAX_QCOLS]; /* column j of the block: ch[j] (not uniform) */
} df_quant_t;

/* kern_reduce_requant with a layer's full requantization (nm_requant_ch):
 * the uniform case takes kern_reduce_requant's fast paths; otherwise each
 * core takes a share of the columns and plans each column once per call. */
void kern_reduce_requant_q(int8_t* dst, uint32_t dst_stride, const int32_t* src, uint32_t fan_in,
                           uint32_t tile_stride, uint32_t rows, uint32_t cols, const df_quant_t* q);

/* The same two kernels on int16 partial sums (a layer whose psum_bytes is 2:
 * every sum of its ADC codes fits int16, so no sum here overflows; the
 * values, and the codes, are those of the int32 kernels). kern_reduce16:
 * dst may alias src's first tile; an even tile_stride and word-aligned
 * src and dst let CORE-V add two sums a word (cv.add.h). */
void kern_reduce16(int16_t* dst, const int16_t* src, uint32_t fan_in, uint32_t tile_stride, uint32_t n);
/* kern_reduce_requant_q on int16 partial sums; fan-in 1 and 2 have the fast
 * column loops (the dataflow sums larger fan-ins with kern_reduce16 first). */
void kern_reduce_requant_q16(int8_t* dst, uint32_t dst_stride, const int16_t* src, uint32_t fan_in,
                             uint32_t tile_stride, uint32_t rows, uint32_t cols, const df_quant_t* q);

/* Residual add: dst[i] = nm_add(a[i], b[i], relu), i < n. */
void kern_add(int8_t* dst, const int8_t* a, const int8_t* b, uint32_t n, int relu);

/* Residual add with per-input rescaling: dst[i] = nm_add_rescaled(a[i], b[i],
 * mult_a, mult_b, shift, relu, act_max); the identity rescaling with act_max
 * 127 is kern_add. */
void kern_add_rescaled(int8_t* dst, const int8_t* a, const int8_t* b, uint32_t n, int32_t mult_a, int32_t mult_b,
                       uint32_t shift, int relu, int32_t act_max);

/* Max or average pool of the output columns [ox0, ox1) and all out_h rows:
 * dst holds out_h x (ox1 - ox0) x c, HWC. Windows count only in-map elements
 * (padding never wins a max; averages divide by the in-map count). */
void kern_pool(int8_t* dst, const df_window_t* in, uint32_t out_h, uint32_t ox0, uint32_t ox1, uint32_t kernel,
               uint32_t stride, uint32_t padding, int is_max);
/* The same with the average's rounding (NM_AVG_HALF_UP or NM_AVG_HALF_EVEN). */
void kern_pool_mode(int8_t* dst, const df_window_t* in, uint32_t out_h, uint32_t ox0, uint32_t ox1, uint32_t kernel,
                    uint32_t stride, uint32_t padding, int is_max, uint32_t avg_mode);

/* The IMA's numerics on the cores (a fully connected layer, or a conv, the
 * mapping leaves to the cores): for each of n input vectors x (vec_stride
 * bytes apart) and each column j < cols of the row-major rows x w_stride
 * weight matrix w, out[v * out_stride + j] = sum over row chunks of chunk_rows
 * rows of ima_adc(sum_r W[r][j] * ima_dac(x[r])), i.e. exactly what the
 * layer's crossbars and the reduction would give. */
typedef struct {
  uint32_t chunk_rows;          /* crossbar rows (cluster.ima.rows) */
  uint32_t dac_bits, adc_bits;  /* cluster.ima.dac_bits / adc_bits */
  uint32_t adc_shift;           /* the layer's ADC shift */
} df_adc_t;
void kern_mvm(int32_t* out, uint32_t out_stride, const int8_t* x, uint32_t vec_stride, uint32_t n, const int8_t* w,
              uint32_t w_stride, uint32_t rows, uint32_t cols, const df_adc_t* adc);

/* im2col gather for the IMA when its block gather cannot express a crossbar
 * chunk (a chunk that starts inside one kernel row's run and spans more):
 * for the output pixels (oy, ox), oy < out_h, ox in [ox0, ox1) (map columns),
 * writes rows [r0, r1) of the (ky, kx, c) patch vector, contiguous, vectors
 * vec_stride bytes apart in pixel order. Rows above or below the map are 0;
 * the window's out-of-map columns must hold 0. */
void kern_im2col(int8_t* dst, uint32_t vec_stride, const df_window_t* in, uint32_t out_h, uint32_t ox0, uint32_t ox1,
                 uint32_t kernel, uint32_t stride, uint32_t padding, uint32_t r0, uint32_t r1);

#endif /* DATAFLOW_KERNELS_H */
