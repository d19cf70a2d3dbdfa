/* Cluster-to-cluster flow control of the dataflow runtime (docs/dataflow.md,
 * "Cluster-to-cluster flow control"). RV32, C. Core 0 only.
 *
 * A producer pushes each output tile with its DMA into the consumers' input
 * slots (a double-buffered window in the consumer's L1, a reducer's partial-
 * sum slot, or a residual ring in the HBM or in a residual store's L1). After
 * the last piece a consumer tile needs from it, the same DMA channel writes
 * the consumer's tile count into the consumer's df_arrived[producer] and
 * raises DF_EV_DATA there. A consumer that has finished with a slot writes its
 * consumed-tile count into the producer's df_credit[consumer] and raises
 * DF_EV_CREDIT there. Counters only grow, so an update is never lost or
 * misread; events only wake, the counters are the truth. */
#ifndef DATAFLOW_FLOW_H
#define DATAFLOW_FLOW_H

#include <stdint.h>

#include "dataflow/resources.h"
#include "dataflow/runtime.h"

#define DF_MAX_PEERS VPMAP_MAX_PEERS /* mapping_format.h: the mapper checks it */
#define DF_MAX_CLUSTERS VPMAP_MAX_CLUSTERS /* mapping_format.h: the mapper checks them */

/* Input ports of a cluster. */
enum { DF_PORT_A = 0, DF_PORT_B = 1, DF_PORT_PARTIALS = 2, DF_PORTS = 3 };

/* The windows a consumer keeps for one input: tile t of its layer reads the
 * map columns [t*tw*s - p, ... + (twt-1)*s + k) of all `rows` rows. An exact
 * window (k = s = 1, p = 0: adds, partial sums, rings) is compact, twt pixels
 * per row; a halo window has a fixed pitch. */
typedef struct {
  uint16_t k, s, p, exact;
  uint16_t tw, tiles, in_w, out_w; /* the consumer layer's tiling and its input width */
  uint32_t rows, pb, pitch;        /* pb: bytes per pixel; pitch: bytes per row (halo windows) */
} df_geom_t;

typedef struct {
  uint16_t cluster, port;
  uint16_t replica, replicas; /* tiles n of the producer layer with n mod replicas == replica */
  uint16_t tw, tiles;         /* the producer layer's tiling */
} df_in_t;

typedef struct {
  uint16_t cluster;           /* consumer (stamped and credited) */
  uint16_t replica, replicas; /* consumer tiles M with M mod replicas == replica */
  uint16_t slots, ring;       /* ring: slot M mod slots shared by all replicas; else local k mod slots */
  uint32_t base, slot_bytes;  /* global address of slot 0, bytes between slots */
  uint32_t ch_off;            /* bytes of a consumer pixel before this producer's channels */
  df_geom_t g;
} df_out_t;

typedef struct {
  /* this cluster as a producer: its output tiles */
  uint32_t tw, tiles, out_w, out_h, replica, replicas, pb;
  uint32_t hbm_out;           /* network output region (global address of image 0, my channels), 0: none */
  uint32_t hbm_out_pixel;     /* bytes per pixel of the network output */
  uint32_t n_out;
  df_out_t out[DF_MAX_PEERS];
  /* this cluster as a consumer */
  uint32_t hbm_in;            /* input A is the network input in the HBM (the cluster fetches it) */
  df_geom_t port[DF_PORTS];
  uint32_t port_base[DF_PORTS], port_slot_bytes[DF_PORTS], port_slots[DF_PORTS], port_used[DF_PORTS];
  uint32_t ring_base, ring_slots, ring_slot_bytes; /* port B of an add: where the skip tiles wait */
  uint32_t hbm_b;             /* reload: port B of an add is a whole tensor in the HBM (its global address), 0: none */
  uint32_t n_in;
  df_in_t in[DF_MAX_PEERS];
  uint32_t out_mark[2];       /* DF_DMA_OUT transfers queued up to the end of the last deliver into half 0/1 */
  uint32_t out_queued;        /* DF_DMA_OUT transfers queued so far (modulo 2^16 like the done count) */
} df_flow_t;

extern df_flow_t df_flow;

/* Geometry of a layer's input window (port A/B) or partial-sum tile (ncols4 = ncols * 4). */
df_geom_t df_geom_input(const vpmap_layer_t* L);
df_geom_t df_geom_exact(const vpmap_layer_t* L, uint32_t pb);
/* Map columns [*a, *b) (clipped to the map) of window t and its first column x_first. */
void df_window_cols(const df_geom_t* g, uint32_t t, int32_t* x_first, uint32_t* a, uint32_t* b);
uint32_t df_window_pitch(const df_geom_t* g, uint32_t t);

/* Core 0 at boot: finds producers, consumers, rings and slots. */
int df_flow_setup(const df_role_t* r);

/* Core 0: every producer has delivered local tile k of `port` (no wait). */
int df_flow_inputs_ready(uint32_t port, uint32_t k);
/* Core 0: sleeps until every producer has delivered local tile k of `port`. */
void df_flow_wait_inputs(uint32_t port, uint32_t k);
/* Core 0: local tile k of `port` has been used: zero the padding of the
 * slot's next tile and hand the slot back to the producers. */
void df_flow_release(uint32_t port, uint32_t k, uint32_t count);
/* Core 0: pushes my tile n (local k) from `src` to every consumer, waiting
 * for credits as needed; marks finished images for the host. */
void df_flow_deliver(uint32_t n, uint32_t k, uint32_t src);
/* Core 0: sleeps until the deliveries of local tile k (same half) have left. */
void df_flow_wait_delivered(uint32_t k);
/* Core 0, reload mode, between two groups when no cluster writes any more:
 * the counters other clusters write start again from 0 (not booted). */
void df_flow_reset(void);

#endif /* DATAFLOW_FLOW_H */
