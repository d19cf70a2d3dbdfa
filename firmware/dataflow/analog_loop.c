/* The analog tile loop: core 0 drives the IMA and the flow, the other cores
 * requantize the previous tile meanwhile (runtime.h, docs/dataflow.md). */
#include <string.h>

#include "dataflow/act_floor.h"
#include "dataflow/flow.h"
#include "dataflow/kernels.h"
#include "dataflow/stage.h"
#include "hal/dma.h"
#include "hal/event_unit.h"
#include "hal/ima.h"

/* Sequences triggered and the done count that closes each tile; what to do
 * when the previous tile's IMA work is complete. */
typedef struct {
  uint32_t issued;   /* IMA sequences triggered, modulo 2^16 */
  uint32_t target;   /* done count at which the previous tile is complete */
  int signalled;     /* the previous tile has been handed to the workers */
  uint32_t k, count; /* the tile being issued (local index) and the cluster's tile count */
  int wide;          /* a reduction tree follows (row split, or a requantization node): int32 partial sums out, no requantization */
} ima_track_t;

static int ima_reached(uint32_t target) { return ((ima_done_count() - target) & 0xFFFFu) < 0x8000u; }

static int workers_done; /* core 0: DF_EV_DONE seen */

/* Requantization of `rows` pixels of the IMA output at `src` (the layer's partial-sum size) into dst. */
static void requant_tile(const df_stage_t* a, uint32_t dst, uint32_t src, uint32_t rows) {
  if (a->psum == 2u)
    kern_reduce_requant_q16((int8_t*)(uintptr_t)dst, a->ncols, (const int16_t*)(uintptr_t)src, 1, 0, rows, a->ncols,
                            &df_quant);
  else
    kern_reduce_requant_q((int8_t*)(uintptr_t)dst, a->ncols, (const int32_t*)(uintptr_t)src, 1, 0, rows, a->ncols,
                          &df_quant);
}

/* A cluster of one core (an analog cluster of section VI): core 0
 * requantizes tile `done` itself, and then it is as if the workers were done. */
static void requantize_alone(const df_stage_t* a, uint32_t done) {
  const vpmap_layer_t* L = a->L;
  const uint32_t half = done & 1u;
  const df_tile_t t = df_tile_of(a, df_flow.replica + done * df_flow.replicas);
  cluster_phase(CLUSTER_PHASE_COMPUTE);
  requant_tile(a, a->out_buf + half * a->out_half, a->ima_buf + half * a->ima_half, (uint32_t)L->out_h * t.tw);
  if (df_needs_floor(L)) /* core 0 is the whole team here: no barrier */
    df_act_floor((int8_t*)(uintptr_t)(a->out_buf + half * a->out_half), (uint32_t)L->out_h * t.tw * a->ncols, L->act_min);
  workers_done = 1;
}

/* Core 0, once tile k - 1's IMA work is complete: its input slot is free
 * (refill it from the HBM, or hand it back to the producers), and, once its
 * output buffer has left, the workers may requantize it. */
static void previous_tile_done(const df_stage_t* a, ima_track_t* tr) {
  if (tr->signalled) return;
  tr->signalled = 1;
  const uint32_t done = tr->k - 1u;
  if (df_flow.hbm_in) {
    if (done + a->in_slots < tr->count)
      df_fetch_input(a, df_flow.replica + (done + a->in_slots) * df_flow.replicas, done % a->in_slots);
  } else {
    df_flow_release(DF_PORT_A, done, tr->count);
  }
  if (tr->wide) return;
  cluster_phase(CLUSTER_PHASE_COMMUNICATION);
  df_flow_wait_delivered(done);
  if (num_cores() == 1) {
    requantize_alone(a, done);
    return;
  }
  cluster_phase(CLUSTER_PHASE_SYNCHRONIZATION);
  eu_trigger_sw(EU_BASE, DF_EV_TILE, ((1u << num_cores()) - 1u) & ~1u);
}

/* Core 0: one sequence; waits (asleep) for room in the IMA's queue and,
 * meanwhile, for the end of the previous tile. */
