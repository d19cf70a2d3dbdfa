#include "reload.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "mapper_util.hpp"
#include "mapping_binary.hpp"
#include "mapping_format.h"

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
  plan.batch = cost.batch, plan.clock_hz = P.clock_hz;
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
  const bool mapped = !plan.groups.empty() && plan.groups.front().compute_cycles > 0;
  std::string s = fmt::format(
      "network {} on {}: mode reload, {} layer groups ({} clusters, {} with an IMA), {} weights programmed per batch\n",
      plan.network, plan.platform, plan.groups.size(), plan.clusters, plan.ima_clusters, plan.cells);
  s += "group  layers                       clusters  crossbars  weights     HBM in/out per image  "
       "fetch cycles  program cycles";
  s += mapped ? "  compute cycles  activation cycles (estimates, per batch)\n" : " (estimates)\n";
  double fetch = 0, program = 0, compute = 0, act = 0;
  for (size_t gi = 0; gi < plan.groups.size(); ++gi) {
    const ReloadGroup& g = plan.groups[gi];
    auto part_name = [&](const ReloadPart& p) {
      const std::string& name = net.layers[size_t(p.layer)].name;
      return p.whole ? name : fmt::format("{}[{}:{}]", name, p.col0, p.col1);
    };
    const std::string layers = g.parts.size() == 1 ? part_name(g.parts.front())
                                                   : part_name(g.parts.front()) + ".." + part_name(g.parts.back());
    s += fmt::format("{:<6} {:<28} {:>8}  {:>9}  {:>10}  {:>9} / {:<9}  {:>12.0f}  {:>14.0f}", gi, layers, g.clusters,
                     g.crossbars, g.cells, g.hbm_in, g.hbm_out, g.fetch_cycles, g.program_cycles);
    if (mapped) s += fmt::format("  {:>14.0f}  {:>17.0f}", g.compute_cycles, g.activation_cycles);
    s += "\n";
    fetch += g.fetch_cycles, program += g.program_cycles, compute += g.compute_cycles, act += g.activation_cycles;
  }
  if (mapped) {
    // Serial per group: fetch, program, then the pipeline, whose HBM traffic may overlap its compute.
    s += fmt::format(
        "batch of {} (cost model, not a VP run): fetch {:.0f} + program {:.0f} + compute {:.0f} cycles, activations "
        "through the HBM {:.0f} cycles (overlapping compute); {:.0f} cycles, {:.1f} images/s at {:.0f} MHz\n",
        plan.batch, fetch, program, compute, act, plan.batch_cycles, plan.images_per_s, plan.clock_hz * 1e-6);
  }
  return s;
}

namespace {

// The layers each group holds a part of (split layers are in several).
std::vector<std::set<int>> groups_of_layers(const ReloadPlan& plan, size_t n_layers) {
  std::vector<std::set<int>> g(n_layers);
  for (size_t gi = 0; gi < plan.groups.size(); ++gi)
    for (const ReloadPart& p : plan.groups[gi].parts) g[size_t(p.layer)].insert(int(gi));
  return g;
}

// A platform like `p` with `n` clusters, each like its cluster 0.
PlatformInfo widened(const PlatformInfo& p, int n) {
  PlatformInfo v = p;
  v.clusters = n, v.ima_clusters = n;
  auto grow = [n](auto& vec) { vec.assign(size_t(n), vec.front()); };
  grow(v.has_ima), grow(v.has_dwconv), grow(v.cores_of), grow(v.l1_of), grow(v.xbar_of), grow(v.area_of);
  return v;
}

}  // namespace

bool reload_alike(const PlatformInfo& P) {
  bool alike = P.ima_clusters == P.clusters && P.ima.layer_xbar.empty();
  for (int id = 1; id < P.clusters && alike; ++id)
    alike = P.has_dwconv[size_t(id)] == P.has_dwconv[0] && P.cores_of[size_t(id)] == P.cores_of[0] &&
            P.l1_of[size_t(id)] == P.l1_of[0] && P.xbar_of[size_t(id)] == P.xbar_of[0];
  return alike;
}

