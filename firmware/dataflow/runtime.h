/* The dataflow runtime: each cluster reads its role from the mapping binary
 * and runs its part of the self-timed pipeline (section IV-5 of the paper;
 * design in docs/dataflow.md). RV32, C. SPMD: every core calls df_main().
 *
 * Every role of a mapping: analog crossbars (any row and column split),
 * reduction nodes, pools, residual adds; residual stores are passive rings.
 * By role: boot.c (role, weights, entry), analog_loop.c, digital_loop.c,
 * with stage.c (geometry, buffers, input windows) and flow.c (flow control)
 * beneath them; resources.h names the event lines and DMA channels. */
#ifndef DATAFLOW_RUNTIME_H
#define DATAFLOW_RUNTIME_H

#include <stdint.h>

#include "boot_record.h"
#include "dataflow/dwconv.h"
#include "dataflow/kernels.h"
#include "mapping_format.h"

/* A test build (dataflow_small_tables.elf) lowers the layer table to provoke the runtime's own
 * refusal, which the mapper otherwise reports at map time. */
#ifndef DF_MAX_LAYERS
#define DF_MAX_LAYERS VPMAP_MAX_LAYERS /* mapping_format.h: the mapper checks it */
#endif
#define DF_MAX_EDGES VPMAP_MAX_EDGES /* mapping_format.h: the mapper checks it */
#define DF_MAX_BUFFERS VPMAP_MAX_BUFFERS /* mapping_format.h: the mapper checks it */

/* Return codes of df_main: a refusal's code is the firmware fault's (cluster_fault). */
enum df_error {
  DF_OK = 0,
  DF_ERR_BOOT = 10,      /* df_boot not written by the host */
  DF_ERR_MAPPING = 11,   /* bad magic / version / table sizes */
  DF_ERR_ROLE = 12,      /* a role or edge pattern this runtime cannot run yet */
  DF_ERR_WEIGHTS = 13,   /* weights file does not match the mapping */
  DF_ERR_TOO_BIG = 14    /* tables exceed the runtime's L1 copies */
};

/* Everything a cluster needs, copied into its L1 by core 0 at start. */
typedef struct {
  vpmap_header_t hdr;
  vpmap_cluster_t me;
  vpmap_layer_t layers[DF_MAX_LAYERS];
  vpmap_edge_t in_edges[DF_MAX_EDGES], out_edges[DF_MAX_EDGES];
  vpmap_buffer_t buffers[DF_MAX_BUFFERS];
  uint32_t in_region, out_region; /* global addresses of the HBM input / output regions (0: none) */
  uint32_t in_region_b;           /* reload: an add's skip input, a whole tensor in the HBM (0: none) */
  uint32_t cluster;               /* this cluster's id */
} df_role_t;

extern df_boot_t df_boot;

/* Core 0: reads the boot record and this cluster's part of the mapping.
 * Returns DF_OK or an error (printed with the cluster and what is wrong). */
int df_load_role(df_role_t* r);

/* Core 0: programs this cluster's crossbar block from the weights file,
 * using `scratch` (bytes of L1) to stage rows. */
int df_program_weights(const df_role_t* r, uint32_t scratch, uint32_t scratch_bytes);
/* Core 0, reload mode: the same from the chunk record at `chunk` (global
 * address): DMA into `scratch`, then the IMA's timed programming job. */
int df_program_chunk(const df_role_t* r, uint32_t chunk, uint32_t scratch, uint32_t scratch_bytes);

/* Core 0, on a cluster that requantizes: its layer's requantization
 * (df_quant: relu and act_max from the mapping, the rest from the weights
 * record, per channel for the cluster's columns). */
int df_load_quant(const df_role_t* r);
extern df_quant_t df_quant;

/* Core 0, on a depthwise layer's cluster: its weights and channel records
 * from the weights file into its "weights" buffer; df_dw points at them. */
int df_load_dwconv(const df_role_t* r);
extern df_dw_t df_dw;

/* All cores: the tile loop of an analog cluster (one crossbar of a layer). */
int df_run_analog(const df_role_t* r);

/* All cores: the tile loop of a pooling, residual-add or reduction cluster. */
int df_run_digital(const df_role_t* r);

/* All cores: load this cluster's role in the mapping at df_boot.mapping,
 * program its weights, run its loop. */
int df_run_role(void);

/* All cores, with df_boot.reload set: the reload file's groups one after the
 * other (reload_loop.c, docs/dataflow.md "Weight reloading"). */
int df_run_reload(void);

/* Core 0 in reload mode: programs this cluster's crossbar from its chunk of
 * the current group (df_reload_chunk != 0) instead of the weights file. */
extern uint32_t df_reload_chunk; /* global address of the vprl_chunk_t, 0: none */
extern uint32_t df_reload_program_cycles; /* the last df_program_chunk's cycles (fetch and programming) */

/* All cores: load the role, program the weights, run. A refusal (a mapping
 * this runtime cannot run, printed by core 0) ends in cluster_fault: the VP
 * reports it as a firmware fault with core 0's pc and message. */
int df_main(void);

#endif /* DATAFLOW_RUNTIME_H */
