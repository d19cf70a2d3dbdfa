/* Cluster-to-cluster flow control: see flow.h and docs/dataflow.md. */
#include "flow.h"

#include <stdio.h>
#include <string.h>

#include "hal/cluster.h"
#include "hal/dma.h"
#include "hal/event_unit.h"
#include "tile.h"


df_flow_t df_flow;
/* Written by other clusters: df_arrived[producer] = my local tiles it has
 * completed, df_credit[consumer] = 1 + its local tiles consumed (0: it has
 * not booted yet, so nothing may be written into its L1). Cleared with .bss
 * before any cluster can be told this one is ready. */
volatile uint32_t df_arrived[DF_MAX_CLUSTERS];
volatile uint32_t df_credit[DF_MAX_CLUSTERS];
/* DMA sources of counter values: the DMA reads its source when the transfer
 * runs, so a word must not change until the transfer that reads it has
 * completed. Stamps take the words of a ring in turn; before a word is
 * written again, the transfer that last read it (its DF_DMA_OUT count in
 * seq_mark) has completed: a wait that a run never meets in practice (the
 * word was read DF_SEQ_WORDS stamps ago). So the counters, 32-bit, have no
 * limit of their own: a run may have any number of tiles per cluster. */
#define DF_SEQ_WORDS 64u
static uint32_t df_seq[DF_SEQ_WORDS];
static uint16_t seq_mark[DF_SEQ_WORDS];
static uint32_t seq_next; /* stamps queued so far */
/* A DF_DMA_OUT done count known to be reached (modulo 2^16): most reuses are
 * settled by it without reading the DMA's status. */
static uint32_t out_done_known;
static int count_ge(uint32_t a, uint32_t b) { return ((a - b) & 0xFFFFu) < 0x8000u; }
static uint32_t df_core0_mask;
static uint32_t g_base, g_stride, me_id;

static uint32_t l1_off(const volatile void* p) { return (uint32_t)(uintptr_t)p - CLUSTER_LOCAL_BASE; }
static uint32_t remote(uint32_t c, const volatile void* p) { return g_base + c * g_stride + l1_off(p); }
static uint32_t remote_eu(uint32_t c) {
  return g_base + c * g_stride + (CLUSTER_PERIPH_BASE - CLUSTER_LOCAL_BASE) + CLUSTER_PERIPH_EVENT_UNIT;
}
static uint32_t min_u(uint32_t a, uint32_t b) { return a < b ? a : b; }

static void get(void* dst, uint32_t src, uint32_t bytes) { dma_copy_sleep(DF_DMA_IN, dst, src, bytes); }

/* ----- geometry ------------------------------------------------------------ */

static df_geom_t geom(const vpmap_layer_t* L, uint32_t k, uint32_t s, uint32_t p, uint32_t in_w, uint32_t rows,
                      uint32_t pb, int exact) {
  df_geom_t g;
  g.k = (uint16_t)k, g.s = (uint16_t)s, g.p = (uint16_t)p, g.exact = (uint16_t)exact;
  g.tw = L->tile_w, g.tiles = L->tiles, g.in_w = (uint16_t)in_w, g.out_w = L->out_w;
  g.rows = rows, g.pb = pb;
  uint32_t w = ((uint32_t)g.tw - 1u) * s + k;
  if (w > in_w + 2u * p) w = in_w + 2u * p;
  g.pitch = (exact ? g.tw : w) * pb;
  return g;
}

df_geom_t df_geom_input(const vpmap_layer_t* L) {
  if (L->op == VPMAP_OP_ADD) return geom(L, 1, 1, 0, L->in_w, L->in_h, L->in_c, 1);
  if (L->op == VPMAP_OP_FC) return geom(L, L->in_w, 1, 0, L->in_w, L->in_h, L->in_c, 0);
  return geom(L, L->kernel, L->stride, L->padding, L->in_w, L->in_h, L->in_c, 0);
}

df_geom_t df_geom_exact(const vpmap_layer_t* L, uint32_t pb) { return geom(L, 1, 1, 0, L->out_w, L->out_h, pb, 1); }