ReloadMapping map_reload(const Network& net, const Config& cfg, const CostParams& cost) {
  ReloadMapping r;
  r.plan = plan_reload(net, cfg, cost);
  PlatformInfo P = PlatformInfo::from(cfg);
  P.ima = ImaParams::from(cfg, net);
  if (!reload_alike(P))
    throw MappingError(fmt::format("reload mode maps on a platform whose clusters are alike, each with one IMA of one "
                                   "size; {} is not (docs/dataflow.md \"Weight reloading\")",
                                   P.name));
  int need = 0;
  for (const LayerNeeds& d : r.plan.needs) need += d.clusters;
  const Mapping whole = map_on(net, widened(P, std::max(need, P.clusters)), Mode::Naive, cost);
  const auto groups_of = groups_of_layers(r.plan, net.layers.size());
  auto complete_in = [&](int layer, int gi) { return layer >= 0 && groups_of[size_t(layer)] == std::set<int>{gi}; };

  // The HBM: the naive regions but the rings of residuals cut by a group
  // boundary, then a region for every other layer read across one.
  std::set<int> crossing;
  for (const ReloadGroup& g : r.plan.groups) crossing.insert(g.outputs.begin(), g.outputs.end());
  int64_t end = 0;
  for (const HbmBuffer& b : whole.hbm) {
    const bool ring = b.name.rfind("residual", 0) == 0;
    if (ring) {
      bool kept = false;  // the ring of a residual inside one group
      for (const Residual& res : whole.residuals)
        if (res.skip == b.layer)
          for (size_t gi = 0; gi < r.plan.groups.size(); ++gi)
            kept = kept || (complete_in(res.skip, int(gi)) && complete_in(res.add, int(gi)));
      if (!kept) continue;
    } else if (b.layer >= 0) {
      crossing.erase(b.layer);  // a network output has its region already
    }
    r.hbm.push_back(b);
    end = std::max(end, b.offset + b.size);
  }
  for (int layer : crossing) {
    end = align64(end);
    const int64_t size = int64_t(cost.batch) * net.layers[size_t(layer)].out.size();
    r.hbm.push_back({"output " + net.layers[size_t(layer)].name, layer, end, size});
    end += size;
  }
  if (end > P.hbm_size)
    throw MappingError(fmt::format("reload mode: a batch of {} images needs {} bytes of HBM (inputs, outputs, "
                                   "activations between groups, residuals), the platform {} has {}",
                                   cost.batch, end, P.name, P.hbm_size));

  for (size_t gi = 0; gi < r.plan.groups.size(); ++gi) {
    const ReloadGroup& grp = r.plan.groups[gi];
    Mapping g;
    g.mode = Mode::Naive, g.platform = P, g.cost = whole.cost, g.network = whole.network, g.plans = whole.plans;
    g.hbm = r.hbm;
    std::vector<int> id_of(whole.clusters.size(), -1), from;
    for (const ClusterRole& c : whole.clusters) {
      if (c.role == Role::Idle || c.layer < 0) continue;
      const bool mine = std::any_of(grp.parts.begin(), grp.parts.end(), [&](const ReloadPart& p) {
        return p.layer == c.layer && (p.whole || (c.col_split >= p.col0 && c.col_split < p.col1));
      });
      if (!mine) continue;
      id_of[size_t(c.id)] = int(g.clusters.size());
      from.push_back(c.id);
      g.clusters.push_back(c);
      g.clusters.back().id = id_of[size_t(c.id)];
    }
    auto inside = [&](int id) { return id >= 0 && id_of[size_t(id)] >= 0; };
    auto internal = [&](int skip) {  // a residual whose skip and add layers are both whole in this group
      for (const Residual& res : whole.residuals)
        if (res.skip == skip && complete_in(res.skip, int(gi)) && complete_in(res.add, int(gi))) return true;
      return false;
    };
    for (const Residual& res : whole.residuals)
      if (complete_in(res.add, int(gi))) g.residuals.push_back(res);
    std::set<std::tuple<int, int, int, int>> hbm_edges;  // (src, dst, layer, kind) to or from the HBM, once
    auto hbm_edge = [&](Edge e) {
      if (hbm_edges.insert({e.src, e.dst, e.layer, int(e.kind)}).second) g.edges.push_back(e);
    };
    for (Edge e : whole.edges) {
      const bool s = inside(e.src), d = inside(e.dst);
      if (!s && !d) continue;
      if (e.kind == Edge::Residual && internal(e.layer)) {  // the ring stays as naive placed it
        e.src = s ? id_of[size_t(e.src)] : e.src, e.dst = d ? id_of[size_t(e.dst)] : e.dst;
        g.edges.push_back(e);
        continue;
      }
      if (s && d) {
        e.src = id_of[size_t(e.src)], e.dst = id_of[size_t(e.dst)];
        g.edges.push_back(e);
      } else if (s) {  // to a later group (or the network output, or a cut residual's ring): the layer's region
        if (e.kind == Edge::Partial)
          throw std::logic_error("reload: a partial sum crosses a group boundary");
        hbm_edge({id_of[size_t(e.src)], -1, e.layer, Edge::Activation, e.bytes, e.segment});
      } else {  // from an earlier group (or the network input): its region; a cut residual stays port B
        if (e.kind == Edge::Partial)
          throw std::logic_error("reload: a partial sum crosses a group boundary");
        hbm_edge({-1, id_of[size_t(e.dst)], e.layer, e.kind, e.bytes, e.segment});
      }
    }
    check_runtime_limits(g, net);
    // The cost model's figures of the whole naive mapping for the group's clusters.
    ReloadGroup& pg = r.plan.groups[gi];
    double slowest = 0, fill = 0;
    std::map<int, double> tile_of;  // per layer, its slowest tile
    for (const ClusterRole& c : g.clusters) {
      slowest = std::max(slowest, c.image_cycles);
      tile_of[c.layer] = std::max(tile_of[c.layer], c.tile_cycles);
    }
    for (const auto& [layer, tile] : tile_of) fill += 2 * tile;
    pg.compute_cycles = fill + double(cost.batch) * slowest;
    const double link = double(P.width.empty() ? 1 : std::max<int64_t>(1, P.width[0]));
    pg.activation_cycles = double(cost.batch) * double(pg.hbm_in + pg.hbm_out) / link;
    r.groups.push_back(std::move(g));
    r.whole_id.push_back(std::move(from));
    r.plan.batch_cycles += pg.fetch_cycles + pg.program_cycles + std::max(pg.compute_cycles, pg.activation_cycles);
  }
  if (r.plan.batch_cycles > 0) r.plan.images_per_s = double(cost.batch) * P.clock_hz / r.plan.batch_cycles;
  return r;
}

