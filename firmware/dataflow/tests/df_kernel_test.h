/* The jobs a host test gives df_kernel_test.c: which kernel, its shapes and
 * parameters, where its inputs are and where its output goes (global
 * addresses, HBM). The host writes the job count at DF_KT_DESC and the jobs
 * from DF_KT_JOBS before the run (one simulation per test process runs them
 * all, in order); the firmware writes back each kernel's cycles. C and C++. */
#ifndef DF_KERNEL_TEST_H
#define DF_KERNEL_TEST_H

#include <stdint.h>

#define DF_KT_DESC 0x80000000u /* HBM: uint32_t job count */
#define DF_KT_JOBS (DF_KT_DESC + 64u) /* df_kernel_test_t[count] */
#define DF_KT_MAX_JOBS 16u
#define DF_KT_MAGIC 0x544B4644u /* "DFKT" */

enum df_kt_kernel {
  DF_KT_REDUCE = 1,         /* int32 [fan_in][rows*cols] -> int32 [rows*cols] */
  DF_KT_REDUCE_REQUANT = 2, /* int32 [fan_in][rows][cols] -> int8 rows x cols (dst row stride out_stride) */
  DF_KT_ADD = 3,            /* int8 a[n], b[n] -> int8 [n] */
  DF_KT_MAXPOOL = 4,        /* window (c, h, win_w at win_x0 of map_w) -> out_h x (ox1-ox0) x c */
  DF_KT_AVGPOOL = 5,
  DF_KT_FC = 6,             /* int8 x[n][rows], w[rows][cols] -> kern_mvm, then requant -> int8 [n][cols] */
  DF_KT_IM2COL = 7,         /* window -> vectors of rows [r0, r1) for out_h x (ox1-ox0) pixels */
  DF_KT_REQUANT_Q = 8,      /* as REDUCE_REQUANT with a layer's requantization (kern_reduce_requant_q):
                               cols vpwt_channel_t at w_addr unless uniform; act_max */
  DF_KT_DWCONV = 9,         /* window as the pools, K*K x c weights at w_addr, c vpwt_channel_t at in2_addr:
                               kern_dwconv -> out_h x (ox1-ox0) x c; relu, act_max */
  DF_KT_REDUCE16 = 10,      /* int16 [fan_in][rows*cols] -> int16 [rows*cols] (kern_reduce16) */
  DF_KT_REQUANT_Q16 = 11    /* as REQUANT_Q on int16 partial sums (kern_reduce_requant_q16); fan_in > 2 on CORE-V:
                               as the dataflow, kern_reduce16 into the first tile, a barrier, then fan-in 1 (n = 1:
                               the kernel's own fan-in loop instead, as on RV32IMC) */
};

typedef struct {
  uint32_t magic, kernel;
  uint32_t c, h, map_w, win_w;  /* pools, im2col: the input window */
  int32_t win_x0;
  uint32_t out_h, ox0, ox1;
  uint32_t ksize, stride, padding, relu;
  int32_t mult;
  uint32_t shift;
  uint32_t fan_in, rows, cols, n, out_stride;
  uint32_t r0, r1;                              /* im2col */
  uint32_t chunk_rows, dac_bits, adc_bits, adc_shift; /* FC */
  uint32_t in_addr, in_bytes, in2_addr, in2_bytes, w_addr, w_bytes;
  uint32_t out_addr, out_bytes;
  int32_t act_max;  /* REQUANT_Q */
  uint32_t uniform; /* REQUANT_Q: 1 = (mult, shift) for every column, no bias */
  uint32_t cycles; /* written by the firmware: the kernel on all cores, barrier included */
  uint32_t instret; /* written by the firmware: instructions the cores retired in the kernel, all cores */
  uint32_t done;   /* written by the firmware: 1 */
} df_kernel_test_t;

#endif /* DF_KERNEL_TEST_H */