void df_window_cols(const df_geom_t* g, uint32_t t, int32_t* x_first, uint32_t* a, uint32_t* b) {
  const uint32_t twt = df_tile_width(g->tw, g->out_w, t);
  const int32_t xf = (int32_t)(t * g->tw * g->s) - (int32_t)g->p;
  int32_t xe = xf + (int32_t)((twt - 1u) * g->s + g->k);
  if (!g->exact && xe > xf + (int32_t)(g->pitch / g->pb)) xe = xf + (int32_t)(g->pitch / g->pb);
  *x_first = xf;
  *a = xf < 0 ? 0u : (uint32_t)xf;
  *b = xe > (int32_t)g->in_w ? g->in_w : (uint32_t)xe;
}

uint32_t df_window_pitch(const df_geom_t* g, uint32_t t) {
  return g->exact ? df_tile_width(g->tw, g->out_w, t) * g->pb : g->pitch;
}

/* ----- setup ----------------------------------------------------------------- */

static int fetch_cluster(const df_role_t* r, uint32_t id, vpmap_cluster_t* c) {
  if (id >= r->hdr.n_clusters) return -1;
  get(c, df_boot.mapping + r->hdr.cluster_offset + id * (uint32_t)sizeof *c, sizeof *c);
  return 0;
}

/* Offset and size in cluster `c`'s L1 of its buffer of `kind` (for residual
 * rings: of layer `layer`); 0 size if none. */
static uint32_t buffer_in(const df_role_t* r, const vpmap_cluster_t* c, uint32_t kind, uint32_t layer, uint32_t* size) {
  static vpmap_buffer_t b[DF_MAX_BUFFERS]; /* core 0 at boot; static: the stacks are small */
  const uint32_t n = c->n_buffers < DF_MAX_BUFFERS ? c->n_buffers : DF_MAX_BUFFERS;
  *size = 0;
  if (!n) return 0;
  get(b, df_boot.mapping + r->hdr.buffer_offset + c->first_buffer * (uint32_t)sizeof b[0], n * (uint32_t)sizeof b[0]);
  for (uint32_t i = 0; i < n; ++i)
    if (b[i].kind == kind && (kind != VPMAP_BUF_RESIDUAL || b[i].layer == layer)) {
      *size = b[i].size;
      return b[i].offset;
    }
  return 0;
}

/* Global address and size of the residual ring of `layer` held by `holder`
 * (VPMAP_NONE: the HBM). */
static uint32_t ring_of(const df_role_t* r, uint32_t holder, uint32_t layer, uint32_t* size) {
  *size = 0;
  if (holder == VPMAP_NONE) {
    for (uint32_t i = 0; i < r->hdr.n_hbm_buffers; ++i) {
      vpmap_buffer_t b;
      get(&b, df_boot.mapping + r->hdr.buffer_offset + (r->hdr.first_hbm_buffer + i) * (uint32_t)sizeof b, sizeof b);
      if (b.kind == VPMAP_BUF_RESIDUAL && b.layer == layer) {
        *size = b.size;
        return df_boot.hbm_base + b.offset;
      }
    }
    return 0;
  }
  vpmap_cluster_t c;
  if (fetch_cluster(r, holder, &c)) return 0;
  const uint32_t off = buffer_in(r, &c, VPMAP_BUF_RESIDUAL, layer, size);
  return *size ? g_base + holder * g_stride + off : 0;
}

/* Calls fn for every edge of the whole in- (or out-) edge table matching
 * (src or dst == holder, layer, residual): the peers on the far side of a ring. */
static int scan_ring_peers(const df_role_t* r, int out_table, uint32_t holder, uint32_t layer, uint16_t* peers,
                           uint32_t max, uint32_t* n) {
  static vpmap_edge_t e[32];
  const uint32_t table = out_table ? r->hdr.out_edge_offset : r->hdr.in_edge_offset;
  *n = 0;
  for (uint32_t i = 0; i < r->hdr.n_edges; i += 32) {
    const uint32_t m = min_u(32u, r->hdr.n_edges - i);
    get(e, df_boot.mapping + table + i * (uint32_t)sizeof e[0], m * (uint32_t)sizeof e[0]);
    for (uint32_t j = 0; j < m; ++j) {
      if (e[j].kind != VPMAP_EDGE_RESIDUAL || e[j].layer != layer) continue;
      const uint32_t near = out_table ? e[j].dst : e[j].src, far = out_table ? e[j].src : e[j].dst;
      if (near != holder || far == VPMAP_NONE) continue;
      uint32_t k = 0;
      while (k < *n && peers[k] != far) ++k;
      if (k < *n) continue;
      if (*n == max) return -1;
      peers[(*n)++] = (uint16_t)far;
    }
  }
  return 0;
}

