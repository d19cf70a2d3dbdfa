/* Boot of a dataflow cluster: its role from the mapping binary, its crossbar
 * block from the weights file, then the loop of its role (runtime.h). */
#include <stdio.h>
#include <string.h>

#include "dataflow/flow.h"
#include "dataflow/stage.h"
#include "hal/dma.h"
#include "hal/event_unit.h"
#include "hal/ima.h"
#include "weights_format.h"

/* In .data, not .bss: the host writes it after loading the ELF and
 * cluster_start() must not clear it. */
df_boot_t df_boot __attribute__((section(".data.df_boot"), used)) = {0};

/* Core 0: copies bytes of global memory into L1 and sleeps until done (before the tile loop). */
static void dma_get(void* dst, uint32_t src, uint32_t bytes) { dma_copy_sleep(DF_DMA_IN, dst, src, bytes); }

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
  /* The HBM regions this cluster reads or writes: the network input (in a
   * reload group: the region of the layer its HBM in-edge names, and an
   * add's skip input when its residual is cut by a group boundary), its
   * layer's output. */
  uint32_t in_layer = VPMAP_NONE, skip_layer = VPMAP_NONE;
  for (uint32_t i = 0; i < me->n_in_edges; ++i)
    if (r->in_edges[i].src == VPMAP_NONE) {
      if (r->in_edges[i].kind == VPMAP_EDGE_RESIDUAL) skip_layer = r->in_edges[i].layer;
      else in_layer = r->in_edges[i].layer;
    }
  for (uint32_t i = 0; i < h->n_hbm_buffers; ++i) {
    vpmap_buffer_t b;
    dma_get(&b, m + h->buffer_offset + (h->first_hbm_buffer + i) * (uint32_t)sizeof b, sizeof b);
    if (b.kind == VPMAP_BUF_INPUT && in_layer == VPMAP_NONE) r->in_region = df_boot.hbm_base + b.offset;
    if (b.kind == VPMAP_BUF_OUTPUT && b.layer == in_layer) r->in_region = df_boot.hbm_base + b.offset;
    if (b.kind == VPMAP_BUF_OUTPUT && b.layer == skip_layer) r->in_region_b = df_boot.hbm_base + b.offset;
    if (b.kind == VPMAP_BUF_OUTPUT && b.layer == me->layer) r->out_region = df_boot.hbm_base + b.offset;
  }
  return DF_OK;
}

/* Rows of the layer's weight matrix and its kernel window (an FC layer is a
 * window over the whole input). */
static uint32_t layer_rows(const vpmap_layer_t* L) {
  if (L->op == VPMAP_OP_DWCONV) return (uint32_t)L->kernel * L->kernel; /* one column per channel */
  return L->op == VPMAP_OP_FC ? (uint32_t)L->in_c * L->in_h * L->in_w : (uint32_t)L->kernel * L->kernel * L->in_c;
}

/* A packed conv's crossbar (mapping-format.md, Packing): copy j of the
 * kernel in columns [j * ncols, (j + 1) * ncols), each kernel row ky shifted to
 * crossbar rows (ky * W + j * stride) * C with W = (k - 1) * stride + kw, zeros
 * elsewhere; `w` is the layer's matrix (kh * kw * C rows, ncols columns, a
 * multiple of 4: the mapper packs no other) in the HBM. */
static int program_packed(const vpmap_layer_t* L, uint32_t w, uint32_t ncols, uint32_t scratch,
                          uint32_t scratch_bytes) {
  const uint32_t k = L->pack, kh = L->kernel, kw = L->kernel, s = L->stride, C = L->in_c;
  const uint32_t run = kw * C, prow = ((k - 1u) * s + kw) * C, width = k * ncols;
  int8_t* buf = (int8_t*)(uintptr_t)scratch;
  if (scratch_bytes < width || scratch_bytes < run * ncols) {
    printf("dataflow: layer %.24s: %u bytes to stage its packed weights, need %u\n", L->name,
           (unsigned)scratch_bytes, (unsigned)(run * ncols));
    return DF_ERR_WEIGHTS;
  }
  memset(buf, 0, width);
  for (uint32_t r = 0; r < kh * prow; ++r) ima_write_weights(r, 0, 1, width, buf);
  for (uint32_t ky = 0; ky < kh; ++ky) {
    dma_get(buf, w + ky * run * ncols, run * ncols);
    for (uint32_t j = 0; j < k; ++j) ima_write_weights(ky * prow + j * s * C, j * ncols, run, ncols, buf);
  }
  return DF_OK;
}

