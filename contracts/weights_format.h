/* The weights file (VPWT) that vp-map writes and the dataflow firmware reads
 * from global memory: a header, then per analog layer, in network order, a
 * record header and its rows*cols int8 weights (row-major, rows in
 * (ky, kx, c_in) order). All fields little-endian; byte layout and meaning in
 * mapping/docs/binary-format.md. C and C++. */
#ifndef WEIGHTS_FORMAT_H
#define WEIGHTS_FORMAT_H

#include <stdint.h>

#define VPWT_MAGIC 0x54575056u /* the bytes 'V' 'P' 'W' 'T' */
#define VPWT_VERSION 1u
#define VPWT_NAME_BYTES 32u    /* a record's layer name, NUL-padded */

typedef struct {
  uint32_t magic, version;
  uint32_t records; /* one per analog layer */
  uint32_t zero;
} vpwt_header_t; /* 16 bytes */

typedef struct {
  char name[VPWT_NAME_BYTES];
  uint32_t rows, cols;
  int32_t adc_shift, mult, shift;
  uint32_t zero;
} vpwt_record_t; /* 56 bytes, then rows*cols int8 weights */

#ifdef __cplusplus
static_assert(sizeof(vpwt_header_t) == 16, "vpwt_header_t layout");
static_assert(sizeof(vpwt_record_t) == 56, "vpwt_record_t layout");
#else
_Static_assert(sizeof(vpwt_header_t) == 16, "vpwt_header_t layout");
_Static_assert(sizeof(vpwt_record_t) == 56, "vpwt_record_t layout");
#endif

#endif /* WEIGHTS_FORMAT_H */
