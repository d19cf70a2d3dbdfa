/* A cluster's stage of the pipeline as the analog and digital loops share it:
 * the geometry of its layer's tiles, its L1 buffers, and the input windows
 * (fetched from the HBM, or pushed by the producers). RV32, C. */
#ifndef DATAFLOW_STAGE_H
#define DATAFLOW_STAGE_H

#include <stdint.h>

#include "dataflow/resources.h"
#include "dataflow/runtime.h"
#include "dataflow/tile.h"
#include "hal/cluster.h"

/* Geometry of this cluster's layer and its buffers (an analog layer or a pool). */
typedef struct {
  const vpmap_layer_t* L;
  uint32_t kh, kw, s, p, C, run;        /* window; run = kw * C bytes per kernel row (packed: of the k-pixel window) */
  uint32_t pack;                        /* adjacent output pixels per MVM (mapping-format.md, Packing) */
  uint32_t r0, r1, ncols;               /* crossbar: layer rows [r0, r1), columns */
  uint32_t pitch;                       /* bytes per row of an input window buffer */
  uint32_t in_buf, in_slot, in_slots, ima_buf, ima_half, out_buf, out_half; /* input: in_slots windows */
  uint32_t in_region, in_size;
  uint32_t adc_shift;
  uint32_t psum;                        /* analog: bytes per IMA output (the layer's psum_bytes: 2 or 4) */
} df_stage_t;

typedef struct {
  uint32_t img, ox0, tw;  /* image, first output column, columns */
  int32_t x_first;        /* map column of the window's column 0 */
} df_tile_t;


/* Set up by core 0 before the tile loop, read by every core (L1). */
extern df_stage_t df_stage;
extern volatile int df_stage_rc;

static inline uint32_t df_l1(uint32_t offset) { return CLUSTER_LOCAL_BASE + offset; }

static inline df_tile_t df_tile_of(const df_stage_t* a, uint32_t n) {
  const vpmap_layer_t* L = a->L;
  df_tile_t t;
  t.img = n / L->tiles;
  t.ox0 = (n % L->tiles) * L->tile_w;
  t.tw = df_tile_width(L->tile_w, L->out_w, n % L->tiles);
  t.x_first = (int32_t)(t.ox0 * a->s) - (int32_t)a->p;
  return t;
}

static inline uint32_t df_buffer_of(const df_role_t* r, uint32_t kind, uint32_t* size) {
  for (uint32_t i = 0; i < r->me.n_buffers; ++i)
    if (r->buffers[i].kind == kind) {
      *size = r->buffers[i].size;
      return df_l1(r->buffers[i].offset);
    }
  *size = 0;
  return 0;
}


/* Tiles of the layer's stream this cluster takes: replica, replica + replicas, ... */
static inline uint32_t df_local_tiles(const df_role_t* r) {
  const vpmap_layer_t* L = &r->layers[r->me.layer];
  const uint32_t total = df_boot.batch * L->tiles, step = L->replicas;
  return r->me.replica < total ? (total - r->me.replica + step - 1u) / step : 0u;
}

/* Geometry and buffers of this cluster's layer; `analog`: an IMA layer (else a pool). */
int df_prepare_stage(const df_role_t* r, df_stage_t* a, int analog);

/* Core 0: DMA of tile n's input window (all rows, columns with halo) from
 * the HBM into input slot `slot`; padding columns are zeroed here. */
void df_fetch_input(const df_stage_t* a, uint32_t n, uint32_t slot);

/* Core 0: sleeps until local tile k's window is in (fetched from the HBM, or pushed by the producers). */
void df_wait_window(uint32_t in0, uint32_t k);

/* Core 0: the first windows (every slot starts free). */
void df_start_window(const df_stage_t* a, uint32_t count);

#endif /* DATAFLOW_STAGE_H */
