/* The lower clamp of a Clip whose bound is neither 0 nor -128 (the layer
 * record's act_min): a post-pass over a tile's int8 output, so that the
 * requantization and add kernels keep their one clamp to [lo, act_max],
 * lo = relu ? 0 : -128. nm_floor (contracts/numerics.h) proves that
 * max(clamp(v, lo, act_max), act_min) = clamp(v, act_min, act_max) for
 * lo <= act_min <= act_max, which the network format checks. RV32, C. */
#ifndef DATAFLOW_ACT_FLOOR_H
#define DATAFLOW_ACT_FLOOR_H

#include <stdint.h>

#include "mapping_format.h"

/* Whether layer L's outputs need the post-pass (act_min above its kernels' floor). */
static inline int df_needs_floor(const vpmap_layer_t* L) {
  return (int32_t)L->act_min > (L->relu ? 0 : -128);
}

/* SPMD over the kernels' team (df_share): p[i] = max(p[i], act_min), i < n.
 * The caller puts a barrier between the kernel that wrote p and this pass
 * (the two share the work differently), and one after it. */
void df_act_floor(int8_t* p, uint32_t n, int32_t act_min);

#endif /* DATAFLOW_ACT_FLOOR_H */
