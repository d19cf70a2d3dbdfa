#pragma once
// Small arithmetic the mapper's builder and its policies share.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "network.hpp"
#include "weights_format.h"

namespace vp::map {

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
inline int64_t align64(int64_t v) { return (v + 63) & ~int64_t(63); }

// Fan-ins of a reduction tree of n partial sums whose nodes sum at most f each.
inline std::vector<int> tree(int n, int f) {
  std::vector<int> fanin;
  while (n > 1) {
    int k = std::min(f, n);
    fanin.push_back(k);
    n = int(ceil_div(n, k));
  }
  return fanin;
}

// Nodes per level of a reduction tree of r partial sums.
inline std::vector<int> level_nodes(int r, const std::vector<int>& fanin) {
  std::vector<int> nodes;
  int n = r;
  for (int f : fanin) nodes.push_back(n = int(ceil_div(n, f)));
  return nodes;
}

// Packing (mapping/docs/mapping-format.md): k horizontally adjacent output
// pixels of a conv in one MVM. The crossbar holds k copies of the kernel, copy
// j shifted by j * stride input columns, so one input vector is a kernel x
// ((k - 1) * stride + kernel) x C window, rows in (ky, kx, c) order.
inline int64_t packed_run(const Layer& l, int k) { return int64_t((k - 1) * l.stride + l.kernel) * l.in.c; }
inline int64_t packed_rows(const Layer& l, int k) { return int64_t(l.kernel) * packed_run(l, k); }

// MVMs of one output row of an image at pack k: ceil(tile width / k) per tile.
inline int64_t packed_groups(int out_w, int tile_w, int k) {
  const int tiles = int(ceil_div(out_w, tile_w)), last = out_w - (tiles - 1) * tile_w;
  return int64_t(tiles - 1) * ceil_div(tile_w, k) + ceil_div(last, k);
}

// L1 bytes of a depthwise layer's "weights" buffer: the body of its VPWT
// record (K*K x C weights padded to 4 bytes, then C channel records), which
// the firmware copies there in one transfer at boot.
inline int64_t dwconv_weights_bytes(const Layer& l) {
  return int64_t(vpwt_weight_bytes(uint32_t(l.rows()), uint32_t(l.cols()))) + l.cols() * int64_t(sizeof(vpwt_channel_t));
}

}  // namespace vp::map
