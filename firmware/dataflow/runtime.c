/* The dataflow runtime: see runtime.h and docs/dataflow.md. */
#include "runtime.h"

#include <stdio.h>
#include <string.h>

#include "dataflow/flow.h"
#include "dataflow/kernels.h"
#include "hal/cluster.h"
#include "hal/dma.h"
#include "hal/event_unit.h"
#include "hal/ima.h"
#include "weights_format.h"

/* In .data, not .bss: the host writes it after loading the ELF and
 * cluster_start() must not clear it. */
df_boot_t df_boot __attribute__((section(".data.df_boot"), used)) = {0};

#define DMA_IN 0u  /* channel: inputs toward this cluster */
#define DMA_OUT 1u /* channel: outputs toward consumers */

static uint32_t l1(uint32_t offset) { return CLUSTER_LOCAL_BASE + offset; }

/* Core 0: copies bytes of global memory into L1 and sleeps until done. */
static void dma_get(void* dst, uint32_t src, uint32_t bytes) { dma_copy_sleep(DMA_IN, dst, src, bytes); }

int df_load_role(df_role_t* r) {
  memset(r, 0, sizeof *r);
  r->cluster = cluster_id();
  if (df_boot.magic != DF_BOOT_MAGIC || df_boot.version != DF_BOOT_VERSION) {
    printf("cluster %u: dataflow: no boot record (df_boot magic 0x%08x): the host must write it\n",
           (unsigned)r->cluster, (unsigned)df_boot.magic);
    return DF_ERR_BOOT;
  }
  const uint32_t m = df_boot.mapping;
  dma_get(&r->hdr, m, sizeof r->hdr);
  const vpmap_header_t* h = &r->hdr;
  if (h->magic != VPMAP_MAGIC || h->version != VPMAP_VERSION || h->header_bytes != sizeof *h) {
    printf("cluster %u: dataflow: mapping at 0x%08x: bad magic/version/header (0x%08x, %u, %u)\n",
           (unsigned)r->cluster, (unsigned)m, (unsigned)h->magic, (unsigned)h->version, (unsigned)h->header_bytes);
    return DF_ERR_MAPPING;
  }
  if (r->cluster >= h->n_clusters) return DF_OK; /* not used by this mapping: role 0 */
  dma_get(&r->me, m + h->cluster_offset + r->cluster * (uint32_t)sizeof(vpmap_cluster_t), sizeof r->me);
  const vpmap_cluster_t* me = &r->me;
  if (h->n_layers > DF_MAX_LAYERS || me->n_in_edges > DF_MAX_EDGES || me->n_out_edges > DF_MAX_EDGES ||
      me->n_buffers > DF_MAX_BUFFERS) {
    printf("cluster %u: dataflow: %u layers, %u/%u edges, %u buffers exceed the runtime's tables (%u, %u, %u)\n",
           (unsigned)r->cluster, (unsigned)h->n_layers, (unsigned)me->n_in_edges, (unsigned)me->n_out_edges,
           (unsigned)me->n_buffers, DF_MAX_LAYERS, DF_MAX_EDGES, DF_MAX_BUFFERS);
    return DF_ERR_TOO_BIG;
  }
  dma_get(r->layers, m + h->layer_offset, h->n_layers * (uint32_t)sizeof(vpmap_layer_t));
  if (me->n_in_edges)
    dma_get(r->in_edges, m + h->in_edge_offset + me->first_in_edge * (uint32_t)sizeof(vpmap_edge_t),
            me->n_in_edges * (uint32_t)sizeof(vpmap_edge_t));
  if (me->n_out_edges)
    dma_get(r->out_edges, m + h->out_edge_offset + me->first_out_edge * (uint32_t)sizeof(vpmap_edge_t),
            me->n_out_edges * (uint32_t)sizeof(vpmap_edge_t));
  if (me->n_buffers)
    dma_get(r->buffers, m + h->buffer_offset + me->first_buffer * (uint32_t)sizeof(vpmap_buffer_t),
            me->n_buffers * (uint32_t)sizeof(vpmap_buffer_t));
  /* The HBM regions this cluster reads or writes: the network input, its layer's output. */
  for (uint32_t i = 0; i < h->n_hbm_buffers; ++i) {
    vpmap_buffer_t b;
    dma_get(&b, m + h->buffer_offset + (h->first_hbm_buffer + i) * (uint32_t)sizeof b, sizeof b);
    if (b.kind == VPMAP_BUF_INPUT) r->in_region = df_boot.hbm_base + b.offset;
    if (b.kind == VPMAP_BUF_OUTPUT && b.layer == me->layer) r->out_region = df_boot.hbm_base + b.offset;
  }
  return DF_OK;
}