std::vector<uint8_t> encode_reload(const ReloadMapping& r, const Network& net, const Params& params) {
  const auto put = [](std::vector<uint8_t>& out, const void* p, size_t n) {
    out.insert(out.end(), static_cast<const uint8_t*>(p), static_cast<const uint8_t*>(p) + n);
  };
  const auto pad = [](std::vector<uint8_t>& out) { out.resize(size_t(align64(int64_t(out.size()))), 0); };
  std::vector<std::vector<uint8_t>> maps;
  for (const Mapping& g : r.groups) maps.push_back(encode_mapping(g, net, &params));

  vprl_header_t h{};
  h.magic = VPRL_MAGIC, h.version = VPRL_VERSION, h.header_bytes = sizeof h;
  h.n_groups = uint32_t(r.groups.size()), h.n_hbm_buffers = uint32_t(r.hbm.size());
  std::vector<vprl_group_t> groups(r.groups.size());
  std::vector<vprl_chunk_t> chunks;
  for (size_t gi = 0; gi < r.groups.size(); ++gi)
    for (const ClusterRole& c : r.groups[gi].clusters)
      if (c.role == Role::Analog) chunks.push_back({});
  h.n_chunks = uint32_t(chunks.size());
  h.group_offset = sizeof h;
  h.chunk_offset = h.group_offset + h.n_groups * uint32_t(sizeof(vprl_group_t));
  h.hbm_offset = h.chunk_offset + h.n_chunks * uint32_t(sizeof(vprl_chunk_t));
  h.data_offset = uint32_t(align64(h.hbm_offset + h.n_hbm_buffers * int64_t(sizeof(vpmap_buffer_t))));
  h.platform_clusters = uint16_t(r.plan.clusters), h.n_layers = uint16_t(net.layers.size());
  h.ima_rows = uint16_t(r.groups.empty() ? 0 : r.groups[0].platform.ima.rows);
  h.ima_cols = uint16_t(r.groups.empty() ? 0 : r.groups[0].platform.ima.cols);

  // The data area: the VMAP binaries, then the chunks, every piece 64-byte aligned.
  std::vector<uint8_t> data;
  for (size_t gi = 0; gi < maps.size(); ++gi) {
    groups[gi].mapping_offset = h.data_offset + uint32_t(data.size());
    groups[gi].mapping_bytes = uint32_t(maps[gi].size());
    put(data, maps[gi].data(), maps[gi].size());
    pad(data);
  }
  size_t k = 0;
  for (size_t gi = 0; gi < r.groups.size(); ++gi) {
    const ReloadGroup& pg = r.plan.groups[gi];
    vprl_group_t& G = groups[gi];
    G.first_chunk = uint32_t(k), G.chunk_data_offset = h.data_offset + uint32_t(data.size());
    for (const ClusterRole& c : r.groups[gi].clusters) {
      if (c.role != Role::Analog) continue;
      const Layer& l = net.layers[size_t(c.layer)];
      const std::vector<int8_t>& w = params.layers[size_t(c.layer)].weights;
      vprl_chunk_t& ch = chunks[k++];
      ch.cluster = uint16_t(c.id), ch.layer = uint16_t(c.layer);
      ch.rows = uint16_t(c.row1 - c.row0), ch.cols = uint16_t(c.col1 - c.col0);
      ch.row0 = uint32_t(c.row0), ch.col0 = uint32_t(c.col0), ch.pitch = (uint32_t(ch.cols) + 3u) & ~3u;
      ch.offset = h.data_offset + uint32_t(data.size());
      std::vector<uint8_t> block(size_t(ch.rows) * ch.pitch, 0);
      for (int64_t i = 0; i < ch.rows; ++i)
        std::memcpy(&block[size_t(i) * ch.pitch], &w[size_t((c.row0 + i) * l.cols() + c.col0)], ch.cols);
      put(data, block.data(), block.size());
      pad(data);
    }
    G.n_chunks = uint32_t(k) - G.first_chunk;
    G.chunk_data_bytes = h.data_offset + uint32_t(data.size()) - G.chunk_data_offset;
    G.first_layer = uint16_t(pg.first), G.last_layer = uint16_t(pg.last);
    G.clusters = uint16_t(r.groups[gi].clusters.size()), G.crossbars = uint16_t(pg.crossbars);
    G.cells = uint32_t(pg.cells), G.hbm_in = uint32_t(pg.hbm_in), G.hbm_out = uint32_t(pg.hbm_out);
  }
  h.data_bytes = uint32_t(data.size());
  h.total_bytes = h.data_offset + h.data_bytes;
  if (uint64_t(h.data_offset) + data.size() > UINT32_MAX)
    throw MappingError("reload mode: the reload file beyond 4 GiB does not fit its 32-bit offsets");

  std::vector<uint8_t> out;
  out.reserve(h.total_bytes);
  put(out, &h, sizeof h);
  put(out, groups.data(), groups.size() * sizeof(vprl_group_t));
  put(out, chunks.data(), chunks.size() * sizeof(vprl_chunk_t));
  // The HBM regions as every group's VMAP binary has them (the same table).
  if (!maps.empty()) {
    const DecodedMapping d = decode_mapping(maps[0], "reload group 0");
    put(out, d.buffers.data() + d.header.first_hbm_buffer, d.header.n_hbm_buffers * sizeof(vpmap_buffer_t));
  }
  out.resize(h.data_offset, 0);
  put(out, data.data(), data.size());
  return out;
}