static void trigger(const df_stage_t* a, ima_track_t* tr, const ima_job_t* j) {
  cluster_phase(CLUSTER_PHASE_IMA);
  for (;;) {
    if (!tr->signalled && ima_reached(tr->target)) {
      previous_tile_done(a, tr);
      cluster_phase(CLUSTER_PHASE_IMA);
    }
    if (ima_queued() == 0) break;
    eu_wait_any((1u << EU_LINE_IMA_READY) | (1u << EU_LINE_IMA_DONE));
  }
  ima_program_job(j);
  ima_trigger();
  tr->issued = (tr->issued + 1u) & 0xFFFFu;
  cluster_phase(CLUSTER_PHASE_SYNCHRONIZATION);
}

/* One sequence of jobs sharing the valid rows [lo, hi) of the patch vector,
 * each giving `px` adjacent output pixels (a packed group, or one pixel);
 * `base` is job 0's patch origin (ky = 0, kx = 0) in the window, which may lie
 * above the buffer for rows in the top padding (never read). */
static int sequence(const df_stage_t* a, ima_track_t* tr, int32_t base, uint32_t src_stride, uint32_t dst,
                    uint32_t dst_stride, uint32_t jobs, uint32_t lo, uint32_t hi, uint32_t px) {
  if (lo < a->r0) lo = a->r0;
  if (hi > a->r1) hi = a->r1;
  if (hi <= lo) { /* the whole chunk is padding: its ADC outputs are 0 */
    for (uint32_t j = 0; j < jobs; ++j) memset((void*)(uintptr_t)(dst + j * dst_stride), 0, px * a->ncols * a->psum);
    return DF_OK;
  }
  const uint32_t ky = lo / a->run, off = lo % a->run, n = hi - lo;
  ima_job_t j = {.src = (uint32_t)(base + (int32_t)(ky * a->pitch + off)), .dst = dst, .src_stride = src_stride,
                 .dst_stride = dst_stride, .row0 = lo - a->r0, .rows = n, .col0 = 0, .cols = px * a->ncols,
                 .jobs = jobs, .out_size = a->psum, .adc_shift = (int32_t)a->adc_shift, .block_len = 0, .block_stride = 0};
  if (n > a->run - off) { /* spans kernel rows: gathered, entered `off` bytes into the first */
    j.block_len = a->run;
    j.block_stride = a->pitch;
    j.block_offset = off;
  }
  trigger(a, tr, &j);
  return DF_OK;
}

/* Core 0: the sequences of one output row (origin `org`, rows [lo, hi) of
 * the patch vector): its groups of a->pack pixels in one sequence, and a
 * narrower last group in its own (fewer crossbar columns, so that nothing is
 * written past the row). Unpacked, one sequence of tw pixels. */
static int row_groups(const df_stage_t* a, ima_track_t* tr, int32_t org, uint32_t dst, uint32_t tw, uint32_t lo,
                      uint32_t hi) {
  const uint32_t k = a->pack, whole = tw / k, rest = tw % k, px = a->ncols * a->psum;
  int rc = DF_OK;
  if (whole) rc = sequence(a, tr, org, k * a->s * a->C, dst, k * px, whole, lo, hi, k);
  if (rest && rc == DF_OK)
    rc = sequence(a, tr, org + (int32_t)(whole * k * a->s * a->C), k * a->s * a->C, dst + whole * k * px, k * px, 1,
                  lo, hi, rest);
  return rc;
}

/* Core 0: every IMA sequence of tile n (input buffer `half`, IMA output
 * buffer `half`). Rows whose window lies inside the map share one sequence
 * per output column or packed group of columns (or per row, whichever is
 * fewer); rows touching the vertical padding get one sequence each with the
 * padded kernel rows left out (their crossbar rows would multiply zeros). */