/* Rows of the layer's weight matrix and its kernel window (an FC layer is a
 * window over the whole input). */
static uint32_t layer_rows(const vpmap_layer_t* L) {
  return L->op == VPMAP_OP_FC ? (uint32_t)L->in_c * L->in_h * L->in_w : (uint32_t)L->kernel * L->kernel * L->in_c;
}

int df_program_weights(const df_role_t* r, uint32_t scratch, uint32_t scratch_bytes) {
  const vpmap_cluster_t* me = &r->me;
  const vpmap_layer_t* L = &r->layers[me->layer];
  uint32_t ordinal = 0; /* the VPWT file has one record per analog layer, in network order */
  for (uint32_t i = 0; i < me->layer; ++i) ordinal += r->layers[i].op == VPMAP_OP_CONV || r->layers[i].op == VPMAP_OP_FC;
  vpwt_header_t head;
  dma_get(&head, df_boot.weights, sizeof head);
  if (head.magic != VPWT_MAGIC || head.version != VPWT_VERSION || head.records <= ordinal) {
    printf("cluster %u: dataflow: weights at 0x%08x: bad magic/version or %u records for analog layer %u\n",
           (unsigned)r->cluster, (unsigned)df_boot.weights, (unsigned)head.records, (unsigned)ordinal);
    return DF_ERR_WEIGHTS;
  }
  uint32_t pos = df_boot.weights + sizeof head;
  vpwt_record_t rec;
  for (uint32_t k = 0;; ++k) {
    dma_get(&rec, pos, sizeof rec);
    if (k == ordinal) break;
    pos += sizeof rec + rec.rows * rec.cols;
  }
  if (rec.rows != layer_rows(L) || rec.cols != L->out_c || strncmp(rec.name, L->name, sizeof L->name) != 0) {
    printf("cluster %u: dataflow: weights record %u is %.24s %ux%u, the mapping's layer %.24s needs %ux%u\n",
           (unsigned)r->cluster, (unsigned)ordinal, rec.name, (unsigned)rec.rows, (unsigned)rec.cols, L->name,
           (unsigned)layer_rows(L), (unsigned)L->out_c);
    return DF_ERR_WEIGHTS;
  }
  /* The crossbar block: rows [row0, row1), columns [col0, col1) of the matrix,
   * staged through L1 in slices, each row padded to whole register words. */
  const uint32_t ncols = me->col1 - me->col0, pitch = (ncols + 3u) & ~3u;
  const uint32_t slice = scratch_bytes / pitch;
  int8_t* buf = (int8_t*)(uintptr_t)scratch;
  for (uint32_t r0 = me->row0; r0 < me->row1; r0 += slice) {
    const uint32_t n = me->row1 - r0 < slice ? me->row1 - r0 : slice;
    dma_start_2d(DMA_IN, scratch, pos + sizeof rec + r0 * rec.cols + me->col0, ncols, n, pitch, rec.cols);
    dma_wait_sleep(DMA_IN);
    for (uint32_t i = 0; i < n; ++i) memset(buf + i * pitch + ncols, 0, pitch - ncols);
    ima_write_weights(r0 - me->row0, 0, n, pitch, buf);
  }
  return DF_OK;
}

