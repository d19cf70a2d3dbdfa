/* DMA double buffering between the HBM and L1: core 0 streams a 64 KiB array
 * from the HBM in 2 KiB blocks into two L1 buffers, fetching block k+1 while
 * the 16 cores sum block k; the total is checked against the array. */
#include <stdint.h>
#include <stdio.h>

#include "address_map.h"
#include "hal/cluster.h"
#include "hal/dma.h"
#include "hal/event_unit.h"

#define BLOCK 2048u
#define BLOCKS 32u
#define CH 0u                       /* DMA channel */
#define HBM_ARRAY VP_HBM_BASE       /* the array's place in the HBM */

static uint8_t staging[BLOCK];      /* core 0 writes the array to the HBM through this */
static uint8_t buf[2][BLOCK];       /* the two halves of the double buffer */
static uint32_t partial[16];        /* one sum per core */

static uint8_t value(uint32_t i) { return (uint8_t)(i * 7u + (i >> 8)); }

int main(void) {
  const unsigned me = core_id(), n = num_cores(), share = BLOCK / n;
  uint32_t expected = 0;
  if (me == 0) {
    for (uint32_t b = 0; b < BLOCKS; ++b) { /* the array into the HBM, block by block */
      for (uint32_t i = 0; i < BLOCK; ++i) expected += staging[i] = value(b * BLOCK + i);
      dma_copy_sleep(CH, (void*)(uintptr_t)(HBM_ARRAY + b * BLOCK), (uint32_t)(uintptr_t)staging, BLOCK);
    }
    dma_start_1d(CH, (uint32_t)(uintptr_t)buf[0], HBM_ARRAY, BLOCK); /* block 0 */
  }
  uint32_t sum = 0;
  for (uint32_t k = 0; k < BLOCKS; ++k) {
    if (me == 0) {
      dma_wait_sleep(CH); /* block k is in buf[k % 2] */
      if (k + 1 < BLOCKS) dma_start_1d(CH, (uint32_t)(uintptr_t)buf[(k + 1) % 2], HBM_ARRAY + (k + 1) * BLOCK, BLOCK);
    }
    eu_barrier(); /* block k ready for everybody; block k+1 streams in meanwhile */
    for (unsigned i = me * share; i < (me + 1) * share; ++i) sum += buf[k % 2][i];
    eu_barrier(); /* buf[k % 2] free again */
  }
  partial[me] = sum;
  eu_barrier();
  if (me == 0) {
    uint32_t total = 0;
    for (unsigned c = 0; c < n; ++c) total += partial[c];
    printf("dma: %u blocks of %u bytes through 2 buffers, sum %u, expected %u\n", BLOCKS, BLOCK, (unsigned)total,
           (unsigned)expected);
    return total == expected ? 0 : 1;
  }
  return 0;
}
