/* Core 5 executes an illegal instruction: the VP must stop and name the
 * cluster, core, pc and cause. */
#include "hal/cluster.h"
#include "hal/event_unit.h"

int main(void) {
  if (core_id() == 5) __asm__ volatile(".word 0x00000000");
  eu_barrier();
  return 0;
}
