/* The compact binary form of a mapping, as the firmware reads it.
 * C and C++. Byte layout and meaning: mapping/docs/binary-format.md.
 *
 * All fields little-endian; records fixed-size and naturally aligned (no
 * padding: the sizes are checked below). A file is a header followed by five
 * tables at the offsets the header gives:
 *   layers      n_layers   x vpmap_layer_t     (network order)
 *   clusters    n_clusters x vpmap_cluster_t   (record i is cluster i)
 *   in edges    n_edges    x vpmap_edge_t      (sorted by dst, then src)
 *   out edges   n_edges    x vpmap_edge_t      (same edges sorted by src, then dst)
 *   buffers     n_buffers  x vpmap_buffer_t    (grouped by cluster, then the HBM regions)
 * A cluster's record points at its slices of the edge and buffer tables. */
#ifndef MAPPING_FORMAT_H
#define MAPPING_FORMAT_H

#include <stdint.h>

#define VPMAP_MAGIC 0x50414D56u /* the bytes 'V' 'M' 'A' 'P' */
#define VPMAP_VERSION 4u /* 3: vpmap_layer_t grew act_min (68 bytes); 4: psum_bytes (int16 partial sums) */
#define VPMAP_NONE 0xFFFFu /* no layer (the network input), or the HBM as an edge end */
/* Characters of a layer name: vpmap_layer_t.name and the weights file's
 * records hold it with a NUL; a network with a longer name is refused when read. */
#define VPMAP_LAYER_NAME_MAX 23u
/* What the dataflow runtime can run (firmware/dataflow/flow.h uses these):
 * the mapper refuses a mapping beyond them. */
#define VPMAP_MAX_CLUSTERS 1024u
#define VPMAP_MAX_EDGES 64u /* in-edges, and out-edges, of one cluster */
#define VPMAP_MAX_BUFFERS 8u /* L1 buffers of one cluster (a residual store's rings included) */
#define VPMAP_MAX_LAYERS 128u /* layers of the network */
#define VPMAP_MAX_PEERS 64u /* producer, and consumer, clusters of one cluster (a ring stands for its writers/readers) */
#define VPMAP_MAX_QCOLS 512u /* columns a cluster requantizes per channel (a 512-column crossbar's; 12 bytes each in the firmware's L1) */

enum vpmap_mode { VPMAP_MODE_NAIVE = 0, VPMAP_MODE_REPLICATE = 1, VPMAP_MODE_FULL = 2, VPMAP_MODE_AUTO = 3 };
enum vpmap_op { VPMAP_OP_CONV = 1, VPMAP_OP_FC = 2, VPMAP_OP_MAXPOOL = 3, VPMAP_OP_AVGPOOL = 4, VPMAP_OP_ADD = 5,
                 VPMAP_OP_DWCONV = 6 /* depthwise conv: digital, on the cores (or the cluster's dwconv IP) */ };
enum vpmap_role {
  VPMAP_ROLE_IDLE = 0,          /* unused by this mapping (an id below a used one) */
  VPMAP_ROLE_ANALOG = 1,        /* holds one crossbar of a layer (one replica) */
  VPMAP_ROLE_REDUCE = 2,        /* one node of a layer's reduction tree */
  VPMAP_ROLE_DIGITAL = 3,       /* one part of a pooling, residual-add or depthwise layer */
  VPMAP_ROLE_RESIDUAL_STORE = 4 /* keeps residual data in its L1 (full mode) */
};
enum vpmap_edge_kind { VPMAP_EDGE_ACTIVATION = 0, VPMAP_EDGE_PARTIAL = 1, VPMAP_EDGE_RESIDUAL = 2 };
enum vpmap_buffer_kind {
  VPMAP_BUF_INPUT = 1,    /* double-buffered input window (int8) */
  VPMAP_BUF_INPUT_B = 2,  /* second input of an add (int8) */
  VPMAP_BUF_IMA_OUT = 3,  /* IMA output, ADC codes as partial sums (the layer's psum_bytes each) */
  VPMAP_BUF_OUTPUT = 4,   /* int8 output, or partial sums before the last reduction level */
  VPMAP_BUF_PARTIALS = 5, /* fan_in incoming partial-sum tiles (psum_bytes each element) */
  VPMAP_BUF_RESIDUAL = 6, /* residual data kept for an add (layer = the producing layer) */
  VPMAP_BUF_WEIGHTS = 7   /* a depthwise layer's weights and channel records, copied from its VPWT record at boot */
};
#define VPMAP_FLAG_QUANT 1u /* the layers' adc_shift / mult / shift fields are set */
/* Layers are tiled for different crossbar sizes (IMA classes of several sizes): ima_rows x ima_cols
 * is the smallest; a layer's own is its crossbar clusters' blocks (row split r holds rows
 * [r * T, ...) with T its tile's rows). The firmware needs nothing more: each cluster programs
 * and drives its own block on its own IMA. */
#define VPMAP_FLAG_MIXED_XBAR 2u