static int too_many(const df_role_t* r) {
  printf("cluster %u: dataflow: more than %u producers or consumers\n", (unsigned)r->cluster, DF_MAX_PEERS);
  return DF_ERR_TOO_BIG;
}

static int add_in(const df_role_t* r, uint32_t src, uint32_t port, uint32_t layer) {
  df_flow_t* f = &df_flow;
  for (uint32_t i = 0; i < f->n_in; ++i)
    if (f->in[i].cluster == src) return DF_OK;
  if (f->n_in == DF_MAX_PEERS) return too_many(r);
  vpmap_cluster_t c;
  if (fetch_cluster(r, src, &c) || layer >= r->hdr.n_layers) return DF_ERR_MAPPING;
  const vpmap_layer_t* P = &r->layers[layer];
  df_in_t* in = &f->in[f->n_in++];
  in->cluster = (uint16_t)src, in->port = (uint16_t)port;
  in->replica = c.replica, in->replicas = P->replicas, in->tw = P->tile_w, in->tiles = P->tiles;
  f->port_used[port] = 1;
  return DF_OK;
}

/* A consumer cluster `dst` of my output: where my tiles go in its L1, or in a ring. */
static int add_out(const df_role_t* r, uint32_t dst, uint32_t kind, uint32_t ring_base, uint32_t ring_size) {
  df_flow_t* f = &df_flow;
  for (uint32_t i = 0; i < f->n_out; ++i)
    if (f->out[i].cluster == dst) return DF_OK;
  if (f->n_out == DF_MAX_PEERS) return too_many(r);
  vpmap_cluster_t c;
  if (fetch_cluster(r, dst, &c) || c.layer >= r->hdr.n_layers) return DF_ERR_MAPPING;
  const vpmap_layer_t* D = &r->layers[c.layer];
  df_out_t* o = &f->out[f->n_out];
  memset(o, 0, sizeof *o);
  o->cluster = (uint16_t)dst, o->replica = c.replica, o->replicas = D->replicas;
  o->slots = 2;
  uint32_t size = 0, off = 0;
  if (kind == VPMAP_EDGE_PARTIAL) {
    /* Slot (half, child) of the reducer's partial sums; my child index is my
     * rank among its partial-sum producers (its in-edges are sorted by src). */
    o->g = df_geom_exact(D, (c.col1 - c.col0) * vpmap_layer_psum(D));
    const uint32_t tile = o->g.rows * o->g.pitch;
    static vpmap_edge_t e[DF_MAX_EDGES];
    if (c.n_in_edges > DF_MAX_EDGES) return too_many(r);
    get(e, df_boot.mapping + r->hdr.in_edge_offset + c.first_in_edge * (uint32_t)sizeof e[0],
        c.n_in_edges * (uint32_t)sizeof e[0]);
    uint32_t child = 0;
    for (uint32_t i = 0; i < c.n_in_edges && e[i].src != r->cluster; ++i) child += e[i].kind == VPMAP_EDGE_PARTIAL;
    off = buffer_in(r, &c, VPMAP_BUF_PARTIALS, 0, &size);
    if (size < 2u * c.fan_in * tile || child >= c.fan_in) goto bad;
    o->base = g_base + dst * g_stride + off + child * tile;
    o->slot_bytes = c.fan_in * tile;
    o->slots = (uint16_t)(size / o->slot_bytes); /* as the reducer counts them (its buffer may be sized for a wider node) */
  } else if (kind == VPMAP_EDGE_RESIDUAL) {
    o->g = df_geom_input(D);
    const uint32_t tile = o->g.rows * o->g.pitch;
    o->ring = 1, o->slots = (uint16_t)(ring_size / tile);
    if (!o->slots) goto bad;
    o->base = ring_base, o->slot_bytes = tile;
    o->ch_off = r->me.col0;
  } else {
    o->g = df_geom_input(D);
    off = buffer_in(r, &c, VPMAP_BUF_INPUT, 0, &size);
    o->slot_bytes = o->g.rows * o->g.pitch;
    if (size < 2u * o->slot_bytes) goto bad;
    o->base = g_base + dst * g_stride + off, o->slots = (uint16_t)(size / o->slot_bytes);
    o->ch_off = r->me.col0;
  }
  f->n_out++;
  return DF_OK;
bad:
  printf("cluster %u: dataflow: consumer cluster %u (layer %.24s) has no room for my tiles (buffer %u bytes)\n",
         (unsigned)r->cluster, (unsigned)dst, D->name, (unsigned)size);
  return DF_ERR_ROLE;
}

