/* 16-core barrier loop: in every round each core writes its slot, meets the
 * others, and core 0 checks that every slot holds the round. The cores skew
 * their arrival with uneven work so the barrier really waits. */
#include <stdint.h>
#include <stdio.h>

#include "hal/cluster.h"
#include "hal/event_unit.h"

#define ROUNDS 200
static volatile uint32_t slot[16];
static volatile uint32_t errors;

int main(void) {
  const uint32_t me = core_id();
  for (uint32_t r = 1; r <= ROUNDS; ++r) {
    volatile uint32_t spin = 0;
    for (uint32_t i = 0; i < (me * 7 + r) % 23 * 10; ++i) spin += i;
    slot[me] = r;
    eu_barrier();
    if (me == 0)
      for (unsigned c = 0; c < num_cores(); ++c)
        if (slot[c] != r) ++errors;
    eu_barrier();
  }
  /* Dispatch: core 0 hands each worker a value; workers echo it back. */
  if (me == 0) {
    eu_dispatch_push(0xC0FFEE);
  } else {
    slot[me] = eu_dispatch_pop();
  }
  eu_barrier();
  if (me == 0) {
    for (unsigned c = 1; c < num_cores(); ++c)
      if (slot[c] != 0xC0FFEE) ++errors;
    printf("barrier rounds %u, errors %u\n", ROUNDS, (unsigned)errors);
  }
  return errors ? 1 : 0;
}
