/* A cluster's stage: geometry, buffers and input windows (stage.h). */
#include "dataflow/stage.h"

#include <stdio.h>
#include <string.h>

#include "dataflow/flow.h"
#include "hal/dma.h"

df_stage_t df_stage;
volatile int df_stage_rc;

void df_fetch_input(const df_stage_t* a, uint32_t n, uint32_t slot) {
  const vpmap_layer_t* L = a->L;
  const df_tile_t t = df_tile_of(a, n);
  const uint32_t buf = a->in_buf + slot * a->in_slot;
  int32_t x_end = t.x_first + (int32_t)((t.tw - 1) * a->s + a->kw);
  if (x_end > t.x_first + (int32_t)(a->pitch / a->C)) x_end = t.x_first + (int32_t)(a->pitch / a->C);
  const int32_t v0 = t.x_first < 0 ? 0 : t.x_first, v1 = x_end > (int32_t)L->in_w ? (int32_t)L->in_w : x_end;
  const uint32_t left = (uint32_t)(v0 - t.x_first) * a->C, right = (uint32_t)(x_end - v1) * a->C;
  if (left || right)
    for (uint32_t y = 0; y < L->in_h; ++y) {
      int8_t* row = (int8_t*)(uintptr_t)(buf + y * a->pitch);
      memset(row, 0, left);
      memset(row + (uint32_t)(v1 - t.x_first) * a->C, 0, right);
    }
  if (v1 > v0)
    dma_start_2d(DF_DMA_IN, buf + left, a->in_region + t.img * a->in_size + (uint32_t)v0 * a->C,
                 (uint32_t)(v1 - v0) * a->C, L->in_h, a->pitch, (uint32_t)L->in_w * a->C);
}

int df_prepare_stage(const df_role_t* r, df_stage_t* a, int analog) {
  const vpmap_cluster_t* me = &r->me;
  const vpmap_layer_t* L = &r->layers[me->layer];
  memset(a, 0, sizeof *a);
  a->L = L;
  a->C = L->in_c;
  if (L->op == VPMAP_OP_FC) {
    a->kh = L->in_h, a->kw = L->in_w, a->s = 1, a->p = 0;
  } else {
    a->kh = a->kw = L->kernel, a->s = L->stride, a->p = L->padding;
  }
  a->pack = analog && L->pack > 1 ? L->pack : 1u;
  a->run = ((a->pack - 1u) * a->s + a->kw) * a->C;
  a->r0 = me->row0, a->r1 = me->row1, a->ncols = analog ? me->col1 - me->col0 : L->out_c;
  if (a->pack > 1u) a->r0 = 0, a->r1 = a->kh * a->run; /* the packed crossbar's rows (one crossbar: no row split) */
  a->pitch = df_geom_input(L).pitch;
  uint32_t in_sz, ima_sz, out_sz;
  const int wide = analog && L->n_levels > 0;
  a->in_buf = df_buffer_of(r, VPMAP_BUF_INPUT, &in_sz);
  a->ima_buf = analog ? df_buffer_of(r, VPMAP_BUF_IMA_OUT, &ima_sz) : (ima_sz = 0, 0u);
  a->out_buf = wide ? (out_sz = 0, 0u) : df_buffer_of(r, VPMAP_BUF_OUTPUT, &out_sz);
  a->in_slot = L->in_h * a->pitch, a->in_slots = a->in_slot ? in_sz / a->in_slot : 0;
  a->ima_half = ima_sz / 2, a->out_half = out_sz / 2;
  a->in_region = r->in_region;
  a->in_size = (uint32_t)L->in_c * L->in_h * L->in_w;
  a->adc_shift = L->adc_shift;
  a->psum = vpmap_layer_psum(L);
  const uint32_t tile_px = (uint32_t)L->out_h * L->tile_w;
  const int ima_ok = !analog || (a->ima_buf && a->ima_half >= tile_px * a->ncols * a->psum && (r->hdr.flags & VPMAP_FLAG_QUANT));
  if (!a->in_buf || (!wide && (!a->out_buf || a->out_half < tile_px * a->ncols)) || a->in_slots < 2u ||
      (df_flow.hbm_in && !a->in_region) || !ima_ok) {
    printf("cluster %u: dataflow: layer %.24s: buffers (input %u, ima_out %u, output %u bytes), HBM regions or "
           "quantization do not fit a %ux%u tile\n",
           (unsigned)r->cluster, L->name, (unsigned)in_sz, (unsigned)ima_sz, (unsigned)out_sz, (unsigned)L->out_h,
           (unsigned)L->tile_w);
    return DF_ERR_ROLE;
  }
  return DF_OK;
}


void df_wait_window(uint32_t in0, uint32_t k) {
  cluster_phase(CLUSTER_PHASE_COMMUNICATION);
  if (df_flow.hbm_in) {
    dma_wait_count(DF_DMA_IN, in0 + k + 1u);
  } else {
    cluster_phase(CLUSTER_PHASE_WAIT_INPUT);
    df_flow_wait_inputs(DF_PORT_A, k);
  }
}

void df_start_window(const df_stage_t* a, uint32_t count) {
  if (!df_flow.hbm_in) {
    df_flow_release(DF_PORT_A, (uint32_t)-1, count);
    return;
  }
  for (uint32_t k = 0; k < count && k < a->in_slots; ++k) df_fetch_input(a, df_flow.replica + k * df_flow.replicas, k);
}
