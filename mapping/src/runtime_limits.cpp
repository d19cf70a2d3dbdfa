#include "runtime_limits.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "mapping_format.h"

namespace vp::map {

namespace {

std::string who(const Mapping& m, const Network& net, int id) {
  const auto& c = m.clusters[size_t(id)];
  return fmt::format("cluster {} ({} {})", id, c.layer < 0 ? std::string("residual store") : net.layers[size_t(c.layer)].name,
                     role_name(c.role));
}

std::string holder_name(int id) { return id < 0 ? std::string("the HBM") : fmt::format("cluster {}", id); }

}  // namespace

// firmware/dataflow/flow.c, df_flow_setup, replayed on the mapping's edges:
// - an add reads its skip input from one ring, so every residual in-edge of
//   an add cluster comes from one holder (a residual store or the HBM);
// - a cluster's producers (and consumers) are the distinct clusters of its
//   in-edges (out-edges), where a residual edge stands for every cluster
//   that writes (reads) that ring; the runtime keeps VPMAP_MAX_PEERS of each.
void check_flow_limits(const Mapping& m, const Network& net) {
  // (holder, layer) -> the clusters writing that ring, and those reading it.
  std::map<std::pair<int, int>, std::set<int>> writers, readers;
  for (const auto& e : m.edges) {
    if (e.kind != Edge::Residual) continue;
    if (e.src >= 0 && (e.dst < 0 || m.clusters[size_t(e.dst)].role == Role::ResidualStore))
      writers[{e.dst, e.layer}].insert(e.src);
    if (e.dst >= 0 && (e.src < 0 || m.clusters[size_t(e.src)].role == Role::ResidualStore))
      readers[{e.src, e.layer}].insert(e.dst);
  }
  std::vector<std::set<int>> in(m.clusters.size()), out(m.clusters.size());
  std::vector<int> holder(m.clusters.size(), -2);  // -2: no ring read yet
  for (const auto& e : m.edges) {
    if (e.dst >= 0 && m.clusters[size_t(e.dst)].role != Role::ResidualStore) {
      const size_t d = size_t(e.dst);
      if (e.kind == Edge::Residual) {
        if (holder[d] != -2 && holder[d] != e.src) {
          const int add = m.clusters[d].layer;
          throw MappingError(fmt::format(
              "layer {}: the ring keeping its skip input {} is split over {} and {}, but the dataflow runtime reads "
              "a ring from one holder ({} reads both)",
              net.layers[size_t(add)].name, e.layer >= 0 ? net.layers[size_t(e.layer)].name : std::string("(input)"),
              holder_name(holder[d]), holder_name(e.src), who(m, net, e.dst)));
        }
        holder[d] = e.src;
        for (int w : writers[{e.src, e.layer}]) in[d].insert(w);
      } else if (e.src >= 0) {
        in[d].insert(e.src);
      }
    }
    if (e.src >= 0 && m.clusters[size_t(e.src)].role != Role::ResidualStore) {
      const size_t s = size_t(e.src);
      if (e.kind == Edge::Residual) {
        for (int r : readers[{e.dst, m.clusters[s].layer}]) out[s].insert(r);
      } else if (e.dst >= 0) {
        out[s].insert(e.dst);
      }
    }
  }
  for (size_t i = 0; i < m.clusters.size(); ++i)
    if (in[i].size() > VPMAP_MAX_PEERS || out[i].size() > VPMAP_MAX_PEERS)
      throw MappingError(fmt::format("{} has {} producer and {} consumer clusters (residual rings counted by the clusters "
                                     "that write and read them); the dataflow runtime keeps at most {} of each "
                                     "(fewer replicas of its neighbours)",
                                     who(m, net, int(i)), in[i].size(), out[i].size(), VPMAP_MAX_PEERS));
}

void check_table_limits(const Mapping& m, const Network& net) {
  if (net.layers.size() > VPMAP_MAX_LAYERS)
    throw MappingError(fmt::format("network {} has {} layers; the dataflow runtime's layer table holds at most {}",
                                   net.name, net.layers.size(), VPMAP_MAX_LAYERS));
  // A packed conv's weights are staged through its ima_out buffer, a kernel
  // row (kw x C rows of its columns) at a time (boot.c, program_packed).
  for (const auto& c : m.clusters) {
    if (c.role != Role::Analog || c.layer < 0 || m.plans[size_t(c.layer)].pack <= 1) continue;
    const Layer& l = net.layers[size_t(c.layer)];
    const int64_t ncols = c.col1 - c.col0, need = std::max<int64_t>(m.plans[size_t(c.layer)].pack, int64_t(l.kernel) * l.in.c) * ncols;
    for (const auto& b : c.buffers)
      if (b.name == "ima_out" && int64_t(b.size) < need)
        throw MappingError(fmt::format("{}: its ima_out buffer ({} bytes) cannot stage a kernel row of its packed "
                                       "weights ({} bytes; fewer packed copies, --cost max_pack)",
                                       who(m, net, c.id), b.size, need));
  }
  // Per-channel requantization: the requantizing cluster (an analog one
  // without a reduction tree, a tree's root) keeps its columns' {bias,
  // multiplier, shift} in a table of VPMAP_MAX_QCOLS (boot.c, df_load_quant).
  // A uniform layer needs no table; networks with per-channel or imported
  // weights may have one in every layer.
  if (!net.per_channel_calibration && net.weights_file.empty()) return;
  for (const auto& c : m.clusters) {
    if (c.layer < 0 || (c.role != Role::Analog && c.role != Role::Reduce)) continue;
    const LayerPlan& p = m.plans[size_t(c.layer)];
    const bool requantizes = c.role == Role::Analog ? p.reduce_fanin.empty() : c.level >= int(p.reduce_fanin.size());
    if (requantizes && c.col1 - c.col0 > int64_t(VPMAP_MAX_QCOLS))
      throw MappingError(fmt::format("{} requantizes {} columns per channel; the dataflow runtime's table holds {} "
                                     "(a crossbar of at most {} columns, or per-layer requantization)",
                                     who(m, net, c.id), c.col1 - c.col0, VPMAP_MAX_QCOLS, VPMAP_MAX_QCOLS));
  }
}

}  // namespace vp::map
