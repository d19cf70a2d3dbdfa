/* DMA HAL: start 1D/2D transfers, poll or sleep until a channel is idle.
 * Header-only, RV32. Register map: contracts/dma_regs.h (the model's own).
 * Addresses are 32-bit cluster addresses: this cluster's L1 (local alias
 * CLUSTER_LOCAL_BASE or its global window) or any global address. */
#ifndef HAL_DMA_H
#define HAL_DMA_H

#include <stdint.h>

#include "dma_regs.h"
#include "hal/cluster.h"
#include "hal/event_unit.h"

#define DMA_BASE (CLUSTER_PERIPH_BASE + CLUSTER_PERIPH_DMA)

static inline volatile uint32_t* dma_ch_reg(unsigned ch, uint32_t off) { return hal_reg(DMA_BASE + DMA_CH_BASE(ch) + off); }

static inline unsigned dma_channels(void) { return *hal_reg(DMA_BASE + DMA_REG_INFO) & 0xFFu; }

/* Queues `reps` rows of `len` bytes from src to dst on channel ch, row
 * addresses advancing by the strides. Returns at once; the registers are
 * latched, so the next transfer may be programmed immediately. */
static inline void dma_start_2d(unsigned ch, uint32_t dst, uint32_t src, uint32_t len, uint32_t reps,
                                uint32_t dst_stride, uint32_t src_stride) {
  *dma_ch_reg(ch, DMA_CH_SRC) = src;
  *dma_ch_reg(ch, DMA_CH_DST) = dst;
  *dma_ch_reg(ch, DMA_CH_LEN) = len;
  *dma_ch_reg(ch, DMA_CH_REPS) = reps;
  *dma_ch_reg(ch, DMA_CH_SRC_STRIDE) = src_stride;
  *dma_ch_reg(ch, DMA_CH_DST_STRIDE) = dst_stride;
  *dma_ch_reg(ch, DMA_CH_CMD) = DMA_CMD_START;
}

static inline void dma_start_1d(unsigned ch, uint32_t dst, uint32_t src, uint32_t bytes) {
  dma_start_2d(ch, dst, src, bytes, 1, 0, 0);
}

static inline int dma_busy(unsigned ch) { return (*dma_ch_reg(ch, DMA_CH_STATUS) & DMA_STATUS_BUSY) != 0; }

/* Transfers of channel ch completed so far, modulo 2^16. */
static inline uint32_t dma_done_count(unsigned ch) { return *dma_ch_reg(ch, DMA_CH_STATUS) >> DMA_STATUS_DONE_SHIFT; }

/* Busy-waits until every transfer queued on ch has completed. */
static inline void dma_wait(unsigned ch) {
  while (dma_busy(ch)) {
  }
}

/* Sleeps on the channel's event-unit line until ch is idle (a stale line
 * from an earlier transfer only costs one more status read). */
static inline void dma_wait_sleep(unsigned ch) {
  while (dma_busy(ch)) eu_wait_line(EU_LINE_DMA(DMA_EVENT_DONE(ch)));
}

/* Channel ch has completed `target` transfers (a count modulo 2^16, as dma_done_count). */
static inline int dma_done_reached(unsigned ch, uint32_t target) {
  return ((dma_done_count(ch) - target) & 0xFFFFu) < 0x8000u;
}

/* Sleeps until channel ch has completed `target` transfers, so transfers
 * queued after that one are not waited for. */
static inline void dma_wait_count(unsigned ch, uint32_t target) {
  while (!dma_done_reached(ch, target)) eu_wait_line(EU_LINE_DMA(DMA_EVENT_DONE(ch)));
}

/* Copies bytes with channel ch and sleeps until the channel is idle. */
static inline void dma_copy_sleep(unsigned ch, void* dst, uint32_t src, uint32_t bytes) {
  dma_start_1d(ch, (uint32_t)(uintptr_t)dst, src, bytes);
  dma_wait_sleep(ch);
}

#endif /* HAL_DMA_H */