/* ----- the analog tile loop -------------------------------------------- */

/* Geometry of an analog layer's tiles on this cluster. */
typedef struct {
  const vpmap_layer_t* L;
  uint32_t kh, kw, s, p, C, run;        /* window; run = kw * C bytes per kernel row */
  uint32_t r0, r1, ncols;               /* crossbar: layer rows [r0, r1), columns */
  uint32_t pitch;                       /* bytes per row of an input window buffer */
  uint32_t in_buf, in_slot, in_slots, ima_buf, ima_half, out_buf, out_half; /* input: in_slots windows */
  uint32_t in_region, in_size;
  uint32_t adc_shift;
} analog_t;

typedef struct {
  uint32_t img, ox0, tw;  /* image, first output column, columns */
  int32_t x_first;        /* map column of the window's column 0 */
} tile_t;

static tile_t tile_of(const analog_t* a, uint32_t n) {
  const vpmap_layer_t* L = a->L;
  tile_t t;
  t.img = n / L->tiles;
  t.ox0 = (n % L->tiles) * L->tile_w;
  t.tw = (t.ox0 + L->tile_w <= L->out_w ? L->tile_w : L->out_w - t.ox0);
  t.x_first = (int32_t)(t.ox0 * a->s) - (int32_t)a->p;
  return t;
}

/* Core 0: DMA of tile n's input window (all rows, columns with halo) from
 * the HBM into input slot `slot`; padding columns are zeroed here. */
static void fetch_input(const analog_t* a, uint32_t n, uint32_t slot) {
  const vpmap_layer_t* L = a->L;
  const tile_t t = tile_of(a, n);
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
    dma_start_2d(DMA_IN, buf + left, a->in_region + t.img * a->in_size + (uint32_t)v0 * a->C,
                 (uint32_t)(v1 - v0) * a->C, L->in_h, a->pitch, (uint32_t)L->in_w * a->C);
}

/* Sequences triggered and the done count that closes each tile; what to do
 * when the previous tile's IMA work is complete. */
typedef struct {
  uint32_t issued;   /* IMA sequences triggered, modulo 2^16 */
  uint32_t target;   /* done count at which the previous tile is complete */
  int signalled;     /* the previous tile has been handed to the workers */
  uint32_t k, count; /* the tile being issued (local index) and the cluster's tile count */
  int wide;          /* row split: the IMA output goes out as int32 partial sums, no requantization */
} ima_track_t;

static int ima_reached(uint32_t target) { return ((ima_done_count() - target) & 0xFFFFu) < 0x8000u; }

/* Core 0, once tile k - 1's IMA work is complete: its input slot is free
 * (refill it from the HBM, or hand it back to the producers), and, once its
 * output buffer has left, the workers may requantize it. */
static void previous_tile_done(const analog_t* a, ima_track_t* tr) {
  if (tr->signalled) return;
  tr->signalled = 1;
  const uint32_t done = tr->k - 1u;
  if (df_flow.hbm_in) {
    if (done + a->in_slots < tr->count)
      fetch_input(a, df_flow.replica + (done + a->in_slots) * df_flow.replicas, done % a->in_slots);
  } else {
    df_flow_release(DF_PORT_A, done, tr->count);
  }
  if (tr->wide) return;
  cluster_phase(CLUSTER_PHASE_COMMUNICATION);
  df_flow_wait_delivered(done);
  cluster_phase(CLUSTER_PHASE_SYNCHRONIZATION);
  eu_trigger_sw(EU_BASE, DF_EV_TILE, ((1u << num_cores()) - 1u) & ~1u);
}

/* Core 0: one sequence; waits (asleep) for room in the IMA's queue and,
 * meanwhile, for the end of the previous tile. */
