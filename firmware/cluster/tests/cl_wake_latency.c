/* A core sleeping on a DMA completion must wake when the DMA completes, not
 * at the end of the quantum its cluster's other (busy) cores are running. */
#include <stdint.h>
#include <stdio.h>

#include "hal/cluster.h"
#include "hal/dma.h"
#include "hal/event_unit.h"

static volatile uint32_t waited;
static uint8_t buf[64];

int main(void) {
  const uint32_t me = core_id();
  if (me == 0) {
    volatile uint32_t sink = 0;
    for (uint32_t i = 0; i < 20000; ++i) sink += i; /* stays awake for many quanta */
  } else if (me == 1) {
    const uint32_t t0 = (uint32_t)cluster_cycles();
    dma_start_1d(1, 0x80000000u, (uint32_t)(uintptr_t)buf, sizeof buf);
    dma_wait_sleep(1);
    waited = (uint32_t)cluster_cycles() - t0;
  }
  eu_barrier();
  if (me == 0) {
    printf("wake: a 64-byte DMA to the HBM waited %u cycles\n", (unsigned)waited);
    return waited < 1000 ? 0 : 1;
  }
  return 0;
}
