/* Register map of the depthwise-convolution accelerator (ip/dwconv), the
 * digital accelerator beside the IMA in the heterogeneous cluster of
 * Garofalo et al. (JETCAS 2022). Shared by the model and the firmware HAL
 * (firmware/hal/dwconv.h). C and C++.
 *
 * Offsets from the accelerator's base (cluster peripherals + 0x4000,
 * CLUSTER_PERIPH_DWCONV); 32-bit registers, word accesses only. A cluster
 * without the accelerator (cluster.dwconv.present false) leaves the block a
 * hole (a bus error).
 *
 * A job sequence is one depthwise convolution of a HWC int8 feature map:
 *   input  IN_H x IN_W pixels of CHANNELS int8 values at IN_ADDR, pixel p at
 *          IN_ADDR + p * IN_PIX_STRIDE (0: CHANNELS, dense);
 *   filter KERNEL x KERNEL x CHANNELS int8 weights at WGT_ADDR, (ky, kx, c)
 *          order (TFLite's depthwise layout), dense;
 *   quant  CHANNELS entries of three little-endian words {int32 bias,
 *          int32 mult, uint32 shift} at QUANT_ADDR (dwconv_numerics.h);
 *   output OUT_H x OUT_W pixels of CHANNELS int8 values at OUT_ADDR, pixel
 *          p at OUT_ADDR + p * OUT_PIX_STRIDE (0: CHANNELS), with
 *          OUT_H = (IN_H + PAD_TOP + PAD_BOTTOM - KERNEL) / STRIDE + 1 (and W
 *          alike); padding reads as zero.
 * Out of a channel slice of a wider map: point IN_ADDR/OUT_ADDR at the
 * slice's first channel and set the pixel strides to the map's channels.
 * Addresses are the cluster's own L1 (local alias or its global window).
 *
 * Writing TRIGGER validates and latches the registers and queues the
 * sequence (at most cluster.dwconv.job_queue waiting behind the running
 * one); a bad value is a simulation error naming the register. */
#ifndef DWCONV_REGS_H
#define DWCONV_REGS_H

#define DWCONV_REG_TRIGGER 0x00        /* WO: any value queues the programmed convolution */
#define DWCONV_REG_STATUS 0x04         /* RO: DWCONV_STATUS_BUSY, waiting sequences [15:8], done count [31:16] */
#define DWCONV_REG_INFO 0x08           /* RO: lanes (channels in parallel) [7:0], largest KERNEL [15:8] */
#define DWCONV_REG_IN_ADDR 0x10        /* L1 address of input pixel (0, 0), first channel */
#define DWCONV_REG_OUT_ADDR 0x14       /* L1 address of output pixel (0, 0), first channel */
#define DWCONV_REG_WGT_ADDR 0x18       /* L1 address of the KERNEL x KERNEL x CHANNELS weights */
#define DWCONV_REG_QUANT_ADDR 0x1C     /* L1 address of CHANNELS {bias, mult, shift} entries (12 bytes each) */
#define DWCONV_REG_IN_H 0x20           /* input rows (1..4095) */
#define DWCONV_REG_IN_W 0x24           /* input columns (1..4095) */
#define DWCONV_REG_CHANNELS 0x28       /* channels (1..65535) */
#define DWCONV_REG_KERNEL 0x2C         /* square kernel side (1..DWCONV_MAX_KERNEL) */
#define DWCONV_REG_STRIDE 0x30         /* 1..DWCONV_MAX_STRIDE, both directions */
#define DWCONV_REG_PAD 0x34            /* top [7:0], left [15:8], bottom [23:16], right [31:24], each < KERNEL */
#define DWCONV_REG_CLIP 0x38           /* output clamp: low [7:0], high [15:8], signed int8, low <= high
                                          (reset 0x7F80: none; 0x0000 + 0x80..: ReLU; ReLU6: high = 6's code) */
#define DWCONV_REG_IN_PIX_STRIDE 0x3C  /* bytes from one input pixel to the next; 0 = CHANNELS */
#define DWCONV_REG_OUT_PIX_STRIDE 0x40 /* bytes from one output pixel to the next; 0 = CHANNELS */

#define DWCONV_STATUS_BUSY 1u           /* a convolution is queued, running or streaming out */
#define DWCONV_STATUS_QUEUED_SHIFT 8
#define DWCONV_STATUS_DONE_SHIFT 16     /* convolutions completed, modulo 2^16 */

#define DWCONV_MAX_KERNEL 7u
#define DWCONV_MAX_STRIDE 4u
#define DWCONV_QUANT_ENTRY_BYTES 12u

#define DWCONV_CLIP(lo, hi) ((uint32_t)(uint8_t)(int8_t)(lo) | ((uint32_t)(uint8_t)(int8_t)(hi) << 8))
#define DWCONV_PAD(top, left, bottom, right) \
  ((uint32_t)(top) | ((uint32_t)(left) << 8) | ((uint32_t)(bottom) << 16) | ((uint32_t)(right) << 24))

/* Event line the accelerator raises (the event unit routes it to cores). */
#define DWCONV_EVENT_DONE 0 /* a triggered convolution's last output is in L1 */

#endif /* DWCONV_REGS_H */