/* Bytes per partial sum of an analog layer whose outputs sum fan_in crossbars'
 * ADC codes (its row splits; 1: none), on an IMA of adc_bits: the codes are
 * signed adc_bits-bit values (ima_saturate), so a sum of fan_in of them lies
 * in [-fan_in * 2^(adc_bits-1), fan_in * (2^(adc_bits-1) - 1)], inside int16
 * iff adc_bits + ceil(log2(fan_in)) <= 16 (the adc_bits count the sign). */
static inline uint32_t vpmap_psum_bytes(uint32_t adc_bits, uint32_t fan_in) {
  uint32_t lg = 0;
  while (lg < 31u && (1u << lg) < fan_in) ++lg;
  return adc_bits + lg <= 16u ? 2u : 4u;
}

typedef struct {
  uint32_t magic, version, header_bytes, total_bytes;
  uint32_t n_layers, n_clusters, n_edges, n_buffers;
  uint32_t layer_offset, cluster_offset, in_edge_offset, out_edge_offset;
  uint32_t buffer_offset, l1_size, l1_reserved;
  uint16_t mode, platform_clusters;
  uint16_t ima_rows, ima_cols;
  uint8_t flags, reserved[3];
  uint32_t first_hbm_buffer, n_hbm_buffers; /* the HBM regions: last in the buffer table */
} vpmap_header_t; /* 80 bytes */

typedef struct {
  char name[VPMAP_LAYER_NAME_MAX + 1]; /* NUL-padded */
  uint8_t op, relu, kernel, stride;
  uint8_t padding, adc_shift, shift, n_levels; /* n_levels: reduction tree levels; avgpool: adc_shift = rounding (NM_AVG_*) */
  int32_t mult; /* conv/fc: channel 0's multiplier (the weights file has every channel's); add: mult_a | mult_b << 16 */
  uint16_t input0, input1;          /* producer layers; VPMAP_NONE = network input / unused */
  uint16_t in_c, in_h, in_w, out_c, out_h, out_w;
  uint16_t replicas, row_splits, col_splits, tile_w, tiles; /* tiles: per image, dealt round-robin to replicas */
  union {                    /* one byte whose meaning depends on op (as adc_shift's for avgpool) */
    uint8_t residual_in_hbm; /* add: the skip input is read from the HBM */
    uint8_t pack;            /* analog conv: adjacent output pixels per MVM (0 or 1: one; mapping-format.md) */
    uint8_t dw_engine;       /* dwconv: 1 = the clusters' depthwise accelerators (ip/dwconv) compute it, 0 = the cores */
  };
  int8_t act_max;          /* conv/fc/add: upper clamp of the output codes (127: none; ReLU6, Clip) */
  /* Appended in version 3. conv/fc/dwconv/add: lower clamp of the output codes, relu ? 0 : -128 <= act_min
   * <= act_max (Clip(min) with any min; equal to the floor: none). */
  int8_t act_min;
  /* Appended in version 4. Analog conv/fc: bytes per partial sum, 2 or 4 (the IMA's OUT_SIZE, the
   * ima_out, partials and inner-level output buffers, the partial-sum edges): 2 where every sum of the
   * layer's ADC codes fits int16 (vpmap_psum_bytes); 0 for the other ops. */
  uint8_t psum_bytes;
  uint8_t reserved2[2];
} vpmap_layer_t; /* 68 bytes */

typedef struct {
  uint16_t id, role, layer, replica;          /* layer = VPMAP_NONE for a residual store */
  uint16_t row_split, col_split, level, node; /* level: 1.. for reduce nodes */
  uint32_t row0, row1, col0, col1;            /* weight rows / output columns [0, 1) */
  uint16_t fan_in, n_buffers;
  uint32_t first_buffer;
  uint32_t first_in_edge, n_in_edges;   /* slice of the in-edge table */
  uint32_t first_out_edge, n_out_edges; /* slice of the out-edge table */
  uint32_t l1_used;                     /* bytes from the L1 base, reserved area included */
  uint32_t tile_cycles;                 /* cost-model estimate of one tile */
} vpmap_cluster_t; /* 64 bytes */

typedef struct {
  uint16_t src, dst;      /* cluster ids; VPMAP_NONE = the HBM */
  uint16_t layer, kind;   /* whose output flows (VPMAP_NONE = network input); vpmap_edge_kind */
  uint32_t bytes;         /* per image */
  uint32_t segment;       /* contiguous bytes per transfer burst */
} vpmap_edge_t; /* 16 bytes */

typedef struct {
  uint32_t offset, size; /* bytes from the cluster's L1 base, or from hbm_base (cluster VPMAP_NONE) */
  uint16_t kind, cluster;
  uint16_t layer, reserved;
} vpmap_buffer_t; /* 16 bytes */

/* Bytes per partial sum of an analog layer's record (2 or 4). */
static inline uint32_t vpmap_layer_psum(const vpmap_layer_t* L) { return L->psum_bytes == 2u ? 2u : 4u; }

