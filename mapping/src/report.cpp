#include "report.hpp"

#include <fmt/format.h>

namespace vp::map {

namespace {

std::string shape_str(const Shape& s) { return fmt::format("{}x{}x{}", s.c, s.h, s.w); }

struct Counts {
  int analog = 0, reduce = 0, digital = 0, store = 0;
};
Counts counts(const Mapping& m) {
  Counts c;
  for (const auto& x : m.clusters) {
    if (x.role == Role::Analog) ++c.analog;
    if (x.role == Role::Reduce) ++c.reduce;
    if (x.role == Role::Digital) ++c.digital;
    if (x.role == Role::ResidualStore) ++c.store;
  }
  return c;
}

// The slowest stage of each layer (its analog part, a reduction level or
// its digital part), per image.
const Stage* slowest(const Mapping& m, int layer) {
  const Stage* s = nullptr;
  for (const auto& st : m.stages)
    if (st.layer == layer && (!s || st.image_cycles > s->image_cycles)) s = &st;
  return s;
}

int64_t residual_bytes(const Mapping& m) {
  int64_t b = 0;
  for (const auto& r : m.residuals) b += r.bytes;
  return b;
}

}  // namespace

std::string layer_table(const Network& net) {
  std::string out = fmt::format("{:>3} {:>5}  {:<10} {:<8} {:>13} {:>13} {:>11} {:>14}\n", "idx", "paper", "name", "op",
                                "in (CxHxW)", "out (CxHxW)", "weights", "MACs/image");
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& l = net.layers[i];
    out += fmt::format("{:>3} {:>5}  {:<10} {:<8} {:>13} {:>13} {:>11} {:>14}\n", i, l.paper.empty() ? "-" : l.paper,
                       l.name, op_name(l.op), shape_str(l.in), shape_str(l.out),
                       l.weighted() ? fmt::format("{}x{}", l.rows(), l.cols()) : "-", l.macs());
  }
  out += fmt::format("total: {} MACs per image = {:.3f} GMAC ({:.3f} GOP at 2 ops per MAC)\n", net.macs(),
                     double(net.macs()) * 1e-9, 2.0 * double(net.macs()) * 1e-9);
  return out;
}

std::string modes_table(const std::vector<Mapping>& maps) {
  // The paper (section VI, Fig. 5A), for ResNet-18: 322 clusters in the final mapping,
  // replicate = naive + 61 clusters at 1.6x, full = replicate + 2 at 1.9x.
  static const char* paper[] = {"259 clusters", "+61 clusters, 1.6x", "+2 clusters, 1.9x; 322 clusters, 3303 images/s"};
  std::string out = fmt::format("{:<10} {:>9} {:>8} {:>11} {:>8}  {:<24}  {}\n", "mode", "clusters", "added",
                                "images/s", "step", "bottleneck", "paper (Fig. 5A)");
  for (size_t i = 0; i < maps.size(); ++i) {
    const Mapping& m = maps[i];
    int added = i ? m.clusters_used() - maps[i - 1].clusters_used() : 0;
    double step = i ? m.images_per_s / maps[i - 1].images_per_s : 1.0;
    out += fmt::format("{:<10} {:>9} {:>8} {:>11.0f} {:>7.2f}x  {:<24}  {}\n", mode_name(m.mode), m.clusters_used(),
                       i ? fmt::format("{:+d}", added) : "-", m.images_per_s, step, m.bottleneck,
                       m.network == "resnet18" && int(m.mode) < 3 ? paper[int(m.mode)] : "");
  }
  return out;
}