std::string reload_yaml(const ReloadMapping& r, const Network& net) {
  std::string s = fmt::format("network: {}\nplatform: {}\nmode: reload\ncells_programmed: {}\nhbm:\n", r.plan.network,
                              r.plan.platform, r.plan.cells);
  for (const HbmBuffer& b : r.hbm)
    s += fmt::format("  - {{name: \"{}\", layer: {}, offset: {}, size: {}}}\n", b.name, b.layer, b.offset, b.size);
  s += "groups:\n";
  for (size_t gi = 0; gi < r.groups.size(); ++gi) {
    const ReloadGroup& g = r.plan.groups[gi];
    s += fmt::format("  - group: {}\n    parts:\n", gi);
    for (const ReloadPart& p : g.parts)
      s += fmt::format("      - {{layer: {}, col_groups: [{}, {}], whole: {}}}\n", net.layers[size_t(p.layer)].name,
                       p.col0, p.col1, p.whole);
    s += fmt::format("    crossbars: {}\n    cells: {}\n    hbm_in_per_image: {}\n    hbm_out_per_image: {}\n",
                     g.crossbars, g.cells, g.hbm_in, g.hbm_out);
    s += "    clusters:\n";
    for (size_t i = 0; i < r.groups[gi].clusters.size(); ++i) {
      const ClusterRole& c = r.groups[gi].clusters[i];
      s += fmt::format("      - {{id: {}, whole_id: {}, role: {}, layer: {}, col_split: {}, row_split: {}, rows: [{}, {}], "
                       "cols: [{}, {}]}}\n",
                       c.id, r.whole_id[gi][i], role_name(c.role), net.layers[size_t(c.layer)].name, c.col_split,
                       c.row_split, c.row0, c.row1, c.col0, c.col1);
    }
    s += "    hbm_edges:\n";
    for (const Edge& e : r.groups[gi].edges)
      if (e.src < 0 || e.dst < 0)
        s += fmt::format("      - {{src: {}, dst: {}, layer: {}, kind: {}}}\n", e.src < 0 ? "hbm" : std::to_string(e.src),
                         e.dst < 0 ? "hbm" : std::to_string(e.dst),
                         e.layer < 0 ? "input" : net.layers[size_t(e.layer)].name,
                         e.kind == Edge::Residual ? "residual" : e.kind == Edge::Partial ? "partial" : "activation");
  }
  return s;
}

}  // namespace vp::map
