/* A two-cluster producer/consumer pipeline: cluster 0 produces 8 blocks and
 * pushes each by DMA into one of two input slots in cluster 1's L1, then
 * tells it with a counter and a remote software event; cluster 1 sums each
 * block and hands the slot back with a credit counter and an event of its
 * own. The counters only grow, so no update is lost; events only wake.
 * Every cluster runs the same image, so a variable sits at the same offset
 * in every cluster's L1 and remote() finds it in another cluster's window. */
#include <stdint.h>
#include <stdio.h>

#include "address_map.h"
#include "hal/cluster.h"
#include "hal/dma.h"
#include "hal/event_unit.h"

#define BLOCK 1024u
#define BLOCKS 8u
#define EV_DATA 1u   /* software line at the consumer: a block has arrived */
#define EV_CREDIT 2u /* software line at the producer: a slot is free again */

static uint8_t out[BLOCK];          /* the producer's block before it leaves */
static uint8_t slots[2][BLOCK];     /* the consumer's input slots */
static volatile uint32_t arrived;   /* at the consumer: blocks delivered */
static volatile uint32_t consumed;  /* at the producer: blocks the consumer is done with */

static uint32_t remote(uint32_t cluster, const volatile void* local) {
  return cluster_global(cluster) + ((uint32_t)(uintptr_t)local - CLUSTER_LOCAL_BASE);
}
static uint32_t remote_eu(uint32_t cluster) {
  return cluster_global(cluster) + VP_PERIPHERALS_OFFSET + CLUSTER_PERIPH_EVENT_UNIT;
}
static uint8_t value(uint32_t k, uint32_t i) { return (uint8_t)(k * 31u + i * 3u); }

static void produce(void) {
  for (uint32_t k = 0; k < BLOCKS; ++k) {
    while (k >= 2 && consumed < k - 1) eu_wait_line(EU_LINE_SW(EV_CREDIT)); /* slot k % 2 held block k - 2 */
    for (uint32_t i = 0; i < BLOCK; ++i) out[i] = value(k, i);
    dma_copy_sleep(0, (void*)(uintptr_t)remote(1, slots[k % 2]), (uint32_t)(uintptr_t)out, BLOCK);
    *(volatile uint32_t*)(uintptr_t)remote(1, &arrived) = k + 1; /* after the data: the DMA is done */
    eu_trigger_sw(remote_eu(1), EV_DATA, 1u);                      /* wake the consumer's core 0 */
  }
}

static int consume(void) {
  uint32_t sum = 0, expected = 0;
  for (uint32_t k = 0; k < BLOCKS; ++k) {
    while (arrived < k + 1) eu_wait_line(EU_LINE_SW(EV_DATA));
    for (uint32_t i = 0; i < BLOCK; ++i) sum += slots[k % 2][i], expected += value(k, i);
    *(volatile uint32_t*)(uintptr_t)remote(0, &consumed) = k + 1;
    eu_trigger_sw(remote_eu(0), EV_CREDIT, 1u);
  }
  printf("pipeline: cluster 1 received %u blocks from cluster 0, checksum %u, expected %u\n", BLOCKS,
         (unsigned)sum, (unsigned)expected);
  return sum == expected ? 0 : 1;
}

int main(void) {
  if (core_id() != 0 || cluster_id() > 1 || num_clusters() < 2) return 0; /* core 0 of clusters 0 and 1 only */
  if (cluster_id() == 0) {
    produce();
    return 0;
  }
  return consume();
}
