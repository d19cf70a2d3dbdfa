/* Reload mode (docs/dataflow.md "Weight reloading"): the reload file's layer
 * groups one after the other. For each group every cluster points
 * df_boot.mapping at the group's mapping and runs its role in it as in any
 * mapping (df_run_role), programming its crossbar from its chunk of the
 * group (df_program_chunk: DMA into L1, the IMA's timed programming job);
 * activations between groups wait in the HBM. Between groups, a barrier over
 * all clusters (no atomics: each cluster writes its arrival into cluster 0's
 * L1 and raises an event there, cluster 0 releases them the same way), the
 * flow counters cleared, and a second barrier so that no cluster of the next
 * group is told "booted" before the other has cleared its counters. */
#include <stdio.h>

#include "dataflow/flow.h"
#include "dataflow/resources.h"
#include "hal/cluster.h"
#include "hal/dma.h"
#include "hal/event_unit.h"
#include "hal/ima.h"
#include "mapping_format.h"

extern volatile uint32_t df_arrived[DF_MAX_CLUSTERS]; /* flow.c */

uint32_t df_reload_chunk;

static vprl_header_t rl_head;
static vprl_group_t rl_group;
static volatile int rl_rc;
/* In every cluster's L1: the barrier epoch cluster 0 has released. */
static volatile uint32_t rl_go;
/* The arrivals go to cluster 0's df_arrived[cluster] (flow.c), free between
 * groups (the L1 has no room for another table of every cluster): a set top
 * bit is "arrived", the rest a figure for the report. Cluster 0 clears the
 * table before it releases a barrier and after the second one, and no
 * producer of the next group stamps it before cluster 0 has booted. */
#define RL_ARRIVED 0x80000000u

static uint32_t at_cluster(uint32_t c, const volatile void* p) {
  return cluster_global(c) + ((uint32_t)(uintptr_t)p - CLUSTER_LOCAL_BASE);
}
static uint32_t eu_of(uint32_t c) {
  return cluster_global(c) + (CLUSTER_PERIPH_BASE - CLUSTER_LOCAL_BASE) + CLUSTER_PERIPH_EVENT_UNIT;
}
static void get(void* dst, uint32_t src, uint32_t bytes) { dma_copy_sleep(DF_DMA_IN, dst, src, bytes); }

/* Core 0 of every cluster: returns when every cluster has called it with
 * this epoch; cluster 0 gets the largest figure sent, with every counter
 * cleared before the release. */
static uint32_t all_clusters_barrier(uint32_t epoch, uint32_t figure) {
  const uint32_t me = cluster_id(), n = num_clusters();
  *(volatile uint32_t*)(uintptr_t)at_cluster(0, &df_arrived[me]) = RL_ARRIVED | (figure & ~RL_ARRIVED);
  eu_trigger_sw(eu_of(0), DF_EV_GROUP, 1u);
  uint32_t most = 0;
  if (me == 0) {
    for (uint32_t c = 0; c < n; ++c) {
      while (!(df_arrived[c] & RL_ARRIVED)) eu_wait_line(DF_EV_GROUP);
      if ((df_arrived[c] & ~RL_ARRIVED) > most) most = df_arrived[c] & ~RL_ARRIVED;
    }
    df_flow_reset();
    for (uint32_t c = 0; c < n; ++c) {
      *(volatile uint32_t*)(uintptr_t)at_cluster(c, &rl_go) = epoch;
      eu_trigger_sw(eu_of(c), DF_EV_GROUP, 1u);
    }
  }
  while (rl_go < epoch) eu_wait_line(DF_EV_GROUP);
  return most;
}

uint32_t df_reload_program_cycles;
static uint32_t rl_fetch_cycles; /* the same, the chunk's DMA alone */