static void trigger(const analog_t* a, ima_track_t* tr, const ima_job_t* j) {
  cluster_phase(CLUSTER_PHASE_IMA);
  for (;;) {
    if (!tr->signalled && ima_reached(tr->target)) previous_tile_done(a, tr);
    if (ima_queued() == 0) break;
    eu_wait_any((1u << EU_LINE_IMA_READY) | (1u << EU_LINE_IMA_DONE));
  }
  ima_program_job(j);
  ima_trigger();
  tr->issued = (tr->issued + 1u) & 0xFFFFu;
  cluster_phase(CLUSTER_PHASE_SYNCHRONIZATION);
}

/* One sequence of jobs sharing the valid rows [lo, hi) of the patch vector;
 * `base` is job 0's patch origin (ky = 0, kx = 0) in the window, which may lie
 * above the buffer for rows in the top padding (never read). */
static int sequence(const analog_t* a, ima_track_t* tr, int32_t base, uint32_t src_stride, uint32_t dst,
                    uint32_t dst_stride, uint32_t jobs, uint32_t lo, uint32_t hi) {
  if (lo < a->r0) lo = a->r0;
  if (hi > a->r1) hi = a->r1;
  if (hi <= lo) { /* the whole chunk is padding: its ADC outputs are 0 */
    for (uint32_t j = 0; j < jobs; ++j) memset((void*)(uintptr_t)(dst + j * dst_stride), 0, a->ncols * 4u);
    return DF_OK;
  }
  const uint32_t ky = lo / a->run, off = lo % a->run, n = hi - lo;
  ima_job_t j = {.src = (uint32_t)(base + (int32_t)(ky * a->pitch + off)), .dst = dst, .src_stride = src_stride,
                 .dst_stride = dst_stride, .row0 = lo - a->r0, .rows = n, .col0 = 0, .cols = a->ncols,
                 .jobs = jobs, .out_size = 4, .adc_shift = (int32_t)a->adc_shift, .block_len = 0, .block_stride = 0};
  if (n > a->run - off) { /* spans kernel rows: gathered, entered `off` bytes into the first */
    j.block_len = a->run;
    j.block_stride = a->pitch;
    j.block_offset = off;
  }
  trigger(a, tr, &j);
  return DF_OK;
}

/* Core 0: every IMA sequence of tile n (input buffer `half`, IMA output
 * buffer `half`). Rows whose window lies inside the map share one sequence
 * per output column (or per row, whichever is fewer); rows touching the
 * vertical padding get one sequence each with the padded kernel rows left
 * out (their crossbar rows would multiply zeros). */
static int issue_tile(const analog_t* a, ima_track_t* tr, uint32_t n, uint32_t half, uint32_t in_slot) {
  const vpmap_layer_t* L = a->L;
  const tile_t t = tile_of(a, n);
  const int32_t win = (int32_t)(a->in_buf + in_slot * a->in_slot);
  const uint32_t ima = a->ima_buf + half * a->ima_half, px = a->ncols * 4u;
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
      if (oy_b - oy_a >= t.tw) {
        if (oy != oy_a) continue; /* interior rows go column by column, all at once */
        for (uint32_t x = 0; x < t.tw && rc == DF_OK; ++x)
          rc = sequence(a, tr, org + (int32_t)(x * s * a->C), s * a->pitch, ima + (oy * t.tw + x) * px, t.tw * px,
                        oy_b - oy_a, 0, full);
        continue;
      }
      rc = sequence(a, tr, org, s * a->C, ima + oy * t.tw * px, px, t.tw, 0, full);
      continue;
    }
    const int32_t y0 = (int32_t)(oy * s) - (int32_t)p;
    const uint32_t ky_lo = y0 < 0 ? (uint32_t)(-y0) : 0;
    const uint32_t ky_hi = (int32_t)(y0 + (int32_t)a->kh) > (int32_t)H ? (uint32_t)((int32_t)H - y0) : a->kh;
    rc = sequence(a, tr, org, s * a->C, ima + oy * t.tw * px, px, t.tw, ky_lo * a->run, ky_hi * a->run);
  }
  return rc;
}

