/* The digital tile loop of pools, residual adds and reduction nodes: every
 * core computes, core 0 also moves the data (runtime.h, docs/dataflow.md). */
#include <stdio.h>
#include <string.h>

#include "dataflow/act_floor.h"
#include "dataflow/flow.h"
#include "dataflow/kernels.h"
#include "dataflow/stage.h"
#include "hal/dma.h"
#include "hal/event_unit.h"

typedef struct {
  uint32_t out_buf, out_half, ncols, fan_in, child_stride; /* child_stride: elements between partial tiles */
  int wide;                                               /* an inner reduction level: partial sums out */
  uint32_t psum;                                          /* bytes per partial sum (the layer's psum_bytes: 2 or 4) */
} digital_t;

static digital_t dig;

static int prepare_digital(const df_role_t* r, df_stage_t* a, digital_t* d) {
  const vpmap_cluster_t* me = &r->me;
  const vpmap_layer_t* L = &r->layers[me->layer];
  memset(d, 0, sizeof *d);
  uint32_t size;
  if (L->op == VPMAP_OP_MAXPOOL || L->op == VPMAP_OP_AVGPOOL || L->op == VPMAP_OP_DWCONV) return df_prepare_stage(r, a, 0);
  memset(a, 0, sizeof *a);
  a->L = L;
  d->out_buf = df_buffer_of(r, VPMAP_BUF_OUTPUT, &size);
  d->out_half = size / 2u;
  const uint32_t tile_px = (uint32_t)L->out_h * L->tile_w;
  if (me->role == VPMAP_ROLE_REDUCE) {
    d->ncols = me->col1 - me->col0, d->fan_in = me->fan_in, d->wide = me->level < L->n_levels;
    d->child_stride = tile_px * d->ncols, d->psum = vpmap_layer_psum(L);
    if (!df_flow.port_base[DF_PORT_PARTIALS] || d->out_half < tile_px * d->ncols * (d->wide ? d->psum : 1u)) goto bad;
    return DF_OK;
  }
  if (L->op != VPMAP_OP_ADD) goto bad;
  d->ncols = L->out_c;
  if (!df_flow.port_base[DF_PORT_A] || !df_flow.port_base[DF_PORT_B] || d->out_half < tile_px * d->ncols) goto bad;
  return DF_OK;
bad:
  printf("cluster %u: dataflow: layer %.24s: buffers do not fit a %ux%u tile of role %u\n", (unsigned)r->cluster,
         L->name, (unsigned)L->out_h, (unsigned)L->tile_w, (unsigned)me->role);
  return DF_ERR_ROLE;
}