int df_flow_setup(const df_role_t* r) {
  df_flow_t* f = &df_flow;
  memset(f, 0, sizeof *f);
  g_base = cluster_global(0), g_stride = cluster_global(1) - g_base, me_id = r->cluster;
  seq_next = 0;
  out_done_known = dma_done_count(DF_DMA_OUT);
  df_core0_mask = 1u;
  f->out_queued = dma_done_count(DF_DMA_OUT);
  f->out_mark[0] = f->out_mark[1] = f->out_queued;
  const vpmap_cluster_t* me = &r->me;
  if (me->role == VPMAP_ROLE_RESIDUAL_STORE) return DF_OK; /* a passive ring: the producers and the adds do the work */
  const vpmap_layer_t* L = &r->layers[me->layer];
  if (r->hdr.n_clusters > DF_MAX_CLUSTERS) {
    printf("cluster %u: dataflow: %u clusters exceed the runtime's %u\n", (unsigned)r->cluster,
           (unsigned)r->hdr.n_clusters, DF_MAX_CLUSTERS);
    return DF_ERR_TOO_BIG;
  }
  /* My output tiles. */
  const int analog = me->role == VPMAP_ROLE_ANALOG, reduce = me->role == VPMAP_ROLE_REDUCE;
  const uint32_t ncols = analog || reduce ? me->col1 - me->col0 : L->out_c;
  const int wide = (analog && L->n_levels > 0) || (reduce && me->level < L->n_levels);
  f->tw = L->tile_w, f->tiles = L->tiles, f->out_w = L->out_w, f->out_h = L->out_h;
  f->replica = me->replica, f->replicas = L->replicas, f->pb = ncols * (wide ? vpmap_layer_psum(L) : 1u);
  /* My input ports. */
  uint32_t size = 0;
  for (uint32_t i = 0; i < me->n_buffers; ++i) {
    const vpmap_buffer_t* b = &r->buffers[i];
    if (b->kind == VPMAP_BUF_INPUT || b->kind == VPMAP_BUF_INPUT_B) {
      const uint32_t port = b->kind == VPMAP_BUF_INPUT ? DF_PORT_A : DF_PORT_B;
      f->port[port] = df_geom_input(L);
      f->port_base[port] = CLUSTER_LOCAL_BASE + b->offset;
      f->port_slot_bytes[port] = f->port[port].rows * f->port[port].pitch;
      f->port_slots[port] = f->port_slot_bytes[port] ? b->size / f->port_slot_bytes[port] : 0;
    } else if (b->kind == VPMAP_BUF_PARTIALS) {
      f->port[DF_PORT_PARTIALS] = df_geom_exact(L, ncols * vpmap_layer_psum(L));
      f->port_base[DF_PORT_PARTIALS] = CLUSTER_LOCAL_BASE + b->offset;
      f->port_slot_bytes[DF_PORT_PARTIALS] = me->fan_in * f->port[DF_PORT_PARTIALS].rows * f->port[DF_PORT_PARTIALS].pitch;
      f->port_slots[DF_PORT_PARTIALS] = f->port_slot_bytes[DF_PORT_PARTIALS] ? b->size / f->port_slot_bytes[DF_PORT_PARTIALS] : 0;
    }
  }
  int rc = DF_OK;
  uint32_t holder = 0xFFFFFFFFu; /* the cluster (or HBM) keeping the skip input's ring */
  for (uint32_t i = 0; i < me->n_in_edges && rc == DF_OK; ++i) {
    const vpmap_edge_t* e = &r->in_edges[i];
    if (e->kind == VPMAP_EDGE_RESIDUAL && e->src == VPMAP_NONE && r->in_region_b) {
      f->hbm_b = r->in_region_b; /* reload: written by an earlier group, complete */
    } else if (e->kind == VPMAP_EDGE_RESIDUAL) {
      /* The skip input waits in a ring (HBM or a residual store); its
       * producers write there and signal me directly. */
      if (holder != 0xFFFFFFFFu && holder != e->src) {
        printf("cluster %u: dataflow: a residual ring split over clusters %u and %u is not supported by this runtime\n",
               (unsigned)r->cluster, (unsigned)holder, (unsigned)e->src);
        return DF_ERR_ROLE;
      }
      holder = e->src;
      if (!f->ring_base) {
        f->ring_base = ring_of(r, e->src, e->layer, &size);
        f->ring_slot_bytes = f->port[DF_PORT_B].rows * f->port[DF_PORT_B].pitch;
        f->ring_slots = f->ring_slot_bytes ? size / f->ring_slot_bytes : 0;
        if (!f->ring_base || !f->ring_slots || !f->port_base[DF_PORT_B]) {
          printf("cluster %u: dataflow: no residual ring of layer %u at %u\n", (unsigned)r->cluster,
                 (unsigned)e->layer, (unsigned)e->src);
          return DF_ERR_ROLE;
        }
      }
      static uint16_t peers[DF_MAX_PEERS];
      uint32_t n;
      if (scan_ring_peers(r, 1, e->src, e->layer, peers, DF_MAX_PEERS, &n)) return too_many(r);
      for (uint32_t k = 0; k < n && rc == DF_OK; ++k) rc = add_in(r, peers[k], DF_PORT_B, e->layer);
    } else if (e->src == VPMAP_NONE) {
      f->hbm_in = 1;
    } else {
      rc = add_in(r, e->src, e->kind == VPMAP_EDGE_PARTIAL ? DF_PORT_PARTIALS : DF_PORT_A,
                  e->layer == VPMAP_NONE ? me->layer : e->layer);
    }
  }
  for (uint32_t i = 0; i < me->n_out_edges && rc == DF_OK; ++i) {
    const vpmap_edge_t* e = &r->out_edges[i];
    if (e->kind == VPMAP_EDGE_RESIDUAL) {
      const uint32_t base = ring_of(r, e->dst, me->layer, &size);
      static uint16_t peers[DF_MAX_PEERS];
      uint32_t n;
      if (!base) {
        printf("cluster %u: dataflow: no residual ring for my output at %u\n", (unsigned)r->cluster, (unsigned)e->dst);
        return DF_ERR_ROLE;
      }
      if (scan_ring_peers(r, 0, e->dst, me->layer, peers, DF_MAX_PEERS, &n)) return too_many(r);
      for (uint32_t k = 0; k < n && rc == DF_OK; ++k) rc = add_out(r, peers[k], VPMAP_EDGE_RESIDUAL, base, size);
    } else if (e->dst == VPMAP_NONE) {
      f->hbm_out = r->out_region + me->col0;
      f->hbm_out_pixel = L->out_c;
    } else {
      rc = add_out(r, e->dst, e->kind, 0, 0);
    }
  }
  /* Ready: my slots may be written (credit 1 = nothing consumed yet). */
  for (uint32_t i = 0; i < f->n_in && rc == DF_OK; ++i) {
    *(volatile uint32_t*)(uintptr_t)remote(f->in[i].cluster, &df_credit[me_id]) = 1u;
    eu_trigger_sw(remote_eu(f->in[i].cluster), DF_EV_CREDIT, 1u);
  }
  return rc;
}