static uint32_t buffer_of(const df_role_t* r, uint32_t kind, uint32_t* size) {
  for (uint32_t i = 0; i < r->me.n_buffers; ++i)
    if (r->buffers[i].kind == kind) {
      *size = r->buffers[i].size;
      return l1(r->buffers[i].offset);
    }
  *size = 0;
  return 0;
}

static analog_t setup;          /* shared by the cluster's cores (L1) */
static volatile int setup_rc;

/* Geometry and buffers of this cluster's layer; `analog`: an IMA layer (else a pool). */
static int prepare(const df_role_t* r, analog_t* a, int analog) {
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
  a->run = a->kw * a->C;
  a->r0 = me->row0, a->r1 = me->row1, a->ncols = analog ? me->col1 - me->col0 : L->out_c;
  a->pitch = df_geom_input(L).pitch;
  uint32_t in_sz, ima_sz, out_sz;
  const int wide = analog && L->row_splits > 1;
  a->in_buf = buffer_of(r, VPMAP_BUF_INPUT, &in_sz);
  a->ima_buf = analog ? buffer_of(r, VPMAP_BUF_IMA_OUT, &ima_sz) : (ima_sz = 0, 0u);
  a->out_buf = wide ? (out_sz = 0, 0u) : buffer_of(r, VPMAP_BUF_OUTPUT, &out_sz);
  a->in_slot = L->in_h * a->pitch, a->in_slots = a->in_slot ? in_sz / a->in_slot : 0;
  a->ima_half = ima_sz / 2, a->out_half = out_sz / 2;
  a->in_region = r->in_region;
  a->in_size = (uint32_t)L->in_c * L->in_h * L->in_w;
  a->adc_shift = L->adc_shift;
  const uint32_t tile_px = (uint32_t)L->out_h * L->tile_w;
  const int ima_ok = !analog || (a->ima_buf && a->ima_half >= tile_px * a->ncols * 4u && (r->hdr.flags & VPMAP_FLAG_QUANT));
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

/* Tiles of the layer's stream this cluster takes: replica, replica + replicas, ... */
static uint32_t local_tiles(const df_role_t* r) {
  const vpmap_layer_t* L = &r->layers[r->me.layer];
  const uint32_t total = df_boot.batch * L->tiles, step = L->replicas;
  return r->me.replica < total ? (total - r->me.replica + step - 1u) / step : 0u;
}

/* Core 0: sleeps until local tile k's window is in (fetched from the HBM, or pushed by the producers). */
static void wait_window(uint32_t in0, uint32_t k) {
  cluster_phase(CLUSTER_PHASE_COMMUNICATION);
  if (df_flow.hbm_in) {
    dma_wait_count(DMA_IN, in0 + k + 1u);
  } else {
    cluster_phase(CLUSTER_PHASE_SYNCHRONIZATION);
    df_flow_wait_inputs(DF_PORT_A, k);
  }
}

/* Core 0: the first two windows (both slots start free). */
static void start_window(const analog_t* a, uint32_t count) {
  if (!df_flow.hbm_in) {
    df_flow_release(DF_PORT_A, (uint32_t)-1, count);
    return;
  }
  for (uint32_t k = 0; k < count && k < a->in_slots; ++k) fetch_input(a, df_flow.replica + k * df_flow.replicas, k);
}

#define DF_EV_DONE 3u /* workers -> core 0: the tile they were given is requantized */

static int workers_done; /* core 0: DF_EV_DONE seen */

/* Core 0: tile k - 1 leaves as soon as the IMA and the workers are done with
 * it, so a consumer waiting for it never waits for this cluster's next input. */
static int try_deliver(const analog_t* a, ima_track_t* tr, uint32_t* delivered) {
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
  analog_t* a = &setup;
  if (me == 0) {
    setup_rc = prepare(r, a, 1);
    df_set_team(1, num_cores() - 1); /* core 0 drives DMA and IMA, the others compute (section IV-5) */
  }
  eu_barrier();
  if (setup_rc != DF_OK) return setup_rc;
  /* From here the workers meet among themselves (they start only on core 0's
   * first DF_EV_TILE, after this write); core 0 hears of it by DF_EV_DONE. */
  if (me == 0) *hal_reg(EU_BASE + EU_BARRIER_MASK) = ((1u << num_cores()) - 1u) & ~1u;
  const vpmap_layer_t* L = a->L;
  const uint32_t step = L->replicas, count = local_tiles(r);
  const int wide = L->row_splits > 1;
  int rc = DF_OK;
  if (me == 0) {
    ima_track_t tr = {ima_done_count(), 0, 1, 0, count, wide};
    const uint32_t in0 = dma_done_count(DMA_IN);
    uint32_t delivered = 0;
    workers_done = 0;
    start_window(a, count);
    for (uint32_t k = 0; k <= count; ++k) {
      const uint32_t n = r->me.replica + k * step, half = k & 1u;
      tr.target = tr.issued;
      tr.signalled = k == 0;
      tr.k = k;
      if (k < count) {
        /* (a) tile k's input window is in; meanwhile tile k - 1 may finish
         * (its input slot goes back to the producers, its output leaves). */
        cluster_phase(CLUSTER_PHASE_SYNCHRONIZATION);
        for (;;) {
          try_deliver(a, &tr, &delivered);
          if (df_flow.hbm_in ? dma_done_reached(DMA_IN, in0 + k + 1u) : df_flow_inputs_ready(DF_PORT_A, k))
            break;
          if (eu_wait_any((1u << DF_EV_DATA) | (1u << EU_LINE_IMA_DONE) | (1u << DF_EV_DONE) |
                          (1u << EU_LINE_DMA(DMA_EVENT_DONE(DMA_IN)))) & (1u << DF_EV_DONE))
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
    dma_wait_sleep(DMA_OUT);
    cluster_phase(CLUSTER_PHASE_COMPUTE);
    *hal_reg(EU_BASE + EU_BARRIER_MASK) = (1u << num_cores()) - 1u;
    df_set_team(0, 0); /* every worker is past its last kernel */
  } else if (!wide) {
    for (uint32_t k = 1; k <= count; ++k) {
      const uint32_t half = (k - 1u) & 1u;
      const tile_t t = tile_of(a, r->me.replica + (k - 1u) * step);
      cluster_phase(CLUSTER_PHASE_SYNCHRONIZATION);
      eu_wait_line(DF_EV_TILE);
      cluster_phase(CLUSTER_PHASE_COMPUTE);
      kern_reduce_requant((int8_t*)(uintptr_t)(a->out_buf + half * a->out_half), a->ncols,
                          (const int32_t*)(uintptr_t)(a->ima_buf + half * a->ima_half), 1, 0,
                          (uint32_t)L->out_h * t.tw, a->ncols, L->mult, L->shift, L->relu);
      cluster_phase(CLUSTER_PHASE_SYNCHRONIZATION);
      eu_barrier(); /* the workers only */
      if (me == 1) eu_trigger_sw(EU_BASE, DF_EV_DONE, 1u);
    }
  }
  cluster_phase(CLUSTER_PHASE_COMPUTE);
  return rc;
}

/* ----- the digital tile loop (pools, residual adds, reductions) ------------ */

#define DMA_RING 2u /* channel: skip inputs fetched from their ring */

typedef struct {
  uint32_t out_buf, out_half, ncols, fan_in, child_stride; /* child_stride: int32 elements between partial tiles */
  int wide;                                               /* an inner reduction level: int32 out */
} digital_t;

static digital_t dig;

static int prepare_digital(const df_role_t* r, analog_t* a, digital_t* d) {
  const vpmap_cluster_t* me = &r->me;
  const vpmap_layer_t* L = &r->layers[me->layer];
  memset(d, 0, sizeof *d);
  uint32_t size;
  if (L->op == VPMAP_OP_MAXPOOL || L->op == VPMAP_OP_AVGPOOL) return prepare(r, a, 0);
  memset(a, 0, sizeof *a);
  a->L = L;
  d->out_buf = buffer_of(r, VPMAP_BUF_OUTPUT, &size);
  d->out_half = size / 2u;
  const uint32_t tile_px = (uint32_t)L->out_h * L->tile_w;
  if (me->role == VPMAP_ROLE_REDUCE) {
    d->ncols = me->col1 - me->col0, d->fan_in = me->fan_in, d->wide = me->level < L->n_levels;
    d->child_stride = tile_px * d->ncols;
    if (!df_flow.port_base[DF_PORT_PARTIALS] || d->out_half < tile_px * d->ncols * (d->wide ? 4u : 1u)) goto bad;
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
    cluster_phase(CLUSTER_PHASE_SYNCHRONIZATION);
    df_flow_wait_inputs(DF_PORT_PARTIALS, k);
    return;
  }
  if (L->op == VPMAP_OP_ADD) {
    const df_flow_t* f = &df_flow;
    const uint32_t M = f->replica + k * f->replicas, t = M % L->tiles;
    const uint32_t tw = L->tile_w < L->out_w - t * L->tile_w ? L->tile_w : L->out_w - t * L->tile_w;
    cluster_phase(CLUSTER_PHASE_SYNCHRONIZATION);
    df_flow_wait_inputs(DF_PORT_B, k);
    cluster_phase(CLUSTER_PHASE_COMMUNICATION);
    dma_start_1d(DMA_RING, f->port_base[DF_PORT_B] + (k % f->port_slots[DF_PORT_B]) * f->port_slot_bytes[DF_PORT_B],
                 f->ring_base + (M % f->ring_slots) * f->ring_slot_bytes, (uint32_t)L->out_h * tw * L->in_c);
    dma_wait_sleep(DMA_RING);
    df_flow_release(DF_PORT_B, k, local_tiles(r)); /* the ring slot is free again */
  }
  wait_window(in0, k);
}

int df_run_digital(const df_role_t* r) {
  const uint32_t me = core_id();
  analog_t* a = &setup;
  digital_t* d = &dig;
  if (me == 0) setup_rc = prepare_digital(r, a, d);
  eu_barrier();
  if (setup_rc != DF_OK) return setup_rc;
  const vpmap_layer_t* L = &r->layers[r->me.layer];
  const df_flow_t* f = &df_flow;
  const uint32_t step = L->replicas, count = local_tiles(r);
  const int pool = L->op == VPMAP_OP_MAXPOOL || L->op == VPMAP_OP_AVGPOOL, reduce = r->me.role == VPMAP_ROLE_REDUCE;
  const uint32_t in0 = dma_done_count(DMA_IN);
  if (me == 0 && pool) start_window(a, count);
  /* No accelerator to drive: every core computes; core 0 also moves the
   * data. Iteration k: tile k's inputs are in (a), tile k - 2's output has
   * left its buffer (b), the cores are free (c). */
  for (uint32_t k = 0; k < count; ++k) {
    const uint32_t n = r->me.replica + k * step, half = k & 1u;
    const uint32_t t = n % L->tiles, ox0 = t * L->tile_w;
    const uint32_t tw = L->tile_w < L->out_w - ox0 ? L->tile_w : L->out_w - ox0;
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
      kern_pool((int8_t*)(uintptr_t)out, &win, L->out_h, ox0, ox0 + tw, L->kernel, L->stride, L->padding,
                L->op == VPMAP_OP_MAXPOOL);
    } else if (reduce) {
      const int32_t* src = (const int32_t*)(uintptr_t)(f->port_base[DF_PORT_PARTIALS] +
                                                       (k % f->port_slots[DF_PORT_PARTIALS]) * f->port_slot_bytes[DF_PORT_PARTIALS]);
      if (d->wide)
        kern_reduce((int32_t*)(uintptr_t)out, src, d->fan_in, d->child_stride, (uint32_t)L->out_h * tw * d->ncols);
      else
        kern_reduce_requant((int8_t*)(uintptr_t)out, d->ncols, src, d->fan_in, d->child_stride, (uint32_t)L->out_h * tw,
                            d->ncols, L->mult, L->shift, L->relu);
    } else { /* residual add */
      kern_add((int8_t*)(uintptr_t)out,
               (const int8_t*)(uintptr_t)(f->port_base[DF_PORT_A] + (k % f->port_slots[DF_PORT_A]) * f->port_slot_bytes[DF_PORT_A]),
               (const int8_t*)(uintptr_t)(f->port_base[DF_PORT_B] + (k % f->port_slots[DF_PORT_B]) * f->port_slot_bytes[DF_PORT_B]),
               (uint32_t)L->out_h * tw * d->ncols, L->relu);
    }
    cluster_phase(CLUSTER_PHASE_SYNCHRONIZATION);
    eu_barrier(); /* tile k computed: its inputs are free, its output complete */
    if (me == 0) {
      if (pool && f->hbm_in) {
        if (k + a->in_slots < count) fetch_input(a, n + a->in_slots * step, k % a->in_slots);
      } else {
        df_flow_release(reduce ? DF_PORT_PARTIALS : DF_PORT_A, k, count);
      }
      df_flow_deliver(n, k, out);
    }
  }
  if (me == 0) {
    cluster_phase(CLUSTER_PHASE_COMMUNICATION);
    dma_wait_sleep(DMA_OUT);
  }
  cluster_phase(CLUSTER_PHASE_COMPUTE);
  return DF_OK;
}

/* ----- entry -------------------------------------------------------------- */

static df_role_t role;
static volatile int boot_rc;

int df_main(void) {
  const uint32_t me = core_id();
  if (me == 0) {
    int rc = df_load_role(&role);
    if (rc == DF_OK && role.me.role != 0) rc = df_flow_setup(&role);
    if (rc == DF_OK && role.me.role == VPMAP_ROLE_ANALOG) {
      uint32_t size;
      const uint32_t scratch = buffer_of(&role, VPMAP_BUF_IMA_OUT, &size);
      rc = df_program_weights(&role, scratch, size);
    }
    boot_rc = rc;
  }
  eu_barrier();
  if (boot_rc != DF_OK) return boot_rc;
  /* A cluster the mapping does not use, or a residual store (a passive ring in its L1). */
  if (role.me.role == 0 || role.me.role == VPMAP_ROLE_RESIDUAL_STORE) return DF_OK;
  const uint64_t t0 = cluster_cycles();
  int rc;
  if (role.me.role == VPMAP_ROLE_ANALOG) {
    rc = df_run_analog(&role);
  } else if (role.me.role == VPMAP_ROLE_REDUCE || role.me.role == VPMAP_ROLE_DIGITAL) {
    rc = df_run_digital(&role);
  } else {
    if (me == 0) printf("cluster %u: dataflow: unknown role %u\n", (unsigned)role.cluster, (unsigned)role.me.role);
    return DF_ERR_ROLE;
  }
  if (me == 0 && rc == DF_OK)
    printf("dataflow: cluster %u layer %.24s: %u images in %u cycles\n", (unsigned)role.cluster,
           role.layers[role.me.layer].name, (unsigned)df_boot.batch, (unsigned)(cluster_cycles() - t0));
  return rc;
}