/* Core 0: local tile k's inputs are in L1: the skip input of an add is fetched from its ring. */
static void gather_inputs(const df_role_t* r, uint32_t in0, uint32_t k) {
  const vpmap_layer_t* L = &r->layers[r->me.layer];
  if (r->me.role == VPMAP_ROLE_REDUCE) {
    cluster_phase(CLUSTER_PHASE_WAIT_INPUT);
    df_flow_wait_inputs(DF_PORT_PARTIALS, k);
    return;
  }
  if (L->op == VPMAP_OP_ADD) {
    const df_flow_t* f = &df_flow;
    const uint32_t M = f->replica + k * f->replicas, tw = df_tile_width(L->tile_w, L->out_w, M % L->tiles);
    if (f->hbm_in || f->hbm_b) { /* reload: an input written by an earlier group, a whole tensor in the HBM */
      const uint32_t img = M / L->tiles, ox0 = (M % L->tiles) * L->tile_w, C = L->in_c;
      const uint32_t at = img * (uint32_t)L->in_h * L->in_w * C + ox0 * C, row = tw * C, pitch = (uint32_t)L->in_w * C;
      cluster_phase(CLUSTER_PHASE_COMMUNICATION);
      if (f->hbm_in) /* one transfer a tile: df_wait_window counts them */
        dma_start_2d(DF_DMA_IN, f->port_base[DF_PORT_A] + (k % f->port_slots[DF_PORT_A]) * f->port_slot_bytes[DF_PORT_A],
                     r->in_region + at, row, L->in_h, row, pitch);
      if (f->hbm_b) {
        dma_start_2d(DF_DMA_RING, f->port_base[DF_PORT_B] + (k % f->port_slots[DF_PORT_B]) * f->port_slot_bytes[DF_PORT_B],
                     f->hbm_b + at, row, L->in_h, row, pitch);
        dma_wait_sleep(DF_DMA_RING);
      }
    }
    if (f->hbm_b) {
      df_wait_window(in0, k);
      return;
    }
    cluster_phase(CLUSTER_PHASE_WAIT_INPUT);
    df_flow_wait_inputs(DF_PORT_B, k);
    cluster_phase(CLUSTER_PHASE_COMMUNICATION);
    dma_start_1d(DF_DMA_RING, f->port_base[DF_PORT_B] + (k % f->port_slots[DF_PORT_B]) * f->port_slot_bytes[DF_PORT_B],
                 f->ring_base + (M % f->ring_slots) * f->ring_slot_bytes, (uint32_t)L->out_h * tw * L->in_c);
    dma_wait_sleep(DF_DMA_RING);
    df_flow_release(DF_PORT_B, k, df_local_tiles(r)); /* the ring slot is free again */
  }
  df_wait_window(in0, k);
}