int df_program_chunk(const df_role_t* r, uint32_t chunk, uint32_t scratch, uint32_t scratch_bytes) {
  uint64_t t0 = cluster_cycles(), fetch = 0;
  vprl_chunk_t c;
  get(&c, chunk, sizeof c);
  const vpmap_cluster_t* me = &r->me;
  if (c.cluster != r->cluster || c.layer != me->layer || c.row0 != me->row0 || c.rows != me->row1 - me->row0 ||
      c.col0 != me->col0 || c.cols != me->col1 - me->col0 || c.pitch < c.cols) {
    printf("cluster %u: dataflow: reload chunk at 0x%08x (cluster %u, layer %u, %ux%u at %u,%u) is not my block\n",
           (unsigned)r->cluster, (unsigned)chunk, (unsigned)c.cluster, (unsigned)c.layer, (unsigned)c.rows,
           (unsigned)c.cols, (unsigned)c.row0, (unsigned)c.col0);
    return DF_ERR_WEIGHTS;
  }
  /* Staged through L1 in slices of whole rows; the IMA programs each slice
   * (its timed IMA_KIND_PROGRAM job) before the next overwrites it. */
  const uint32_t slice = scratch_bytes / c.pitch;
  if (!slice) return DF_ERR_WEIGHTS;
  for (uint32_t r0 = 0; r0 < c.rows; r0 += slice) {
    const uint32_t n = c.rows - r0 < slice ? c.rows - r0 : slice;
    const uint64_t f0 = cluster_cycles();
    get((void*)(uintptr_t)scratch, df_boot.reload + c.offset + r0 * c.pitch, n * c.pitch);
    fetch += cluster_cycles() - f0;
    ima_program_weights(scratch, c.pitch, r0, n, 0, c.pitch);
    ima_wait_sleep();
  }
  rl_fetch_cycles = (uint32_t)fetch;
  df_reload_program_cycles = (uint32_t)(cluster_cycles() - t0 - fetch);
  return DF_OK;
}

int df_run_reload(void) {
  const uint32_t core = core_id(), me = cluster_id();
  if (core == 0) {
    get(&rl_head, df_boot.reload, sizeof rl_head);
    rl_rc = DF_OK;
    if (rl_head.magic != VPRL_MAGIC || rl_head.version != VPRL_VERSION || rl_head.header_bytes != sizeof rl_head) {
      printf("cluster %u: dataflow: reload file at 0x%08x: bad magic/version/header (0x%08x, %u, %u)\n", (unsigned)me,
             (unsigned)df_boot.reload, (unsigned)rl_head.magic, (unsigned)rl_head.version, (unsigned)rl_head.header_bytes);
      rl_rc = DF_ERR_MAPPING;
    }
  }
  eu_barrier();
  if (rl_rc != DF_OK) return rl_rc;
  for (uint32_t g = 0; g < rl_head.n_groups; ++g) {
    uint64_t t0 = 0;
    if (core == 0) {
      get(&rl_group, df_boot.reload + rl_head.group_offset + g * (uint32_t)sizeof rl_group, sizeof rl_group);
      df_boot.mapping = df_boot.reload + rl_group.mapping_offset;
      df_boot.mapping_bytes = rl_group.mapping_bytes;
      df_reload_chunk = 0;
      df_reload_program_cycles = 0, rl_fetch_cycles = 0;
      for (uint32_t k = 0; k < rl_group.n_chunks; ++k) {
        const uint32_t at = df_boot.reload + rl_head.chunk_offset + (rl_group.first_chunk + k) * (uint32_t)sizeof(vprl_chunk_t);
        uint16_t cluster;
        get(&cluster, at, sizeof cluster); /* the record's first field */
        if (cluster == me) df_reload_chunk = at;
      }
      t0 = cluster_cycles();
    }
    eu_barrier();
    const int rc = df_run_role();
    if (rc != DF_OK) return rc;
    if (core == 0) {
      dma_wait_sleep(DF_DMA_OUT);
      /* Every cluster done: no flow counter is written any more. */
      const uint32_t program = all_clusters_barrier(2u * g + 1u, df_reload_program_cycles);
      if (me != 0) df_flow_reset(); /* cluster 0 did, before it released the others: an arrival may be in already */
      const uint32_t fetch = all_clusters_barrier(2u * g + 2u, rl_fetch_cycles);
      if (me == 0) {
        const uint64_t now = cluster_cycles();
        volatile vprl_stat_t* st =
            (volatile vprl_stat_t*)(uintptr_t)(df_boot.reload + rl_head.total_bytes + g * (uint32_t)sizeof(vprl_stat_t));
        st->fetch_cycles = fetch, st->program_cycles = program, st->end_cycles = (uint32_t)now;
        st->cycles = (uint32_t)(now - t0);
        printf("reload: group %u: %u clusters, %u cells, chunk fetch %u cycles, programming %u cycles (the slowest "
               "cluster's each), group %u cycles\n",
               (unsigned)g, (unsigned)rl_group.clusters, (unsigned)rl_group.cells, (unsigned)fetch, (unsigned)program,
               (unsigned)(now - t0));
      }
      /* The workers wait for this, not at a barrier: an analog loop lets them
       * meet without core 0 until it ends, so they may have left it early. */
      if (num_cores() > 1) eu_trigger_sw(EU_BASE, DF_EV_GROUP, ((1u << num_cores()) - 1u) & ~1u);
    } else {
      eu_wait_line(DF_EV_GROUP);
    }
  }
  return DF_OK;
}