/* ----- consumer side ---------------------------------------------------------- */

static uint32_t stream_of(uint32_t k) { return df_flow.replica + k * df_flow.replicas; }

int df_flow_inputs_ready(uint32_t port, uint32_t k) {
  const df_flow_t* f = &df_flow;
  const df_geom_t* g = &f->port[port];
  const uint32_t M = stream_of(k), img = M / g->tiles;
  int32_t xf;
  uint32_t a, b;
  df_window_cols(g, M % g->tiles, &xf, &a, &b);
  for (uint32_t i = 0; i < f->n_in; ++i) {
    const df_in_t* p = &f->in[i];
    if (p->port != port) continue;
    /* Does producer p make one of the tiles this window reads? */
    const uint32_t lo = img * p->tiles + a / p->tw, hi = img * p->tiles + (b - 1u) / p->tw;
    const uint32_t first = lo + (p->replica + p->replicas - lo % p->replicas) % p->replicas;
    if (first <= hi && df_arrived[p->cluster] < k + 1u) return 0;
  }
  return 1;
}

void df_flow_wait_inputs(uint32_t port, uint32_t k) {
  while (!df_flow_inputs_ready(port, k)) eu_wait_line(DF_EV_DATA);
}

/* Zeroes the columns of local tile k's window (port A) that lie outside the map. */
static void zero_padding(uint32_t k) {
  const df_flow_t* f = &df_flow;
  const df_geom_t* g = &f->port[DF_PORT_A];
  if (g->exact || !g->p) return;
  const uint32_t t = stream_of(k) % g->tiles, twt = df_tile_width(g->tw, g->out_w, t);
  /* Producers write only the map's columns: a slot whose previous tile (k - slots) had the
   * same index holds the same geometry, its padding still zero. Re-zeroing it was most of a
   * 7x7 depthwise tile (memset of 2 x rows x C bytes on core 0: b15dw 81 us of 89). */
  if (k >= f->port_slots[DF_PORT_A] && stream_of(k - f->port_slots[DF_PORT_A]) % g->tiles == t) return;
  int32_t xf;
  uint32_t a, b;
  df_window_cols(g, t, &xf, &a, &b);
  int32_t xe = xf + (int32_t)((twt - 1u) * g->s + g->k);
  if (xe > xf + (int32_t)(g->pitch / g->pb)) xe = xf + (int32_t)(g->pitch / g->pb);
  const uint32_t left = (uint32_t)((int32_t)a - xf) * g->pb, right = (uint32_t)(xe - (int32_t)b) * g->pb;
  if (!left && !right) return;
  int8_t* slot = (int8_t*)(uintptr_t)(f->port_base[DF_PORT_A] + (k % f->port_slots[DF_PORT_A]) * f->port_slot_bytes[DF_PORT_A]);
  for (uint32_t y = 0; y < g->rows; ++y) {
    memset(slot + y * g->pitch, 0, left);
    memset(slot + y * g->pitch + (b - (uint32_t)xf) * g->pb, 0, right);
  }
}

