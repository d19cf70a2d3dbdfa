/* Register map of the cluster event unit (hardware synchroniser).
 * One definition for the model (ip/event_unit) and the firmware HAL
 * (firmware/hal/event_unit.h). C and C++.
 *
 * Each core has 32 event lines. A line is pending in a core's BUFFER until the
 * core clears it; the core's "event" output (wired to its machine external
 * interrupt, mip.MEIP) is high while BUFFER & MASK != 0, so `wfi` sleeps
 * until a masked event is pending. The EVENT_WAIT registers are the load-to-
 * sleep form (PULP's EVT_WAIT / EVT_WAIT_CLEAR, read with CV32E40P's cv.elw):
 * the read completes only once BUFFER & MASK != 0, the core's clock gated
 * meanwhile. */
#ifndef EVENT_UNIT_REGS_H
#define EVENT_UNIT_REGS_H

/* Per-core registers: core c at EU_CORE_BASE(c). */
#define EU_CORE_STRIDE 0x40u
#define EU_CORE_BASE(c) ((c) * EU_CORE_STRIDE)
#define EU_MASK 0x00u            /* RW: lines that wake this core */
#define EU_MASK_SET 0x04u        /* W: MASK |= value */
#define EU_MASK_CLR 0x08u        /* W: MASK &= ~value */
#define EU_BUFFER 0x0Cu          /* R: pending lines */
#define EU_BUFFER_MASKED 0x10u   /* R: BUFFER & MASK */
#define EU_BUFFER_CLEAR 0x14u    /* W: BUFFER &= ~value */
#define EU_BARRIER_ARRIVE 0x18u  /* W: this core arrives at the barrier */
#define EU_DISPATCH_POP 0x1Cu    /* R: next dispatched value (0 when none) */
/* Read with cv.elw: waits until BUFFER & MASK != 0 and returns it. A plain
 * load does not wait (it returns BUFFER & MASK, possibly 0). */
#define EU_EVENT_WAIT 0x20u
#define EU_EVENT_WAIT_CLEAR 0x24u /* the same, then clears the lines it returns */

/* Shared registers. */
#define EU_SHARED_BASE 0x800u
#define EU_BARRIER_MASK 0x800u   /* RW: cores taking part in the barrier (reset: all) */
#define EU_DISPATCH_MASK 0x804u  /* RW: cores a DISPATCH_PUSH goes to (reset: all but core 0) */
#define EU_DISPATCH_PUSH 0x808u  /* W: value queued to every core of DISPATCH_MASK */
#define EU_NUM_CORES 0x80Cu      /* R: cores in the cluster */
#define EU_SW_TRIGGER(n) (0x840u + 4u * (n)) /* W: core mask; raises software line n (0..7) */

/* Event lines. */
#define EU_LINE_SW(n) (n)        /* 0..7: software events (local or remote writers) */
#define EU_LINE_BARRIER 8u
#define EU_LINE_DISPATCH 9u
#define EU_LINE_DMA(ch) (16u + (ch)) /* 16..23: DMA channel ch done */
#define EU_LINE_IMA_DONE 24u     /* IMA: all triggered jobs done */
#define EU_LINE_IMA_READY 25u    /* IMA: can accept a new trigger */
#define EU_LINE_DWCONV_DONE 26u  /* depthwise accelerator: a triggered convolution is done */
#define EU_NUM_LINES 32u
#define EU_NUM_SW_LINES 8u

#define EU_BLOCK_SIZE 0x1000u
#define EU_MAX_CORES 32u

#endif /* EVENT_UNIT_REGS_H */