/* Core 0: the weights record of the cluster's layer: its address (of the
 * record header) in *pos, the header in *rec; checked against the mapping. */
static int find_record(const df_role_t* r, uint32_t* pos, vpwt_record_t* rec) {
  const vpmap_cluster_t* me = &r->me;
  const vpmap_layer_t* L = &r->layers[me->layer];
  uint32_t ordinal = 0; /* the VPWT file has one record per layer with weights, in network order */
  for (uint32_t i = 0; i < me->layer; ++i)
    ordinal += r->layers[i].op == VPMAP_OP_CONV || r->layers[i].op == VPMAP_OP_FC || r->layers[i].op == VPMAP_OP_DWCONV;
  vpwt_header_t head;
  dma_get(&head, df_boot.weights, sizeof head);
  if (head.magic != VPWT_MAGIC || head.version != VPWT_VERSION || head.records <= ordinal) {
    printf("cluster %u: dataflow: weights at 0x%08x: bad magic/version or %u records for analog layer %u\n",
           (unsigned)r->cluster, (unsigned)df_boot.weights, (unsigned)head.records, (unsigned)ordinal);
    return DF_ERR_WEIGHTS;
  }
  *pos = df_boot.weights + sizeof head;
  for (uint32_t k = 0;; ++k) {
    dma_get(rec, *pos, sizeof *rec);
    if (k == ordinal) break;
    *pos += vpwt_record_bytes(rec->rows, rec->cols);
  }
  if (rec->rows != layer_rows(L) || rec->cols != L->out_c || strncmp(rec->name, L->name, sizeof L->name) != 0) {
    printf("cluster %u: dataflow: weights record %u is %.24s %ux%u, the mapping's layer %.24s needs %ux%u\n",
           (unsigned)r->cluster, (unsigned)ordinal, rec->name, (unsigned)rec->rows, (unsigned)rec->cols, L->name,
           (unsigned)layer_rows(L), (unsigned)L->out_c);
    return DF_ERR_WEIGHTS;
  }
  return DF_OK;
}

df_quant_t df_quant;

int df_load_quant(const df_role_t* r) {
  const vpmap_cluster_t* me = &r->me;
  const vpmap_layer_t* L = &r->layers[me->layer];
  df_quant_t* q = &df_quant;
  q->relu = L->relu, q->act_max = L->act_max, q->uniform = 1, q->mult = L->mult, q->shift = L->shift;
  q->ncols = me->col1 - me->col0;
  uint32_t pos;
  vpwt_record_t rec;
  const int rc = find_record(r, &pos, &rec);
  if (rc != DF_OK) return rc;
  q->mult = rec.mult, q->shift = (uint32_t)rec.shift, q->uniform = rec.uniform;
  if (rec.uniform) return DF_OK;
  if (q->ncols > DF_MAX_QCOLS) {
    printf("cluster %u: dataflow: layer %.24s: per-channel requantization of %u columns in one cluster (at most %u)\n",
           (unsigned)r->cluster, L->name, (unsigned)q->ncols, DF_MAX_QCOLS);
    return DF_ERR_TOO_BIG;
  }
  dma_get(q->ch, pos + sizeof rec + vpwt_weight_bytes(rec.rows, rec.cols) + me->col0 * (uint32_t)sizeof(vpwt_channel_t),
          q->ncols * (uint32_t)sizeof(vpwt_channel_t));
  return DF_OK;
}

