#include "manycore/noc_builder.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

namespace vp {

AxiNetwork::AxiNetwork(sc_core::sc_module_name name, const Config& cfg, const MemoryMap& map)
    : sc_module(name), map_(map), cycle_(sc_core::sc_time(1.0 / cfg.get_float("clock_hz"), sc_core::SC_SEC)),
      attached_(size_t(map.clusters()), false) {
  HbmController::Params hp;
  hp.size = map.hbm_size();
  hp.latency_cycles = unsigned(cfg.get_int("hbm.latency_cycles"));
  hp.bandwidth_bytes_per_cycle = unsigned(cfg.get_int("hbm.bandwidth_bytes_per_cycle"));
  hp.cycle = cycle_;
  hbm_ = std::make_unique<HbmController>("hbm", hp);
  if (cfg.get_string("noc.topology") == "mesh")
    build_mesh(cfg, map);
  else
    build_tree(cfg, map);
}

void AxiNetwork::build_mesh(const Config& cfg, const MemoryMap& map) {
  // Shapes and the HBM router's place were checked by Config::load.
  columns_ = int(cfg.get_int("noc.mesh.columns"));
  rows_ = int(cfg.get_int("noc.mesh.rows"));
  const auto hbm_at = cfg.get_int_list("noc.mesh.hbm_router");
  MeshRouter::Params p;
  p.columns = columns_, p.rows = rows_;
  p.width_bytes = unsigned(cfg.get_int("noc.mesh.width_bytes"));
  p.latency_cycles = unsigned(cfg.get_int("noc.mesh.latency_cycles"));
  p.local_width_bytes = unsigned(cfg.get_int("noc.mesh.local_width_bytes"));
  p.local_latency_cycles = unsigned(cfg.get_int("noc.mesh.local_latency_cycles"));
  p.hbm_column = int(hbm_at[0]), p.hbm_row = int(hbm_at[1]);
  p.hbm_width_bytes = unsigned(cfg.get_int("noc.mesh.hbm_width_bytes"));
  p.hbm_latency_cycles = unsigned(cfg.get_int("noc.mesh.hbm_latency_cycles"));
  p.serialized = cfg.get_string("noc.mesh.latency_mode") == "serialized";
  p.half_duplex = cfg.get_string("noc.mesh.duplex") == "half";
  p.cluster_base = map.cluster_base(0), p.cluster_stride = map.cluster_stride();
  p.hbm_base = map.hbm_base(), p.hbm_size = map.hbm_size();
  p.cycle = cycle_;
  for (int row = 0; row < rows_; ++row)
    for (int column = 0; column < columns_; ++column) {
      p.column = column, p.row = row;
      routers_.push_back(std::make_unique<MeshRouter>(fmt::format("router_{}_{}", column, row).c_str(), p));
    }
  using R = MeshRouter;
  for (int row = 0; row < rows_; ++row)
    for (int column = 0; column < columns_; ++column) {
      MeshRouter& r = router_at(column, row);
      if (column + 1 < columns_) {
        MeshRouter& e = router_at(column + 1, row);
        r.out(R::kEast).bind(e.in(R::kWest));
        e.out(R::kWest).bind(r.in(R::kEast));
      }
      if (row + 1 < rows_) {
        MeshRouter& s = router_at(column, row + 1);
        r.out(R::kSouth).bind(s.in(R::kNorth));
        s.out(R::kNorth).bind(r.in(R::kSouth));
      }
    }
  MeshRouter& h = router_at(p.hbm_column, p.hbm_row);
  h.out(R::kHbm).bind(hbm_->port);
  // Host accesses enter where the HBM does, so every window decodes as for a transfer.
  debug_port_.bind(h.in(R::kHbm));
}

void AxiNetwork::build_tree(const Config& cfg, const MemoryMap& map) {
  level_names_ = cfg.get_string_list("noc.levels");
  const auto factors = cfg.get_int_list("noc.factors");
  const auto widths = cfg.get_int_list("noc.width_bytes");
  const auto latencies = cfg.get_int_list("noc.latency_cycles");
  const int n_levels = int(factors.size());
  // Word lists, one item per level or empty for the default everywhere
  // (their words and lengths were checked by Config::load).
  auto per_level = [&](const char* key, const char* second) {
    const auto words = cfg.get_string_list(key);
    std::vector<bool> is_second(size_t(n_levels), false);
    for (size_t k = 0; k < words.size(); ++k) is_second[k] = words[k] == second;
    return is_second;
  };
  const auto serialized = per_level("noc.latency_mode", "serialized");
  const auto half_duplex = per_level("noc.duplex", "half");
  // Level names (distinct identifiers: they become module names) and the
  // clock period were checked by Config::load.

  // clusters_below[k]: clusters under one node of level k.
  std::vector<int64_t> clusters_below(size_t(n_levels) + 1, 1);
  for (int k = n_levels - 1; k >= 0; --k) clusters_below[k] = clusters_below[k + 1] * factors[k];

  levels_.resize(size_t(n_levels));
  int64_t nodes = 1;
  for (int k = 0; k < n_levels; ++k) {
    AxiNode::Params p;
    p.children = int(factors[k]);
    p.width_bytes = unsigned(widths[k]);
    p.latency_cycles = unsigned(latencies[k]);
    p.cycle = cycle_;
    p.owns_parent_link = k == 0;
    p.serialized = serialized[size_t(k)];
    p.half_duplex = half_duplex[size_t(k)];
    const bool leaf = k == n_levels - 1;
    for (int64_t j = 0; j < nodes; ++j) {
      auto node = std::make_unique<AxiNode>(fmt::format("{}_{}", level_names_[k], j).c_str(), p);
      const int64_t first = j * clusters_below[k];
      for (int c = 0; c < p.children; ++c) {
        const int64_t child_first = first + c * clusters_below[k + 1];
        node->set_child_route(c, {map.cluster_base(int(child_first)),
                                  uint64_t(clusters_below[k + 1]) * map.cluster_stride(), leaf});
      }
      if (k > 0) {  // bind to the parent's child port
        AxiNode& parent = *levels_[k - 1][size_t(j / factors[k - 1])];
        int c = int(j % factors[k - 1]);
        node->parent_out.bind(parent.child_in(c));
        parent.child_out(c).bind(node->parent_in);
      }
      levels_[k].push_back(std::move(node));
    }
    nodes *= factors[k];
  }

  AxiNode& root = *levels_[0][0];
  root.set_parent_route({map.hbm_base(), map.hbm_size(), true});
  root.parent_out.bind(hbm_->port);
  debug_port_.bind(root.parent_in);
}

bool AxiNetwork::debug_write(uint64_t addr, const void* data, size_t len) {
  if (map_.is_hbm(addr)) {
    if (len > map_.hbm_size() - (addr - map_.hbm_base())) return false;
    hbm_->write(addr - map_.hbm_base(), data, len);
    return true;
  }
  tlm::tlm_generic_payload t;
  t.set_command(tlm::TLM_WRITE_COMMAND);
  t.set_address(addr);
  t.set_data_ptr(static_cast<unsigned char*>(const_cast<void*>(data)));
  t.set_data_length(unsigned(len));
  return debug_port_->transport_dbg(t) == len;
}

bool AxiNetwork::debug_read(uint64_t addr, void* data, size_t len) {
  if (map_.is_hbm(addr)) {
    if (len > map_.hbm_size() - (addr - map_.hbm_base())) return false;
    hbm_->read(addr - map_.hbm_base(), data, len);
    return true;
  }
  tlm::tlm_generic_payload t;
  t.set_command(tlm::TLM_READ_COMMAND);
  t.set_address(addr);
  t.set_data_ptr(static_cast<unsigned char*>(data));
  t.set_data_length(unsigned(len));
  return debug_port_->transport_dbg(t) == len;
}

void AxiNetwork::attach_cluster(int id, const ClusterPorts& ports) {
  if (id < 0 || id >= map_.clusters() || attached_[size_t(id)])
    throw std::logic_error(fmt::format("{}: cluster {} is out of range or already attached", name(), id));
  if (!ports.master || !ports.slave)
    throw std::logic_error(fmt::format("{}: cluster {} lacks a master or a slave port", name(), id));
  if (is_mesh()) {
    MeshRouter& r = *routers_[size_t(id)];  // row-major: cluster i on router (i mod columns, i div columns)
    ports.master->bind(r.in(MeshRouter::kLocal));
    r.out(MeshRouter::kLocal).bind(*ports.slave);
    attached_[size_t(id)] = true;
    return;
  }
  AxiNode& leaf = *levels_.back()[size_t(id / levels_.back()[0]->children())];
  int c = id % leaf.children();
  ports.master->bind(leaf.child_in(c));
  leaf.child_out(c).bind(*ports.slave);
  attached_[size_t(id)] = true;
}

void AxiNetwork::end_of_elaboration() {
  for (size_t i = 0; i < attached_.size(); ++i)
    if (!attached_[i]) throw std::logic_error(fmt::format("{}: cluster slot {} was never attached", name(), i));
}

std::vector<std::string> AxiNetwork::link_channel_names() const {
  std::vector<std::string> names;
  for (unsigned ch = 0; ch < AxiNode::kLinkChannels; ++ch)
    names.push_back(is_mesh() ? MeshRouter::link_channel_name(ch) : AxiNode::link_channel_name(ch));
  return names;
}

std::vector<std::string> AxiNetwork::trace_mesh_links(const std::vector<unsigned>& clusters, ActivityTracer* tracer) {
  using R = MeshRouter;
  std::vector<std::string> scopes;
  std::set<std::pair<size_t, int>> done;  // (router, port) whose link is traced
  for (unsigned id : clusters) {
    routers_.at(id)->trace_link(R::kLocal, tracer, unsigned(scopes.size()));
    scopes.push_back(fmt::format("cluster_{}.noc_link", id));
    // The XY route to the HBM: every link on it, named by the router that owns it.
    int column = int(id) % columns_, row = int(id) / columns_;
    const int hc = routers_[0]->params().hbm_column, hr = routers_[0]->params().hbm_row;
    for (;;) {
      const R::Port hop = R::next_hop(column, row, hc, hr);
      int oc = column, orow = row;  // the link's owner
      R::Port owned = hop;
      if (hop == R::kWest) oc = column - 1, owned = R::kEast;
      if (hop == R::kNorth) orow = row - 1, owned = R::kSouth;
      if (hop == R::kLocal) owned = R::kHbm;
      const size_t owner = size_t(orow * columns_ + oc);
      if (!done.insert({owner, int(owned)}).second) break;  // the rest of the route is traced already
      routers_[owner]->trace_link(owned, tracer, unsigned(scopes.size()));
      scopes.push_back(fmt::format("noc.{}.{}", routers_[owner]->basename(), R::port_name(owned)));
      if (hop == R::kLocal) break;
      column += hop == R::kEast ? 1 : hop == R::kWest ? -1 : 0;
      row += hop == R::kSouth ? 1 : hop == R::kNorth ? -1 : 0;
    }
  }
  return scopes;
}

std::vector<std::string> AxiNetwork::trace_links(const std::vector<unsigned>& clusters, ActivityTracer* tracer) {
  if (is_mesh()) return trace_mesh_links(clusters, tracer);
  std::vector<std::string> scopes;
  std::set<std::pair<size_t, size_t>> done;  // (level, node) whose upper link is traced
  for (unsigned id : clusters) {
    size_t j = id / size_t(levels_.back()[0]->children());
    levels_.back()[j]->trace_link(int(id % unsigned(levels_.back()[0]->children())), tracer, unsigned(scopes.size()));
    scopes.push_back(fmt::format("cluster_{}.noc_link", id));
    for (size_t k = levels_.size(); k-- > 0; j /= size_t(k > 0 ? levels_[k - 1][0]->children() : 1)) {
      if (!done.insert({k, j}).second) break;  // the rest of the path is traced already
      AxiNode& node = *levels_[k][j];
      if (k == 0)
        node.trace_link(-1, tracer, unsigned(scopes.size()));  // the root's link to the HBM
      else
        levels_[k - 1][j / size_t(levels_[k - 1][0]->children())]->trace_link(
            int(j % size_t(levels_[k - 1][0]->children())), tracer, unsigned(scopes.size()));
      scopes.push_back(fmt::format("noc.{}", node.basename()));
    }
  }
  return scopes;
}

nlohmann::json AxiNetwork::mesh_stats() const {
  // One level, "mesh": bytes summed over the routers (a transfer counts once per router it
  // crosses, as the tree counts it once per node), the busiest link channels by booked time.
  const double cycle_s = cycle_.to_seconds();
  uint64_t tr = 0, bytes = 0, errors = 0;
  sc_core::sc_time wait;
  struct Load { uint64_t busy; std::string link; unsigned channel; };
  std::vector<Load> loads;
  for (size_t i = 0; i < routers_.size(); ++i) {
    const MeshRouter& r = *routers_[i];
    tr += r.stats().transactions, bytes += r.stats().bytes, errors += r.stats().decode_errors;
    wait += r.stats().contention;
    for (auto port : {MeshRouter::kLocal, MeshRouter::kEast, MeshRouter::kSouth, MeshRouter::kHbm}) {
      if (!r.owns(port)) continue;
      const std::string link = port == MeshRouter::kLocal ? fmt::format("cluster_{}", i)
                               : port == MeshRouter::kHbm ? std::string("hbm")
                                                          : fmt::format("{}.{}", r.basename(), MeshRouter::port_name(port));
      for (unsigned ch = 0; ch < MeshRouter::kLinkChannels; ++ch) {
        uint64_t b = uint64_t(r.link_busy(port, ch).to_seconds() / cycle_s + 0.5);
        if (b) loads.push_back({b, link, ch});
      }
    }
  }
  std::stable_sort(loads.begin(), loads.end(), [](const Load& a, const Load& b) { return a.busy > b.busy; });
  const double run_cycles = sc_core::sc_time_stamp().to_seconds() / cycle_s;
  auto busiest = nlohmann::json::array();
  for (size_t i = 0; i < loads.size() && i < 3; ++i)
    busiest.push_back({{"link", loads[i].link},
                       {"channel", MeshRouter::link_channel_name(loads[i].channel)},
                       {"busy_cycles", loads[i].busy},
                       {"busy_fraction", run_cycles > 0 ? double(loads[i].busy) / run_cycles : 0.0}});
  auto levels = nlohmann::json::array();
  levels.push_back({{"level", "mesh"},
                    {"nodes", routers_.size()},
                    {"transactions", tr},
                    {"bytes", bytes},
                    {"decode_errors", errors},
                    {"contention_cycles", uint64_t(wait.to_seconds() / cycle_s + 0.5)},
                    {"busiest_links", busiest}});
  return levels;
}

nlohmann::json AxiNetwork::stats() const {
  nlohmann::json j;
  const double cycle_s = cycle_.to_seconds();
  auto levels = is_mesh() ? mesh_stats() : nlohmann::json::array();
  for (size_t k = 0; k < levels_.size(); ++k) {
    uint64_t tr = 0, bytes = 0, errors = 0;
    sc_core::sc_time wait;
    for (const auto& n : levels_[k]) {
      tr += n->stats().transactions, bytes += n->stats().bytes, errors += n->stats().decode_errors;
      wait += n->stats().contention;
    }
    // The busiest channels of the links this level's nodes own, by booked time: where the
    // level saturates (a fraction near 1 of the run is a bottleneck).
    struct Load { uint64_t busy; std::string link; unsigned channel; };
    std::vector<Load> loads;
    const bool leaf = k + 1 == levels_.size();
    for (size_t j = 0; j < levels_[k].size(); ++j) {
      const AxiNode& n = *levels_[k][j];
      for (int c = -1; c < n.children(); ++c) {
        if (c < 0 && k != 0) continue;  // only the root owns its parent link (to the HBM)
        std::string link = c < 0 ? "hbm"
                           : leaf ? fmt::format("cluster_{}", j * size_t(n.children()) + size_t(c))
                                  : levels_[k + 1][j * size_t(n.children()) + size_t(c)]->basename();
        for (unsigned ch = 0; ch < AxiNode::kLinkChannels; ++ch) {
          uint64_t b = uint64_t(n.link_busy(c, ch).to_seconds() / cycle_s + 0.5);
          if (b) loads.push_back({b, link, ch});
        }
      }
    }
    std::stable_sort(loads.begin(), loads.end(), [](const Load& a, const Load& b) { return a.busy > b.busy; });
    const double run_cycles = sc_core::sc_time_stamp().to_seconds() / cycle_s;
    auto busiest = nlohmann::json::array();
    for (size_t i = 0; i < loads.size() && i < 3; ++i)
      busiest.push_back({{"link", loads[i].link},
                         {"channel", AxiNode::link_channel_name(loads[i].channel)},
                         {"busy_cycles", loads[i].busy},
                         {"busy_fraction", run_cycles > 0 ? double(loads[i].busy) / run_cycles : 0.0}});
    levels.push_back({{"level", level_names_[k]},
                      {"nodes", levels_[k].size()},
                      {"transactions", tr},
                      {"bytes", bytes},
                      {"decode_errors", errors},
                      {"contention_cycles", uint64_t(wait.to_seconds() / cycle_s + 0.5)},
                      {"busiest_links", busiest}});
  }
  j["levels"] = levels;
  const auto& h = hbm_->stats();
  j["hbm"] = {{"reads", h.reads},
              {"writes", h.writes},
              {"bytes_read", h.bytes_read},
              {"bytes_written", h.bytes_written},
              {"errors", h.errors},
              {"contention_cycles", uint64_t(h.contention.to_seconds() / cycle_s + 0.5)},
              {"allocated_bytes", hbm_->allocated_bytes()}};
  return j;
}

}  // namespace vp