std::string report_text(const Mapping& m, const Network& net) {
  const double us = 1e6 / m.platform.clock_hz;  // microseconds per cycle
  Counts c = counts(m);
  std::string out;
  out += fmt::format("network {} on platform {}, mode {}\n", m.network, m.platform.name, mode_name(m.mode));
  out += fmt::format("operations: {} MACs per image ({:.3f} GOP, 2 ops per MAC)\n", m.macs, 2e-9 * double(m.macs));
  out += fmt::format("clusters used: {} of {} (analog {}, reduce {}, digital {}, residual stores {})\n",
                     m.clusters_used(), m.platform.clusters, c.analog, c.reduce, c.digital, c.store);
  out += fmt::format("\n{:>3} {:>5}  {:<10} {:<8} {:>7} {:>5} {:>9} {:>4} {:>8} {:>9} {:>12}  {}\n", "idx", "paper",
                     "layer", "op", "rxc", "rep", "fan-in", "tile", "clusters", "us/image", "slowest", "bound");
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& l = net.layers[i];
    const LayerPlan& p = m.plans[i];
    const Stage* s = slowest(m, int(i));
    std::string fan;
    for (size_t k = 0; k < p.reduce_fanin.size(); ++k) fan += (k ? "," : "") + std::to_string(p.reduce_fanin[k]);
    out += fmt::format("{:>3} {:>5}  {:<10} {:<8} {:>7} {:>5} {:>9} {:>4} {:>8} {:>9.1f} {:>12}  {}\n", i,
                       l.paper.empty() ? "-" : l.paper, l.name, op_name(l.op),
                       l.analog() ? fmt::format("{}x{}{}", p.row_splits, p.col_splits,
                                                p.pack > 1 ? fmt::format("/{}", p.pack) : "")
                                  : "-",
                       p.replicas,
                       fan.empty() ? "-" : fan, p.tile_w, p.clusters.size(), s ? s->image_cycles * us : 0.0,
                       s ? (s->role == Role::Reduce ? fmt::format("reduce L{}", s->level) : role_name(s->role)) : "-",
                       s ? s->bound : "");
  }
  int in_hbm = 0;
  for (const auto& r : m.residuals) in_hbm += r.in_hbm;
  out += fmt::format("\nresiduals: {} live bytes over {} adds ({} in HBM, {} in the L1 of {} free clusters)\n",
                     residual_bytes(m), m.residuals.size(), in_hbm, int(m.residuals.size()) - in_hbm, c.store);
  out += fmt::format("HBM link: {} bytes per image, {:.1f} us per image\n", m.hbm_bytes, m.hbm_cycles * us);
  out += fmt::format("bottleneck: {} at {:.1f} us per image\n", m.bottleneck, m.bottleneck_cycles * us);
  out += fmt::format("throughput: {:.0f} images/s, {:.2f} TOPS (at {:.3f} GOP per image)\n", m.images_per_s, m.tops,
                     2e-9 * double(m.macs));
  out += fmt::format("batch of {}: {:.3f} ms steady state, {:.3f} ms first-in to last-out (estimates)\n", m.cost.batch,
                     m.batch_steady_s * 1e3, m.batch_latency_s * 1e3);
  if (m.mode != Mode::Naive)
    out += fmt::format("balancer: {} steps, stopped because {}\n", m.balancer_steps, m.balancer_stop);
  return out;
}

nlohmann::json report_json(const Mapping& m, const Network& net) {
  using nlohmann::json;
  const double us = 1e6 / m.platform.clock_hz;
  Counts c = counts(m);
  json j;
  j["network"] = m.network;
  j["platform"] = m.platform.name;
  j["mode"] = mode_name(m.mode);
  j["macs_per_image"] = m.macs;
  j["ops_per_image"] = 2 * m.macs;
  j["clusters_used"] = m.clusters_used();
  j["clusters_total"] = m.platform.clusters;
  j["clusters_by_role"] = {{"analog", c.analog}, {"reduce", c.reduce}, {"digital", c.digital}, {"residual_store", c.store}};
  json layers = json::array();
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& l = net.layers[i];
    const LayerPlan& p = m.plans[i];
    json jl = {{"index", i}, {"name", l.name}, {"paper", l.paper}, {"op", op_name(l.op)},
               {"replicas", p.replicas}, {"tile_w", p.tile_w}, {"tiles", p.tiles}, {"clusters", p.clusters.size()}};
    if (l.analog()) {
      jl["row_splits"] = p.row_splits;
      jl["pack"] = p.pack;
      jl["col_splits"] = p.col_splits;
      jl["reduce_fanin"] = p.reduce_fanin;
      jl["psum_bytes"] = p.psum_bytes;
    }
    json stages = json::array();
    for (const auto& s : m.stages)
      if (s.layer == int(i))
        stages.push_back({{"name", s.name}, {"role", role_name(s.role)}, {"level", s.level},
                          {"clusters", s.clusters.size()}, {"us_per_image", s.image_cycles * us},
                          {"us_per_tile", s.tile_cycles * us}, {"bound", s.bound}});
    jl["stages"] = stages;
    layers.push_back(jl);
  }
  j["layers"] = layers;
  json res = json::array();
  for (const auto& r : m.residuals) {
    json store = json::array();
    for (const auto& [id, b] : r.store) store.push_back({{"cluster", id}, {"bytes", b}});
    res.push_back({{"add", net.layers[size_t(r.add)].name},
                   {"keeps", r.skip < 0 ? std::string("input") : net.layers[size_t(r.skip)].name},
                   {"bytes", r.bytes}, {"in_hbm", r.in_hbm}, {"store", store}});
  }
  j["residuals"] = res;
  j["residual_bytes"] = residual_bytes(m);
  j["hbm_bytes_per_image"] = m.hbm_bytes;
  j["hbm_us_per_image"] = m.hbm_cycles * us;
  j["bottleneck"] = m.bottleneck;
  j["bottleneck_us_per_image"] = m.bottleneck_cycles * us;
  j["images_per_s"] = m.images_per_s;
  j["tops"] = m.tops;
  j["batch"] = m.cost.batch;
  j["batch_steady_ms"] = m.batch_steady_s * 1e3;
  j["batch_latency_ms"] = m.batch_latency_s * 1e3;
  j["balancer_steps"] = m.balancer_steps;
  j["balancer_stop"] = m.balancer_stop;
  return j;
}

}  // namespace vp::map