int df_program_weights(const df_role_t* r, uint32_t scratch, uint32_t scratch_bytes) {
  const vpmap_cluster_t* me = &r->me;
  const vpmap_layer_t* L = &r->layers[me->layer];
  uint32_t pos;
  vpwt_record_t rec;
  const int rc = find_record(r, &pos, &rec);
  if (rc != DF_OK) return rc;
  /* The crossbar block: rows [row0, row1), columns [col0, col1) of the matrix,
   * staged through L1 in slices, each row padded to whole register words. */
  const uint32_t ncols = me->col1 - me->col0, pitch = (ncols + 3u) & ~3u;
  const uint32_t slice = scratch_bytes / pitch;
  int8_t* buf = (int8_t*)(uintptr_t)scratch;
  if (L->pack > 1u) return program_packed(L, pos + sizeof rec, ncols, scratch, scratch_bytes);
  for (uint32_t r0 = me->row0; r0 < me->row1; r0 += slice) {
    const uint32_t n = me->row1 - r0 < slice ? me->row1 - r0 : slice;
    dma_start_2d(DF_DMA_IN, scratch, pos + sizeof rec + r0 * rec.cols + me->col0, ncols, n, pitch, rec.cols);
    dma_wait_sleep(DF_DMA_IN);
    for (uint32_t i = 0; i < n; ++i) memset(buf + i * pitch + ncols, 0, pitch - ncols);
    ima_write_weights(r0 - me->row0, 0, n, pitch, buf);
  }
  return DF_OK;
}

int df_load_dwconv(const df_role_t* r) {
  const vpmap_layer_t* L = &r->layers[r->me.layer];
  uint32_t pos, size;
  vpwt_record_t rec;
  const int rc = find_record(r, &pos, &rec);
  if (rc != DF_OK) return rc;
  const uint32_t buf = df_buffer_of(r, VPMAP_BUF_WEIGHTS, &size);
  const uint32_t bytes = vpwt_weight_bytes(rec.rows, rec.cols) + rec.cols * (uint32_t)sizeof(vpwt_channel_t);
  if (!buf || size < bytes) {
    printf("cluster %u: dataflow: layer %.24s: weights buffer of %u bytes, its record needs %u\n", (unsigned)r->cluster,
           L->name, (unsigned)size, (unsigned)bytes);
    return DF_ERR_WEIGHTS;
  }
  dma_get((void*)(uintptr_t)buf, pos + sizeof rec, bytes); /* weights, then the channel records */
  df_dw_t* d = &df_dw;
  d->w = (const int8_t*)(uintptr_t)buf;
  d->ch = (const vpwt_channel_t*)(uintptr_t)(buf + vpwt_weight_bytes(rec.rows, rec.cols));
  d->kernel = L->kernel, d->stride = L->stride, d->padding = L->padding;
  d->relu = L->relu, d->act_max = L->act_max, d->engine = L->dw_engine;
  return DF_OK;
}

static df_role_t role;
static volatile int boot_rc;

int df_run_role(void) {
  const uint32_t me = core_id();
  if (me == 0) {
    int rc = df_load_role(&role);
    if (rc == DF_OK && role.me.role != 0) rc = df_flow_setup(&role);
    if (rc == DF_OK && role.me.role == VPMAP_ROLE_ANALOG) {
      uint32_t size;
      const uint32_t scratch = df_buffer_of(&role, VPMAP_BUF_IMA_OUT, &size);
      df_reload_program_cycles = 0;
      rc = df_reload_chunk ? df_program_chunk(&role, df_reload_chunk, scratch, size)
                           : df_program_weights(&role, scratch, size);
    }
    /* The clusters that requantize: an analog one without row split, a reduction tree's root. */
    if (rc == DF_OK && (role.me.role == VPMAP_ROLE_ANALOG || role.me.role == VPMAP_ROLE_REDUCE)) {
      const vpmap_layer_t* L = &role.layers[role.me.layer];
      if (role.me.role == VPMAP_ROLE_ANALOG ? L->n_levels == 0 : role.me.level >= L->n_levels) rc = df_load_quant(&role);
    }
    if (rc == DF_OK && role.me.role == VPMAP_ROLE_DIGITAL && role.layers[role.me.layer].op == VPMAP_OP_DWCONV)
      rc = df_load_dwconv(&role);
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

int df_main(void) {
  const int rc = df_boot.reload ? df_run_reload() : df_run_role();
  /* A refusal (core 0 printed why) is a firmware fault the VP reports with
   * this core's pc and that message; returning would leave the clusters that
   * wait for this one stalled. */
  if (rc != DF_OK && core_id() == 0) {
    fflush(stdout);
    cluster_fault(rc);
  }
  return rc;
}
