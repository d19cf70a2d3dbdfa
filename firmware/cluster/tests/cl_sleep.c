/* Cores 1..15 sleep on a software event while core 0 works, once briefly and
 * once 100 times longer. A sleeping core executes nothing: the instructions
 * a waiting core retires are the same for both waits, while the platform
 * time it waits grows with the wait (mcycle stops while a core sleeps, as
 * CV32E40P's clock-gated counter does). */
#include <stdint.h>
#include <stdio.h>

#include "hal/cluster.h"
#include "hal/event_unit.h"

static volatile uint32_t insns[2][16], cycles[2][16];

static inline uint32_t csr_minstret(void) { uint32_t v; __asm__ volatile("csrr %0, minstret" : "=r"(v)); return v; }

int main(void) {
  const uint32_t me = core_id();
  for (unsigned phase = 0; phase < 2; ++phase) {
    if (me == 0) {
      volatile uint32_t sink = 0;
      for (uint32_t i = 0; i < (phase ? 100000u : 1000u); ++i) sink += i;
      eu_trigger_sw(EU_BASE, 0, 0xFFFEu); /* wake cores 1..15 */
    } else {
      const uint32_t i0 = csr_minstret(), c0 = (uint32_t)cluster_cycles();
      eu_wait_line(EU_LINE_SW(0));
      insns[phase][me] = csr_minstret() - i0;
      cycles[phase][me] = (uint32_t)cluster_cycles() - c0;
    }
    eu_barrier();
  }
  if (me != 0) return 0;
  unsigned errors = 0;
  for (unsigned c = 1; c < num_cores(); ++c) {
    if (insns[0][c] != insns[1][c]) ++errors;
    if (cycles[1][c] < 50 * cycles[0][c]) ++errors;
  }
  printf("sleep: core 1 waited %u then %u cycles retiring %u and %u instructions; errors %u\n",
         (unsigned)cycles[0][1], (unsigned)cycles[1][1], (unsigned)insns[0][1], (unsigned)insns[1][1], errors);
  return errors ? 1 : 0;
}
