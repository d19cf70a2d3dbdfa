/* The weights file (VPWT) that vp-map writes and the dataflow firmware reads
 * from global memory: a header, then per layer with weights (conv, fc,
 * dwconv), in network order, a record header, its rows*cols int8 weights
 * (row-major, rows in (ky, kx, c_in) order; a dwconv's K*K rows (ky, kx) and
 * one column per channel) padded with zeros to a multiple of 4 bytes, then one channel record
 * per output column (bias and requantization, contracts/numerics.h
 * nm_requant_ch). All fields little-endian; byte layout and meaning in
 * mapping/docs/binary-format.md. C and C++. */
#ifndef WEIGHTS_FORMAT_H
#define WEIGHTS_FORMAT_H

#include <stdint.h>

#define VPWT_MAGIC 0x54575056u /* the bytes 'V' 'P' 'W' 'T' */
#define VPWT_VERSION 2u
#define VPWT_NAME_BYTES 32u    /* a record's layer name, NUL-padded */

typedef struct {
  uint32_t magic, version;
  uint32_t records; /* one per layer with weights (conv, fc, dwconv) */
  uint32_t zero;
} vpwt_header_t; /* 16 bytes */

typedef struct {
  char name[VPWT_NAME_BYTES];
  uint32_t rows, cols;
  int32_t adc_shift;
  int32_t mult, shift; /* channel 0's requantization (all channels' when uniform) */
  uint32_t uniform;    /* 1: every channel has bias 0 and this mult and shift */
} vpwt_record_t; /* 56 bytes, then the weights, then cols x vpwt_channel_t */

/* The requantization of one output channel: nm_requant_ch(acc, bias, mult, shift, ...). */
typedef struct {
  int32_t bias, mult, shift;
} vpwt_channel_t; /* 12 bytes */

/* Bytes of a record's weights with their padding. */
static inline uint32_t vpwt_weight_bytes(uint32_t rows, uint32_t cols) { return (rows * cols + 3u) & ~3u; }

/* Bytes of a whole record: header, padded weights, channels. */
static inline uint32_t vpwt_record_bytes(uint32_t rows, uint32_t cols) {
  return (uint32_t)sizeof(vpwt_record_t) + vpwt_weight_bytes(rows, cols) + cols * (uint32_t)sizeof(vpwt_channel_t);
}

#ifdef __cplusplus
static_assert(sizeof(vpwt_header_t) == 16, "vpwt_header_t layout");
static_assert(sizeof(vpwt_record_t) == 56, "vpwt_record_t layout");
static_assert(sizeof(vpwt_channel_t) == 12, "vpwt_channel_t layout");
#else
_Static_assert(sizeof(vpwt_header_t) == 16, "vpwt_header_t layout");
_Static_assert(sizeof(vpwt_record_t) == 56, "vpwt_record_t layout");
_Static_assert(sizeof(vpwt_channel_t) == 12, "vpwt_channel_t layout");
#endif

#endif /* WEIGHTS_FORMAT_H */
