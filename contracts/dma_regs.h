/* Register map of the cluster DMA (ip/dma), shared by the model and the
 * firmware HAL (firmware/hal/dma.h). C and C++.
 *
 * Offsets from the DMA's base (cluster peripherals + 0x1000). 32-bit
 * registers, word accesses only. Each channel has its own block; a
 * transfer copies REPS rows of LEN bytes from SRC to DST, the row addresses
 * advancing by SRC_STRIDE and DST_STRIDE (2D); REPS <= 1 is a 1D copy.
 * Addresses are 32-bit cluster addresses: the cluster's own L1 (local alias
 * or its global window) or any global address reached through the network.
 * Writing CMD = DMA_CMD_START queues the transfer (the registers are latched,
 * so the next one may be programmed at once); transfers of all channels share
 * the engine in start order. */
#ifndef DMA_REGS_H
#define DMA_REGS_H

#define DMA_REG_INFO 0x000  /* RO: channels [7:0], beat width in bytes [23:8] */
#define DMA_REG_BUSY 0x004  /* RO: bit c set while channel c has a transfer queued or in flight */

#define DMA_CH_BASE(c) (0x100 + (c) * 0x20)
#define DMA_CH_SRC 0x00         /* source address of the first row */
#define DMA_CH_DST 0x04         /* destination address of the first row */
#define DMA_CH_LEN 0x08         /* bytes per row */
#define DMA_CH_SRC_STRIDE 0x0C  /* bytes from one source row to the next */
#define DMA_CH_DST_STRIDE 0x10  /* bytes from one destination row to the next */
#define DMA_CH_REPS 0x14        /* rows (0 and 1 both mean a 1D transfer) */
#define DMA_CH_CMD 0x18         /* WO: DMA_CMD_START queues the programmed transfer */
#define DMA_CH_STATUS 0x1C      /* RO: DMA_STATUS_BUSY; DONE count [31:16] */

#define DMA_CMD_START 1u
#define DMA_STATUS_BUSY 1u             /* a transfer of this channel is queued or in flight */
#define DMA_STATUS_DONE_SHIFT 16       /* transfers of this channel completed, modulo 2^16 */

#define DMA_MAX_CHANNELS 32

/* Event lines the DMA raises (the event unit routes them to cores):
 * line c = a transfer of channel c has completed. */
#define DMA_EVENT_DONE(c) (c)

#endif /* DMA_REGS_H */
