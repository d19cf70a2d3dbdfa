#pragma once
// Small arithmetic the mapper's builder and its policies share.
#include <algorithm>
#include <cstdint>
#include <vector>

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

}  // namespace vp::map