void df_flow_release(uint32_t port, uint32_t k, uint32_t count) {
  const df_flow_t* f = &df_flow;
  const uint32_t S = f->port_slots[port];
  if (port == DF_PORT_A && k == (uint32_t)-1) { /* start: every slot gets its first tile's padding */
    for (uint32_t j = 0; j < S && j < count; ++j) zero_padding(j);
    return;
  }
  if (port == DF_PORT_A && k + S < count) zero_padding(k + S);
  for (uint32_t i = 0; i < f->n_in; ++i) {
    const df_in_t* p = &f->in[i];
    if (p->port != port) continue;
    *(volatile uint32_t*)(uintptr_t)remote(p->cluster, &df_credit[me_id]) = k + 2u;
    eu_trigger_sw(remote_eu(p->cluster), DF_EV_CREDIT, 1u);
  }
}

/* ----- producer side ----------------------------------------------------------- */

static void queue(uint32_t dst, uint32_t src, uint32_t len, uint32_t reps, uint32_t dst_stride, uint32_t src_stride) {
  dma_start_2d(DF_DMA_OUT, dst, src, len, reps, dst_stride, src_stride);
  df_flow.out_queued = (df_flow.out_queued + 1u) & 0xFFFFu;
}

/* Columns [0, cols) x rows of pixels of src_pb bytes into pixels of dst_pb
 * bytes: one transfer when the pixels are whole, else one per row or column. */