int df_run_digital(const df_role_t* r) {
  const uint32_t me = core_id();
  df_stage_t* a = &df_stage;
  digital_t* d = &dig;
  if (me == 0) df_stage_rc = prepare_digital(r, a, d);
  eu_barrier();
  if (df_stage_rc != DF_OK) return df_stage_rc;
  const vpmap_layer_t* L = &r->layers[r->me.layer];
  const df_flow_t* f = &df_flow;
  const uint32_t step = L->replicas, count = df_local_tiles(r);
  /* pool: a windowed layer (a pool or a depthwise conv) */
  const int pool = L->op == VPMAP_OP_MAXPOOL || L->op == VPMAP_OP_AVGPOOL || L->op == VPMAP_OP_DWCONV, reduce = r->me.role == VPMAP_ROLE_REDUCE;
  const uint32_t in0 = dma_done_count(DF_DMA_IN);
  if (me == 0 && pool) df_start_window(a, count);
  /* No accelerator to drive: every core computes; core 0 also moves the
   * data. Iteration k: tile k's inputs are in (a), tile k - 2's output has
   * left its buffer (b), the cores are free (c). */
  for (uint32_t k = 0; k < count; ++k) {
    const uint32_t n = r->me.replica + k * step, half = k & 1u;
    const uint32_t t = n % L->tiles, ox0 = t * L->tile_w, tw = df_tile_width(L->tile_w, L->out_w, t);
    if (me == 0) {
      gather_inputs(r, in0, k);
      cluster_phase(CLUSTER_PHASE_COMMUNICATION);
      df_flow_wait_delivered(k);
    }
    cluster_phase(CLUSTER_PHASE_SYNCHRONIZATION);
    eu_barrier();
    cluster_phase(CLUSTER_PHASE_COMPUTE);
    const uint32_t out = pool ? a->out_buf + half * a->out_half : d->out_buf + half * d->out_half;
    if (pool) {
      const df_window_t win = {(const int8_t*)(uintptr_t)(a->in_buf + (k % a->in_slots) * a->in_slot), a->C, L->in_h,
                               a->pitch / a->C, (int32_t)(ox0 * a->s) - (int32_t)a->p, L->in_w};
      if (L->op == VPMAP_OP_DWCONV)
        df_dwconv_tile((int8_t*)(uintptr_t)out, &win, L->out_h, ox0, ox0 + tw, &df_dw);
      else
        kern_pool_mode((int8_t*)(uintptr_t)out, &win, L->out_h, ox0, ox0 + tw, L->kernel, L->stride, L->padding,
                       L->op == VPMAP_OP_MAXPOOL, L->op == VPMAP_OP_AVGPOOL ? L->adc_shift : 0u);
    } else if (reduce) {
      const uint32_t src = f->port_base[DF_PORT_PARTIALS] + (k % f->port_slots[DF_PORT_PARTIALS]) * f->port_slot_bytes[DF_PORT_PARTIALS];
      const uint32_t px = (uint32_t)L->out_h * tw;
      if (d->psum == 2u) { /* int16 partial sums (vpmap_psum_bytes) */
        int16_t* s16 = (int16_t*)(uintptr_t)src;
        if (d->wide) {
          kern_reduce16((int16_t*)(uintptr_t)out, s16, d->fan_in, d->child_stride, px * d->ncols);
        } else {
          uint32_t fan = d->fan_in;
#if VP_XCV
          if (fan > 2u) { /* sum the tiles into the first one, packed (two sums a word), then requantize it alone */
            kern_reduce16(s16, s16, fan, d->child_stride, px * d->ncols);
            fan = 1u;
            cluster_phase(CLUSTER_PHASE_SYNCHRONIZATION);
            eu_barrier();
            cluster_phase(CLUSTER_PHASE_COMPUTE);
          }
#endif
          kern_reduce_requant_q16((int8_t*)(uintptr_t)out, d->ncols, s16, fan, d->child_stride, px, d->ncols, &df_quant);
        }
      } else if (d->wide) {
        kern_reduce((int32_t*)(uintptr_t)out, (const int32_t*)(uintptr_t)src, d->fan_in, d->child_stride, px * d->ncols);
      } else {
        kern_reduce_requant_q((int8_t*)(uintptr_t)out, d->ncols, (const int32_t*)(uintptr_t)src, d->fan_in,
                              d->child_stride, px, d->ncols, &df_quant);
      }
    } else { /* residual add */
      kern_add_rescaled((int8_t*)(uintptr_t)out,
               (const int8_t*)(uintptr_t)(f->port_base[DF_PORT_A] + (k % f->port_slots[DF_PORT_A]) * f->port_slot_bytes[DF_PORT_A]),
               (const int8_t*)(uintptr_t)(f->port_base[DF_PORT_B] + (k % f->port_slots[DF_PORT_B]) * f->port_slot_bytes[DF_PORT_B]),
               (uint32_t)L->out_h * tw * d->ncols, L->mult & 0xFFFF, (int32_t)((uint32_t)L->mult >> 16), L->shift,
               L->relu, L->act_max);
    }
    /* Clip's lower bound (act_floor.h) over the int8 tile: a depthwise conv's, the last reduction level's, an add's */
    if (df_needs_floor(L) && !(reduce && d->wide) && (!pool || L->op == VPMAP_OP_DWCONV)) {
      cluster_phase(CLUSTER_PHASE_SYNCHRONIZATION);
      eu_barrier();
      cluster_phase(CLUSTER_PHASE_COMPUTE);
      df_act_floor((int8_t*)(uintptr_t)out, (uint32_t)L->out_h * tw * (pool ? L->out_c : d->ncols), L->act_min);
    }
    cluster_phase(CLUSTER_PHASE_SYNCHRONIZATION);
    eu_barrier(); /* tile k computed: its inputs are free, its output complete */
    if (me == 0) {
      if (pool && f->hbm_in) {
        if (k + a->in_slots < count) df_fetch_input(a, n + a->in_slots * step, k % a->in_slots);
      } else {
        df_flow_release(reduce ? DF_PORT_PARTIALS : DF_PORT_A, k, count);
      }
      df_flow_deliver(n, k, out);
    }
  }
  if (me == 0) {
    cluster_phase(CLUSTER_PHASE_COMMUNICATION);
    dma_wait_sleep(DF_DMA_OUT);
  }
  cluster_phase(CLUSTER_PHASE_COMPUTE);
  return DF_OK;
}