#ifdef __cplusplus
static_assert(sizeof(vpmap_header_t) == 80, "vpmap_header_t layout");
static_assert(sizeof(vpmap_layer_t) == 68, "vpmap_layer_t layout");
static_assert(sizeof(vpmap_cluster_t) == 64, "vpmap_cluster_t layout");
static_assert(sizeof(vpmap_edge_t) == 16, "vpmap_edge_t layout");
static_assert(sizeof(vpmap_buffer_t) == 16, "vpmap_buffer_t layout");
#else
_Static_assert(sizeof(vpmap_header_t) == 80, "vpmap_header_t layout");
_Static_assert(sizeof(vpmap_layer_t) == 68, "vpmap_layer_t layout");
_Static_assert(sizeof(vpmap_cluster_t) == 64, "vpmap_cluster_t layout");
_Static_assert(sizeof(vpmap_edge_t) == 16, "vpmap_edge_t layout");
_Static_assert(sizeof(vpmap_buffer_t) == 16, "vpmap_buffer_t layout");
#endif

/* ----- Reload mode (mapping/docs/binary-format.md "Reload file", docs/dataflow.md
 * "Weight reloading") -----------------------------------------------------------
 * A network that needs more crossbars than the platform has runs in layer
 * groups: group by group every cluster programs its crossbar from a weight
 * chunk in the HBM and runs the group's pipeline over the batch; activations
 * that cross a group boundary go through the HBM. The reload file is a
 * header and three tables, then the data area:
 *   groups   n_groups      x vprl_group_t   (in run order)
 *   chunks   n_chunks      x vprl_chunk_t   (by group, then cluster)
 *   hbm      n_hbm_buffers x vpmap_buffer_t (every HBM region of the run: the
 *            network input, each tensor crossing a group boundary, the output,
 *            the residual rings inside a group; offsets from hbm_base)
 *   data     each group's VMAP binary (a naive mapping of the whole layer table
 *            restricted to the group's clusters, numbered from 0; its HBM
 *            regions are the table above), then the groups' weight chunks;
 *            every piece 64-byte aligned, a group's chunks contiguous. */
#define VPRL_MAGIC 0x4C525056u /* the bytes 'V' 'P' 'R' 'L' */
#define VPRL_VERSION 1u

typedef struct {
  uint32_t magic, version, header_bytes, total_bytes;
  uint32_t n_groups, group_offset;
  uint32_t n_chunks, chunk_offset;
  uint32_t n_hbm_buffers, hbm_offset;
  uint32_t data_offset, data_bytes;
  uint16_t platform_clusters, n_layers;
  uint16_t ima_rows, ima_cols;
} vprl_header_t; /* 56 bytes */

typedef struct {
  uint32_t mapping_offset, mapping_bytes; /* its VMAP binary, from the file start */
  uint32_t first_chunk, n_chunks;         /* its slice of the chunk table */
  uint32_t chunk_data_offset, chunk_data_bytes; /* its chunks' bytes, contiguous (one prefetch) */
  uint16_t first_layer, last_layer;       /* the layers of its first and last part */
  uint16_t clusters, crossbars;           /* clusters its mapping uses; of those, the ones it programs */
  uint32_t cells;                         /* crossbar cells programmed */
  uint32_t hbm_in, hbm_out;               /* activation bytes per image read from / written to the HBM */
} vprl_group_t; /* 44 bytes */

typedef struct {
  uint16_t cluster, layer; /* cluster id in the group's mapping; its layer */
  uint16_t rows, cols;     /* the crossbar block: weight rows [row0, row0 + rows), columns [col0, col0 + cols) */
  uint32_t row0, col0;
  uint32_t pitch;          /* bytes per row in the chunk: cols rounded up to 4 (whole register words), zero-padded */
  uint32_t offset;         /* of the chunk (rows x pitch bytes, row-major), from the file start */
} vprl_chunk_t; /* 24 bytes */

/* What a run of the groups measured, one record a group, written by cluster
 * 0 after the file (at total_bytes, n_groups records) in the HBM: the host
 * reserves that area zeroed and reads it back for the report. */
typedef struct {
  uint32_t fetch_cycles;   /* the slowest cluster's DMA of its chunk from the HBM into L1 */
  uint32_t program_cycles; /* the slowest cluster's IMA programming jobs */
  uint32_t cycles;         /* the group's time on cluster 0, its boot to the barrier after it (0: not run) */
  uint32_t end_cycles;     /* cluster 0's cycle counter at the end of the group (low 32 bits) */
} vprl_stat_t; /* 16 bytes */

#ifdef __cplusplus
static_assert(sizeof(vprl_stat_t) == 16, "vprl_stat_t layout");
static_assert(sizeof(vprl_header_t) == 56, "vprl_header_t layout");
static_assert(sizeof(vprl_group_t) == 44, "vprl_group_t layout");
static_assert(sizeof(vprl_chunk_t) == 24, "vprl_chunk_t layout");
#else
_Static_assert(sizeof(vprl_stat_t) == 16, "vprl_stat_t layout");
_Static_assert(sizeof(vprl_header_t) == 56, "vprl_header_t layout");
_Static_assert(sizeof(vprl_group_t) == 44, "vprl_group_t layout");
_Static_assert(sizeof(vprl_chunk_t) == 24, "vprl_chunk_t layout");
#endif

#endif /* MAPPING_FORMAT_H */
