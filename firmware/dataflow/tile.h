/* Tiles of a layer: its output columns split into tiles of tile_w columns,
 * the last one narrower when tile_w does not divide the width. RV32 and host, C. */
#ifndef DATAFLOW_TILE_H
#define DATAFLOW_TILE_H

#include <stdint.h>

/* Output columns of tile t (0 = the leftmost of an image). */
static inline uint32_t df_tile_width(uint32_t tile_w, uint32_t out_w, uint32_t t) {
  const uint32_t ox0 = t * tile_w;
  return tile_w < out_w - ox0 ? tile_w : out_w - ox0;
}

#endif /* DATAFLOW_TILE_H */