static void copy_block(uint32_t dst, uint32_t dst_pitch, uint32_t dst_pb, uint32_t src, uint32_t src_pitch,
                       uint32_t src_pb, uint32_t cols, uint32_t rows) {
  if (src_pb == dst_pb) {
    if (rows == 1 || (src_pitch == cols * src_pb && dst_pitch == src_pitch))
      queue(dst, src, cols * src_pb * rows, 1, 0, 0);
    else
      queue(dst, src, cols * src_pb, rows, dst_pitch, src_pitch);
  } else if (rows <= cols) {
    for (uint32_t y = 0; y < rows; ++y) queue(dst + y * dst_pitch, src + y * src_pitch, src_pb, cols, dst_pb, src_pb);
  } else {
    for (uint32_t x = 0; x < cols; ++x) queue(dst + x * dst_pb, src + x * src_pb, src_pb, rows, dst_pitch, src_pitch);
  }
}

static void stamp(uint32_t cluster, uint32_t value) {
  const uint32_t w = seq_next++ % DF_SEQ_WORDS;
  /* The word's last transfer has completed (or the channel is idle: then every
   * transfer has, whatever a 16-bit count that old would compare as). */
  if (seq_next > DF_SEQ_WORDS && !count_ge(out_done_known, seq_mark[w])) {
    while (!dma_done_reached(DF_DMA_OUT, seq_mark[w]) && dma_busy(DF_DMA_OUT))
      eu_wait_line(EU_LINE_DMA(DMA_EVENT_DONE(DF_DMA_OUT)));
    out_done_known = dma_done_count(DF_DMA_OUT);
  }
  df_seq[w] = value;
  queue(remote(cluster, &df_arrived[me_id]), (uint32_t)(uintptr_t)&df_seq[w], 4, 1, 0, 0);
  seq_mark[w] = (uint16_t)df_flow.out_queued;
  queue(remote_eu(cluster) + EU_SW_TRIGGER(DF_EV_DATA), (uint32_t)(uintptr_t)&df_core0_mask, 4, 1, 0, 0);
}

/* The consumer credit that slot M (of consumer o) needs: who gives it and how
 * much (credits are 1 + tiles consumed; 1 alone: the consumer has booted). */
static void credit_needed(const df_out_t* o, uint32_t M, uint32_t* who, uint32_t* need) {
  const df_flow_t* f = &df_flow;
  *who = o->cluster, *need = 1u;
  if (o->ring) {
    if (M < o->slots) return;
    const uint32_t old = M - o->slots, r = old % o->replicas; /* tile `old` used this ring slot */
    for (uint32_t i = 0; i < f->n_out; ++i)
      if (f->out[i].ring && f->out[i].base == o->base && f->out[i].replica == r) *who = f->out[i].cluster;
    *need = old / o->replicas + 2u;
  } else {
    const uint32_t k = M / o->replicas;
    if (k >= o->slots) *need = k - o->slots + 2u; /* local tile k - slots consumed */
  }
}

/* The consumer of tile M has booted and the slot M goes to is free. */
static int credit_ok(const df_out_t* o, uint32_t M) {
  uint32_t who, need;
  credit_needed(o, M, &who, &need);
  return df_credit[o->cluster] >= 1u && df_credit[who] >= need;
}

/* One piece of a delivery: my tile's columns [lo, hi) into consumer o's window tc. */
static void send_piece(const df_out_t* o, uint32_t img, uint32_t tc, uint32_t src, uint32_t ox0, uint32_t row,
                       uint32_t next, uint32_t lo, uint32_t hi) {
  const df_flow_t* f = &df_flow;
  const df_geom_t* g = &o->g;
  int32_t xf;
  uint32_t a, b;
  df_window_cols(g, tc, &xf, &a, &b);
  const uint32_t M = img * g->tiles + tc, kc = M / o->replicas, slot = o->ring ? M % o->slots : kc % o->slots;
  const uint32_t dst = o->base + slot * o->slot_bytes + (uint32_t)((int32_t)lo - xf) * g->pb + o->ch_off;
  copy_block(dst, df_window_pitch(g, tc), g->pb, src + (lo - ox0) * f->pb, row, f->pb, hi - lo, f->out_h);
  /* My last tile this window needs: the consumer may count it complete from me. */
  if (next > img * f->tiles + (b - 1u) / f->tw) stamp(o->cluster, kc + 1u);
}

