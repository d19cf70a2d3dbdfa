/* Depthwise-convolution accelerator HAL: describe, trigger, wait.
 * Header-only, RV32. Register map: contracts/dwconv_regs.h (the model's own);
 * only on platforms with cluster.dwconv.present. */
#ifndef HAL_DWCONV_H
#define HAL_DWCONV_H

#include <stdint.h>

#include "dwconv_regs.h"
#include "hal/cluster.h"
#include "hal/event_unit.h"

#define DWCONV_BASE (CLUSTER_PERIPH_BASE + CLUSTER_PERIPH_DWCONV)

static inline volatile uint32_t* dwconv_reg(uint32_t off) { return hal_reg(DWCONV_BASE + off); }

static inline unsigned dwconv_lanes(void) { return *dwconv_reg(DWCONV_REG_INFO) & 0xFFu; }

/* One depthwise convolution (dwconv_regs.h describes every field). */
typedef struct {
  uint32_t in, out, wgt, quant;        /* L1 addresses */
  uint32_t in_h, in_w, channels;
  uint32_t kernel, stride;
  uint32_t pad_top, pad_left, pad_bottom, pad_right;
  int32_t clip_lo, clip_hi;            /* -128, 127: no clamp */
  uint32_t in_pix_stride, out_pix_stride; /* 0: channels */
} dwconv_job_t;

static inline void dwconv_program(const dwconv_job_t* j) {
  *dwconv_reg(DWCONV_REG_IN_ADDR) = j->in;
  *dwconv_reg(DWCONV_REG_OUT_ADDR) = j->out;
  *dwconv_reg(DWCONV_REG_WGT_ADDR) = j->wgt;
  *dwconv_reg(DWCONV_REG_QUANT_ADDR) = j->quant;
  *dwconv_reg(DWCONV_REG_IN_H) = j->in_h;
  *dwconv_reg(DWCONV_REG_IN_W) = j->in_w;
  *dwconv_reg(DWCONV_REG_CHANNELS) = j->channels;
  *dwconv_reg(DWCONV_REG_KERNEL) = j->kernel;
  *dwconv_reg(DWCONV_REG_STRIDE) = j->stride;
  *dwconv_reg(DWCONV_REG_PAD) = DWCONV_PAD(j->pad_top, j->pad_left, j->pad_bottom, j->pad_right);
  *dwconv_reg(DWCONV_REG_CLIP) = DWCONV_CLIP(j->clip_lo, j->clip_hi);
  *dwconv_reg(DWCONV_REG_IN_PIX_STRIDE) = j->in_pix_stride;
  *dwconv_reg(DWCONV_REG_OUT_PIX_STRIDE) = j->out_pix_stride;
}

/* Queues the programmed convolution (registers latched: the next may be programmed at once). */
static inline void dwconv_trigger(void) { *dwconv_reg(DWCONV_REG_TRIGGER) = 1; }

static inline int dwconv_busy(void) { return (*dwconv_reg(DWCONV_REG_STATUS) & DWCONV_STATUS_BUSY) != 0; }

/* Sleeps on the accelerator's done line until every triggered convolution is complete. */
static inline void dwconv_wait_sleep(void) {
  while (dwconv_busy()) eu_wait_line(EU_LINE_DWCONV_DONE);
}

#endif /* HAL_DWCONV_H */
