/* Event unit HAL: sleep until events, barrier, dispatch, software events.
 * A core sleeps until one of the lines it waits for is pending: on RV32IMC in
 * `wfi` (crt0 enables mie.MEIE, the event unit's output); in the CORE-V build
 * (VP_XCV) in a cv.elw of EVENT_WAIT(_CLEAR), which the event unit completes
 * only then, with the pending lines: one instruction instead of a load, wfi,
 * load, store loop. The waits own MASK: it holds exactly the lines of the
 * current wait, and nothing else, between MASK_SET and MASK_CLR. */
#ifndef HAL_EVENT_UNIT_H
#define HAL_EVENT_UNIT_H

#include <stdint.h>

#include "event_unit_regs.h"
#include "hal/cluster.h"
#if VP_XCV
#include "hal/corev.h"
#endif

#define EU_BASE (CLUSTER_PERIPH_BASE + CLUSTER_PERIPH_EVENT_UNIT)

static inline volatile uint32_t* eu_core_reg(uint32_t off) { return hal_reg(EU_BASE + EU_CORE_BASE(core_id()) + off); }

/* Sleeps until one of `lines` is pending, clears those pending and returns them. */
static inline uint32_t eu_wait_any(uint32_t lines) {
  *eu_core_reg(EU_MASK_SET) = lines;
#if VP_XCV
  const uint32_t got = cv_elw(eu_core_reg(EU_EVENT_WAIT_CLEAR)); /* BUFFER & MASK, cleared */
  *eu_core_reg(EU_MASK_CLR) = lines;
  return got;
#else
  for (;;) {
    uint32_t got = *eu_core_reg(EU_BUFFER) & lines;
    if (got) {
      *eu_core_reg(EU_BUFFER_CLEAR) = got;
      *eu_core_reg(EU_MASK_CLR) = lines;
      return got;
    }
    __asm__ volatile("wfi");
  }
#endif
}
static inline void eu_wait_line(uint32_t line) { (void)eu_wait_any(1u << line); }

/* Non-blocking: pending lines among `lines`, cleared. */
static inline uint32_t eu_take(uint32_t lines) {
  uint32_t got = *eu_core_reg(EU_BUFFER) & lines;
  if (got) *eu_core_reg(EU_BUFFER_CLEAR) = got;
  return got;
}

/* All cores of EU_BARRIER_MASK meet here. */
static inline void eu_barrier(void) {
  *eu_core_reg(EU_BARRIER_ARRIVE) = 1;
  eu_wait_line(EU_LINE_BARRIER);
}

/* Raises software line n in the cores of core_mask, of this cluster or, with
 * its global peripherals base, of another one. */
static inline void eu_trigger_sw(uint32_t eu_base, unsigned n, uint32_t core_mask) {
  *hal_reg(eu_base + EU_SW_TRIGGER(n)) = core_mask;
}

/* Dispatch: core 0 pushes a value to the workers; a worker sleeps until one
 * comes. The dispatch line stays pending while values are queued. */
static inline void eu_dispatch_push(uint32_t value) { *hal_reg(EU_BASE + EU_DISPATCH_PUSH) = value; }
static inline uint32_t eu_dispatch_pop(void) {
  *eu_core_reg(EU_MASK_SET) = 1u << EU_LINE_DISPATCH;
#if VP_XCV
  (void)cv_elw(eu_core_reg(EU_EVENT_WAIT)); /* the pop clears the line when the queue empties */
#else
  while (!(*eu_core_reg(EU_BUFFER) & (1u << EU_LINE_DISPATCH))) __asm__ volatile("wfi");
#endif
  *eu_core_reg(EU_MASK_CLR) = 1u << EU_LINE_DISPATCH;
  return *eu_core_reg(EU_DISPATCH_POP);
}

#endif /* HAL_EVENT_UNIT_H */