/* Consumer o's next window from tc on that my tile (map columns [ox0, ox1))
 * feeds, with its columns [*lo, *hi); g->tiles when there is none. */
static uint32_t next_window(const df_geom_t* g, uint32_t tc, uint32_t ox0, uint32_t ox1, uint32_t* lo, uint32_t* hi) {
  for (; tc < g->tiles; ++tc) {
    int32_t xf;
    uint32_t a, b;
    df_window_cols(g, tc, &xf, &a, &b);
    if (xf >= (int32_t)ox1) break; /* windows only move right */
    *lo = a > ox0 ? a : ox0, *hi = b < ox1 ? b : ox1;
    if (*lo < *hi) return tc;
  }
  return g->tiles;
}

void df_flow_deliver(uint32_t n, uint32_t k, uint32_t src) {
  df_flow_t* f = &df_flow;
  const uint32_t img = n / f->tiles, t = n % f->tiles, ox0 = t * f->tw;
  const uint32_t twt = df_tile_width(f->tw, f->out_w, t), row = twt * f->pb, next = n + f->replicas;
  /* Per consumer, the next of its windows to send my tile into (its tiles
   * in order, so that its counter only grows); 0xFFFF: done. */
  static uint16_t cursor[DF_MAX_PEERS];
  cluster_phase(CLUSTER_PHASE_COMMUNICATION);
  for (uint32_t i = 0; i < f->n_out; ++i) {
    const df_geom_t* g = &f->out[i].g;
    const uint32_t w = ((uint32_t)g->tw - 1u) * g->s + g->k, step = (uint32_t)g->tw * g->s;
    cursor[i] = (uint16_t)(ox0 + g->p >= w ? (ox0 + g->p - w) / step : 0u); /* no earlier window reaches ox0 */
  }
  /* Every piece whose consumer slot is free goes at once; the others wait for
   * their credit without holding back other consumers' pieces. A halo tile
   * feeds windows of several replicas, which free their slots at different
   * times: in a fixed order, the one furthest behind would hold the window
   * another consumer already waits for, and through it the whole chain. */
  for (;;) {
    uint32_t pending = 0;
    for (uint32_t i = 0; i < f->n_out; ++i) {
      const df_out_t* o = &f->out[i];
      uint32_t tc = cursor[i], lo = 0, hi = 0;
      if (tc == 0xFFFFu) continue;
      for (;;) {
        tc = next_window(&o->g, tc, ox0, ox0 + twt, &lo, &hi);
        if (tc >= o->g.tiles) {
          tc = 0xFFFFu;
          break;
        }
        const uint32_t M = img * o->g.tiles + tc;
        if (M % o->replicas == o->replica) {
          if (!credit_ok(o, M)) {
            ++pending;
            break;
          }
          send_piece(o, img, tc, src, ox0, row, next, lo, hi);
        }
        ++tc;
      }
      cursor[i] = (uint16_t)tc;
    }
    if (!pending) break;
    cluster_phase(CLUSTER_PHASE_WAIT_CREDIT);
    eu_wait_line(DF_EV_CREDIT);
    cluster_phase(CLUSTER_PHASE_COMMUNICATION);
  }
  if (f->hbm_out) {
    const uint32_t P = f->hbm_out_pixel;
    const uint32_t dst = f->hbm_out + img * f->out_h * f->out_w * P + ox0 * P;
    copy_block(dst, f->out_w * P, P, src, row, f->pb, twt, f->out_h);
    /* This cluster's last tile of the image: tell the host when it has landed. */
    if (next / f->tiles != img || next >= df_boot.batch * f->tiles) {
      dma_wait_count(DF_DMA_OUT, f->out_queued);
      cluster_image_done(img);
    }
  }
  f->out_mark[k & 1u] = f->out_queued;
}

void df_flow_reset(void) {
  for (uint32_t i = 0; i < DF_MAX_CLUSTERS; ++i) df_arrived[i] = 0, df_credit[i] = 0;
}

void df_flow_wait_delivered(uint32_t k) {
  const uint32_t mark = df_flow.out_mark[k & 1u];
  dma_wait_count(DF_DMA_OUT, mark);
  if (count_ge(mark, out_done_known)) out_done_known = mark;
}
