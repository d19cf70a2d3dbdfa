#include "reload.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace vp::map {

namespace {

// Where a layer is written, for an error a user can follow to the file.
std::string located(const Layer& l) {
  return l.where.line > 0 ? fmt::format("{}: layer {}", l.where.str(), l.name) : "layer " + l.name;
}

}  // namespace

ReloadPlan plan_reload(const Network& net, const Config& cfg, const CostParams& cost) {
  const PlatformInfo P = PlatformInfo::from(cfg);
  ReloadPlan plan;
  plan.network = net.name;
  plan.platform = P.name;
  plan.clusters = P.clusters;
  plan.ima_clusters = P.ima_clusters;
  plan.needs = layer_needs(net, P, cost);
  const int n = int(net.layers.size());
  // Per column group of each layer (naive: col_splits x (row crossbars + reduction nodes)).
  auto per_col = [&](int i, bool xbars) {
    const LayerNeeds& d = plan.needs[size_t(i)];
    const int splits = std::max(1, d.col_splits);
    return (xbars ? d.crossbars : d.clusters) / splits;
  };
  for (int i = 0; i < n; ++i) {
    const Layer& l = net.layers[size_t(i)];
    const int clusters = per_col(i, false), xbars = per_col(i, true);
    if (xbars > P.ima_clusters || clusters > P.clusters)
      throw MappingError(fmt::format(
          "{} ({}x{} weights): one column group needs {} clusters ({} crossbars of {}x{} and their reduction node), "
          "the platform {} has {} ({} with an IMA); reload mode splits a layer by columns, not by rows",
          located(l), l.rows(), l.cols(), clusters, xbars, P.ima.rows, P.ima.cols, P.name, P.clusters, P.ima_clusters));
  }

  // Greedy, in the network's order: a group takes the next layers while their
  // clusters fit. A layer that does not fit whole is cut by column groups;
  // each of its parts ends its group, so every consumer of a split layer
  // reads it complete from the HBM.
  const double program_row_ns = cfg.get_float("cluster.ima.program_row_ns");
  const double program_setup_ns = cfg.get_float("cluster.ima.program_setup_ns");
  const double link = double(P.width.empty() ? 1 : std::max<int64_t>(1, P.width[0]));
  std::vector<std::set<int>> groups_of{size_t(n)};  // the groups holding a part of each layer
  ReloadGroup g;
  auto close = [&] {
    if (g.parts.empty()) return;
    g.first = g.parts.front().layer, g.last = g.parts.back().layer;
    g.fetch_cycles = double(g.cells) / link;
    if (g.crossbars > 0)
      g.program_cycles = (program_setup_ns + double(g.program_rows) * program_row_ns) * 1e-9 * P.clock_hz;
    plan.cells += g.cells;
    plan.groups.push_back(g);
    g = ReloadGroup{};
  };
  for (int i = 0; i < n; ++i) {
    const Layer& l = net.layers[size_t(i)];
    const int splits = l.analog() ? std::max(1, plan.needs[size_t(i)].col_splits) : 1;
    const int clusters = per_col(i, false), xbars = per_col(i, true);
    for (int c = 0; c < splits;) {
      int fit = splits - c;  // column groups that fit beside what the group holds
      if (clusters > 0) fit = std::min(fit, (P.clusters - g.clusters) / clusters);
      if (xbars > 0) fit = std::min(fit, (P.ima_clusters - g.crossbars) / xbars);
      if (fit <= 0) {
        close();
        continue;
      }
      ReloadPart part{i, c, c + fit, fit == splits};
      g.parts.push_back(part);
      g.clusters += fit * clusters;
      g.crossbars += fit * xbars;
      if (l.analog()) {
        const int64_t col_w = P.ima.cols;  // a column group is one crossbar wide (mapper.cpp)
        g.cells += l.rows() * (std::min<int64_t>(l.cols(), int64_t(c + fit) * col_w) - int64_t(c) * col_w);
        g.program_rows = std::max<int64_t>(g.program_rows, std::min<int64_t>(l.rows(), P.ima.rows));
      }
      groups_of[size_t(i)].insert(int(plan.groups.size()));
      c += fit;
      if (!part.whole) close();
    }
  }
  close();

  // Activations across group boundaries: a layer read by a part of another
  // group, or split itself, goes through the HBM.
  auto complete_in = [&](int k, int gi) { return groups_of[size_t(k)] == std::set<int>{gi}; };
  for (size_t gi = 0; gi < plan.groups.size(); ++gi) {
    ReloadGroup& grp = plan.groups[gi];
    std::set<int> in, out;
    for (const ReloadPart& part : grp.parts) {
      for (int k : net.layers[size_t(part.layer)].inputs)
        if (k < 0 || !complete_in(k, int(gi))) in.insert(k);
      if (!complete_in(part.layer, int(gi))) out.insert(part.layer);
      for (int c : net.consumers(part.layer))
        if (!complete_in(c, int(gi))) out.insert(part.layer);
    }
    grp.inputs.assign(in.begin(), in.end());
    grp.outputs.assign(out.begin(), out.end());
    for (int k : grp.inputs) grp.hbm_in += k < 0 ? net.input.size() : net.layers[size_t(k)].out.size();
    for (int k : grp.outputs) grp.hbm_out += net.layers[size_t(k)].out.size();
  }
  return plan;
}

std::string reload_report(const ReloadPlan& plan, const Network& net) {
  std::string s = fmt::format(
      "network {} on {}: mode reload, {} layer groups ({} clusters, {} with an IMA), {} weights programmed per batch\n",
      plan.network, plan.platform, plan.groups.size(), plan.clusters, plan.ima_clusters, plan.cells);
  s += "group  layers                       clusters  crossbars  weights     HBM in/out per image  "
       "fetch cycles  program cycles (estimates)\n";
  for (size_t gi = 0; gi < plan.groups.size(); ++gi) {
    const ReloadGroup& g = plan.groups[gi];
    auto part_name = [&](const ReloadPart& p) {
      const std::string& name = net.layers[size_t(p.layer)].name;
      return p.whole ? name : fmt::format("{}[{}:{}]", name, p.col0, p.col1);
    };
    const std::string layers = g.parts.size() == 1 ? part_name(g.parts.front())
                                                   : part_name(g.parts.front()) + ".." + part_name(g.parts.back());
    s += fmt::format("{:<6} {:<28} {:>8}  {:>9}  {:>10}  {:>9} / {:<9}  {:>12.0f}  {:>14.0f}\n", gi, layers, g.clusters,
                     g.crossbars, g.cells, g.hbm_in, g.hbm_out, g.fetch_cycles, g.program_cycles);
  }
  return s;
}

}  // namespace vp::map
