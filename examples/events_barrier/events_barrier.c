/* Events and barriers on 16 cores: each round core 0 pushes a work item to
 * the event unit's dispatch queue (every worker gets it), the workers sleep
 * until it comes, compute, and all meet at a hardware barrier; at the end a
 * software event wakes the workers for a last report. */
#include <stdint.h>
#include <stdio.h>

#include "hal/cluster.h"
#include "hal/event_unit.h"

#define ROUNDS 4u
#define EV_STOP 5u /* software event line 5: "no more rounds" */

static volatile uint32_t results[16][ROUNDS];

int main(void) {
  const unsigned me = core_id(), n = num_cores();
  for (unsigned r = 0; r < ROUNDS; ++r) {
    if (me == 0) {
      eu_dispatch_push(r * 100u); /* to every worker (DISPATCH_MASK: all but core 0) */
    } else {
      const uint32_t item = eu_dispatch_pop() + me; /* asleep until the item arrives */
      results[me][r] = item * item;
    }
    eu_barrier(); /* the round is over for every core */
  }
  if (me == 0) {
    eu_trigger_sw(EU_BASE, EV_STOP, ((1u << n) - 1u) & ~1u); /* wake every worker */
  } else {
    eu_wait_line(EU_LINE_SW(EV_STOP));
    if (me == n - 1) printf("core %u woken by software event %u\n", me, EV_STOP);
  }
  eu_barrier(); /* core 0 returns last: its return ends the cluster */
  if (me == 0) {
    uint32_t total = 0;
    for (unsigned w = 1; w < n; ++w)
      for (unsigned r = 0; r < ROUNDS; ++r) total += results[w][r];
    printf("events: %u rounds for %u workers, sum of squares %u\n", ROUNDS, n - 1, (unsigned)total);
    return total == 2248960u ? 0 : 1; /* sum over r < 4, w in 1..15 of (100 r + w)^2 */
  }
  return 0;
}