static int issue_tile(const df_stage_t* a, ima_track_t* tr, uint32_t n, uint32_t half, uint32_t in_slot) {
  const vpmap_layer_t* L = a->L;
  const df_tile_t t = df_tile_of(a, n);
  const int32_t win = (int32_t)(a->in_buf + in_slot * a->in_slot);
  const uint32_t ima = a->ima_buf + half * a->ima_half, px = a->ncols * a->psum;
  const uint32_t s = a->s, p = a->p, H = L->in_h;
  uint32_t oy_a = (p + s - 1) / s, oy_b = H + p >= a->kh ? (H + p - a->kh) / s + 1 : 0;
  if (oy_b > L->out_h) oy_b = L->out_h;
  if (oy_b < oy_a) oy_b = oy_a;
  const uint32_t full = a->kh * a->run;
  int rc = DF_OK;
  /* origin of output (oy, x): window row oy*s - p, column x*s */
  for (uint32_t oy = 0; oy < L->out_h && rc == DF_OK; ++oy) {
    const int32_t org = win + ((int32_t)(oy * s) - (int32_t)p) * (int32_t)a->pitch;
    if (oy >= oy_a && oy < oy_b) {
      const uint32_t groups = (t.tw + a->pack - 1u) / a->pack;
      if (oy_b - oy_a >= groups) {
        if (oy != oy_a) continue; /* interior rows go group by group, all at once */
        for (uint32_t x = 0; x < t.tw && rc == DF_OK; x += a->pack)
          rc = sequence(a, tr, org + (int32_t)(x * s * a->C), s * a->pitch, ima + (oy * t.tw + x) * px, t.tw * px,
                        oy_b - oy_a, 0, full, t.tw - x < a->pack ? t.tw - x : a->pack);
        continue;
      }
      rc = row_groups(a, tr, org, ima + oy * t.tw * px, t.tw, 0, full);
      continue;
    }
    const int32_t y0 = (int32_t)(oy * s) - (int32_t)p;
    const uint32_t ky_lo = y0 < 0 ? (uint32_t)(-y0) : 0;
    const uint32_t ky_hi = (int32_t)(y0 + (int32_t)a->kh) > (int32_t)H ? (uint32_t)((int32_t)H - y0) : a->kh;
    rc = row_groups(a, tr, org, ima + oy * t.tw * px, t.tw, ky_lo * a->run, ky_hi * a->run);
  }
  return rc;
}

/* Core 0: tile k - 1 leaves as soon as the IMA and the workers are done with
 * it, so a consumer waiting for it never waits for this cluster's next input. */
static int try_deliver(const df_stage_t* a, ima_track_t* tr, uint32_t* delivered) {
  const uint32_t k = tr->k;
  if (k == 0 || *delivered >= k) return 1;
  if (!tr->signalled && ima_reached(tr->target)) previous_tile_done(a, tr);
  if (!tr->signalled) return 0;
  if (!tr->wide) {
    if (eu_take(1u << DF_EV_DONE)) workers_done = 1;
    if (!workers_done) return 0;
    workers_done = 0;
  }
  const uint32_t n = df_flow.replica + (k - 1u) * df_flow.replicas, half = (k - 1u) & 1u;
  df_flow_deliver(n, k - 1u, tr->wide ? a->ima_buf + half * a->ima_half : a->out_buf + half * a->out_half);
  *delivered = k;
  return 1;
}

int df_run_analog(const df_role_t* r) {
  const uint32_t me = core_id();
  df_stage_t* a = &df_stage;
  if (me == 0) {
    df_stage_rc = df_prepare_stage(r, a, 1);
    /* core 0 drives DMA and IMA, the others compute (section IV-5); alone, core 0 does both */
    if (num_cores() > 1)
      df_set_team(1, num_cores() - 1);
    else
      df_set_team(0, 1);
  }
  eu_barrier();
  if (df_stage_rc != DF_OK) return df_stage_rc;
  /* From here the workers meet among themselves (they start only on core 0's
   * first DF_EV_TILE, after this write); core 0 hears of it by DF_EV_DONE. */
  if (me == 0 && num_cores() > 1) *hal_reg(EU_BASE + EU_BARRIER_MASK) = ((1u << num_cores()) - 1u) & ~1u;
  const vpmap_layer_t* L = a->L;
  const uint32_t step = L->replicas, count = df_local_tiles(r);
  const int wide = L->n_levels > 0;
  int rc = DF_OK;
  if (me == 0) {
    ima_track_t tr = {ima_done_count(), 0, 1, 0, count, wide};
    const uint32_t in0 = dma_done_count(DF_DMA_IN);
    uint32_t delivered = 0;
    workers_done = 0;
    df_start_window(a, count);
    for (uint32_t k = 0; k <= count; ++k) {
      const uint32_t n = r->me.replica + k * step, half = k & 1u;
      tr.target = tr.issued;
      tr.signalled = k == 0;
      tr.k = k;
      if (k < count) {
        /* (a) tile k's input window is in; meanwhile tile k - 1 may finish
         * (its input slot goes back to the producers, its output leaves). */
        cluster_phase(CLUSTER_PHASE_WAIT_INPUT);
        for (;;) {
          try_deliver(a, &tr, &delivered);
          if (df_flow.hbm_in ? dma_done_reached(DF_DMA_IN, in0 + k + 1u) : df_flow_inputs_ready(DF_PORT_A, k))
            break;
          /* a delivery or the workers' start above marked its own phase: the wait is for the input */
          cluster_phase(CLUSTER_PHASE_WAIT_INPUT);
          if (eu_wait_any((1u << DF_EV_DATA) | (1u << EU_LINE_IMA_DONE) | (1u << DF_EV_DONE) |
                          (1u << EU_LINE_DMA(DMA_EVENT_DONE(DF_DMA_IN)))) & (1u << DF_EV_DONE))
            workers_done = 1;
        }
        if (wide) { /* the IMA output buffer of tile k - 2 has left */
          cluster_phase(CLUSTER_PHASE_COMMUNICATION);
          df_flow_wait_delivered(k);
        }
        if (rc == DF_OK) rc = issue_tile(a, &tr, n, half, k % a->in_slots);
      }
      /* (b) + (c): tile k - 1 done by the IMA and the workers, then sent. */
      cluster_phase(CLUSTER_PHASE_IMA);
      while (!try_deliver(a, &tr, &delivered))
        if (eu_wait_any((1u << EU_LINE_IMA_DONE) | (1u << DF_EV_DONE)) & (1u << DF_EV_DONE)) workers_done = 1;
    }
    cluster_phase(CLUSTER_PHASE_COMMUNICATION);
    dma_wait_sleep(DF_DMA_OUT);
    cluster_phase(CLUSTER_PHASE_COMPUTE);
    if (num_cores() > 1) *hal_reg(EU_BASE + EU_BARRIER_MASK) = (1u << num_cores()) - 1u;
    df_set_team(0, 0); /* every worker is past its last kernel */
  } else if (!wide) {
    for (uint32_t k = 1; k <= count; ++k) {
      const uint32_t half = (k - 1u) & 1u;
      const df_tile_t t = df_tile_of(a, r->me.replica + (k - 1u) * step);
      cluster_phase(CLUSTER_PHASE_SYNCHRONIZATION);
      eu_wait_line(DF_EV_TILE);
      cluster_phase(CLUSTER_PHASE_COMPUTE);
      requant_tile(a, a->out_buf + half * a->out_half, a->ima_buf + half * a->ima_half, (uint32_t)L->out_h * t.tw);
      if (df_needs_floor(L)) { /* Clip's lower bound (act_floor.h), once the whole tile is requantized */
        cluster_phase(CLUSTER_PHASE_SYNCHRONIZATION);
        eu_barrier(); /* the workers only */
        cluster_phase(CLUSTER_PHASE_COMPUTE);
        df_act_floor((int8_t*)(uintptr_t)(a->out_buf + half * a->out_half), (uint32_t)L->out_h * t.tw * a->ncols,
                     L->act_min);
      }
      cluster_phase(CLUSTER_PHASE_SYNCHRONIZATION);
      eu_barrier(); /* the workers only */
      if (me == 1) eu_trigger_sw(EU_BASE, DF_EV_DONE, 1u);
    }
  }
  cluster_phase(CLUSTER_PHASE_COMPUTE);
  return rc;
}
