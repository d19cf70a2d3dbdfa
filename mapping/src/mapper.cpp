#include "mapper.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include <fmt/format.h>

#include "dwconv_regs.h"
#include "mapper_util.hpp"
#include "policies.hpp"
#include "runtime_limits.hpp"

namespace vp::map {

const char* mode_name(Mode m) {
  switch (m) {
    case Mode::Naive: return "naive";
    case Mode::Replicate: return "replicate";
    case Mode::Full: return "full";
    case Mode::Auto: return "auto";
  }
  return "?";
}

Mode parse_mode(const std::string& s) {
  if (s == "naive") return Mode::Naive;
  if (s == "replicate") return Mode::Replicate;
  if (s == "full") return Mode::Full;
  if (s == "auto") return Mode::Auto;
  throw std::invalid_argument("unknown mode '" + s + "' (naive, replicate, full, auto)");
}

const char* role_name(Role r) {
  switch (r) {
    case Role::Analog: return "analog";
    case Role::Reduce: return "reduce";
    case Role::Digital: return "digital";
    case Role::ResidualStore: return "residual-store";
    case Role::Idle: return "idle";
  }
  return "?";
}

namespace {

// Builds a mapping in phases: plans per layer (crossbars, reduction tree,
// tile width), then clusters and their roles, residual rings (placed by the
// mode's policy), edges, L1 buffers, HBM regions and the cost-model
// estimates; the mode's balancing policy then spends free clusters.
class Builder : public Planner {
 public:
  Builder(const Network& net, const PlatformInfo& p, Mode mode, const CostParams& cost)
      : net_(net), P_(p), mode_(mode), cost_(cost), budget_(p.l1_size - cost.l1_reserved), policies_(policies_for(mode)) {
    // Each role's tiles are sized for the L1 of the class it is placed on:
    // analog roles only on clusters with an IMA, the others on clusters
    // without one first (add_cluster). The smallest L1 of either kind.
    auto min_l1 = [&](int ima) {  // -1: every cluster
      int64_t l1 = 0;
      for (int id = 0; id < p.clusters; ++id)
        if (ima < 0 || bool(p.has_ima[size_t(id)]) == bool(ima))
          l1 = l1 ? std::min(l1, p.l1_of[size_t(id)]) : p.l1_of[size_t(id)];
      return l1;
    };
    if (!p.l1_of.empty() && !p.has_ima.empty()) {
      analog_budget_ = (p.ima_clusters > 0 ? min_l1(1) : p.l1_size) - cost.l1_reserved;
      digital_budget_ = (p.ima_clusters < p.clusters ? min_l1(0) : p.l1_size) - cost.l1_reserved;
    } else {
      analog_budget_ = digital_budget_ = budget_;
    }
    if (mode == Mode::Auto) {  // unless given: every free cluster, and as many pixels per MVM as fit
      if (!cost_.efficiency_set) cost_.efficiency = 0;
      // Classes of different area: a step's clusters weigh by their area (matters with --cost efficiency > 0).
      if (!cost_.efficiency_area_set && !p.area_of.empty())
        cost_.efficiency_area = *std::max_element(p.area_of.begin(), p.area_of.end()) >
                                *std::min_element(p.area_of.begin(), p.area_of.end());
      if (!cost_.max_pack_set) cost_.max_pack = 0;
      // Class-aware: the requantization of unsplit analog layers goes to the
      // clusters without an IMA when those have more cores.
      if (!cost_.offload_requant_set) {
        int analog_cores = 0, digital_cores = 0;
        for (int id = 0; id < p.clusters; ++id)
          (p.has_ima[size_t(id)] ? analog_cores : digital_cores) =
              std::max(p.has_ima[size_t(id)] ? analog_cores : digital_cores, p.cores_of[size_t(id)]);
        cost_.offload_requant = offload_auto_ = p.ima_clusters < p.clusters && analog_cores < digital_cores;
      }
    }
    if (budget_ <= 0)
      throw MappingError(fmt::format("L1 of {} bytes leaves nothing above the {} bytes reserved for code data and stacks",
                                     p.l1_size, cost.l1_reserved));
    depth_.resize(net.layers.size());
    for (size_t i = 0; i < net.layers.size(); ++i) {
      int d = 0;
      for (int k : net.layers[i].inputs) d = std::max(d, k < 0 ? 0 : depth_[size_t(k)]);
      depth_[i] = d + 1;
    }
  }

  // The first phase alone: each layer's plan and its clusters (reload mode
  // groups layers by these; mapping/src/reload.cpp), without the fit checks.
  std::vector<LayerNeeds> needs() {
    plan_layers(false);
    std::vector<LayerNeeds> out(net_.layers.size());
    for (size_t i = 0; i < net_.layers.size(); ++i) {
      const LayerPlan& p = plans_[i];
      out[i].clusters = count_layer(int(i));
      if (net_.layers[i].analog()) out[i].crossbars = p.replicas * p.col_splits * p.row_splits;
      out[i].row_splits = p.row_splits, out[i].col_splits = p.col_splits;
    }
    return out;
  }

  Mapping run() {
    plan_layers(true);
    return finish();
  }

  void plan_layers(bool check_fit) {
    plans_.resize(net_.layers.size());
    for (size_t i = 0; i < net_.layers.size(); ++i) {
      const Layer& l = net_.layers[i];
      LayerPlan& p = plans_[i];
      if (l.analog()) {
        const ImaParams xb = P_.ima.of(i);
        p.xbar = P_.ima.xbar_of(i);
        p.row_splits = int(xb.row_chunks(l));
        p.col_splits = int(xb.col_chunks(l));
        if (check_fit && p.row_splits * p.col_splits > xbar_clusters(p.xbar))
          throw MappingError(fmt::format(
              "layer {} ({}x{} weights) needs {} crossbars of {}x{} (IMA size), the platform {} has {} clusters of one IMA{}",
              l.name, l.rows(), l.cols(), p.row_splits * p.col_splits, xb.rows, xb.cols, P_.name, xbar_clusters(p.xbar),
              P_.ima.layer_xbar.empty() ? "" : " of that size"));
        // Naive: one reduction node per column group sums all partial sums.
        p.reduce_fanin = tree(p.row_splits, p.row_splits);
        if (p.row_splits == 1 && cost_.offload_requant == 1) p.reduce_fanin = {1};  // a requantization node (2: the balancer decides per layer)
        // Partial sums as int16 where every sum of the layer's codes fits (the firmware has int16 kernels for
        // every node kind of an analog layer: the IMA's requantization, reduction with and without it).
        p.psum_bytes = cost_.psum16 ? int(vpmap_psum_bytes(uint32_t(P_.ima.adc_bits), uint32_t(p.row_splits))) : 4;
      }
      choose_tile(int(i));
    }
  }

  Mapping finish() {
    if (P_.ima_clusters < P_.clusters || !P_.ima.layer_xbar.empty())  // heterogeneous: too few IMAs of a size
      for (const auto& [x, n] : analog_counts())
        if (n > xbar_clusters(x))
          throw MappingError(fmt::format("network {} needs {} crossbars of {}x{}, the platform {} has {} clusters with {}",
                                         net_.name, n, x.rows, x.cols, P_.name, xbar_clusters(x),
                                         P_.ima.layer_xbar.empty() ? "an IMA" : "an IMA of that size"));
    int need = count();
    if (need > P_.clusters && offload_auto_) {  // mode auto's requantization nodes do not fit: without them
      cost_.offload_requant = 0;
      for (size_t i = 0; i < net_.layers.size(); ++i)
        if (net_.layers[i].analog() && plans_[i].row_splits == 1) plans_[i].reduce_fanin.clear(), choose_tile(int(i));
      need = count();
    }
    if (need > P_.clusters) {
      std::string detail;
      std::vector<std::pair<int, std::string>> big;
      for (size_t i = 0; i < net_.layers.size(); ++i) big.push_back({count_layer(int(i)), net_.layers[i].name});
      std::stable_sort(big.begin(), big.end(), [](auto& a, auto& b) { return a.first > b.first; });
      for (size_t i = 0; i < std::min<size_t>(3, big.size()); ++i)
        detail += fmt::format("{}{} {}", i ? ", " : "", big[i].second, big[i].first);
      throw MappingError(fmt::format("network {} needs {} clusters (largest layers: {}), the platform {} has {}",
                                     net_.name, need, detail, P_.name, P_.clusters));
    }
    return policies_.balancing->balance(*this, build());
  }

  // ----- Planner ------------------------------------------------------------
  const Network& network() const override { return net_; }
  const PlatformInfo& platform() const override { return P_; }
  const CostParams& cost() const override { return cost_; }
  std::vector<LayerPlan>& plans() override { return plans_; }
  void retile(int layer) override { choose_tile(layer); }
  int clusters_needed() const override { return count(); }

 private:
  // ----- sizes -------------------------------------------------------------
  int count_layer(int i) const {
    const Layer& l = net_.layers[size_t(i)];
    const LayerPlan& p = plans_[size_t(i)];
    if (!l.analog()) return p.replicas;
    int reduce = 0;
    for (int n : level_nodes(p.row_splits, p.reduce_fanin)) reduce += n;
    return p.replicas * p.col_splits * (p.row_splits + reduce);
  }
  // Clusters the plan needs; on a heterogeneous platform a shortfall of
  // clusters with an IMA for the analog roles counts as missing clusters.
  int count() const {
    int n = 0;
    for (size_t i = 0; i < net_.layers.size(); ++i) n += count_layer(int(i));
    if (!P_.has_ima.empty()) {
      int short_of = 0;  // crossbar roles beyond the clusters of their size
      for (const auto& [x, k] : analog_counts()) short_of += std::max(0, k - xbar_clusters(x));
      if (short_of > 0) n = std::max(n, P_.clusters + short_of);
    }
    return n;
  }
  // Crossbar roles (not their reduction trees) per crossbar size.
  std::vector<std::pair<ImaParams::Crossbar, int>> analog_counts() const {
    std::vector<std::pair<ImaParams::Crossbar, int>> out;
    for (size_t i = 0; i < net_.layers.size(); ++i) {
      if (!net_.layers[i].analog()) continue;
      const LayerPlan& p = plans_[i];
      auto it = std::find_if(out.begin(), out.end(), [&](const auto& e) { return e.first == p.xbar; });
      if (it == out.end()) it = out.insert(out.end(), {p.xbar, 0});
      it->second += p.replicas * p.col_splits * p.row_splits;
    }
    return out;
  }
  // Clusters with an IMA that takes crossbar x: on a platform of one size, every IMA.
  int xbar_clusters(const ImaParams::Crossbar& x) const {
    return P_.ima.layer_xbar.empty() ? P_.ima_clusters : P_.clusters_with(x);
  }

  // Input columns a tile of w output columns reads (window with halo).
  int64_t window_cols(const Layer& l, int w) const {
    if (l.op == Op::FC || l.op == Op::Add) return l.op == Op::FC ? l.in.w : w;
    return std::min<int64_t>(l.in.w + 2 * l.padding, int64_t(w - 1) * l.stride + l.kernel);
  }

  // The L1 buffers of each role of layer i at tile width w (double-buffered).
  struct RoleBuffers {
    std::string role;
    std::vector<Buffer> buffers;
    int64_t total() const {
      int64_t t = 0;
      for (const auto& b : buffers) t += align64(b.size);
      return t;
    }
  };
  std::vector<RoleBuffers> buffers_of(int i, int w) const {
    const Layer& l = net_.layers[size_t(i)];
    const LayerPlan& p = plans_[size_t(i)];
    std::vector<RoleBuffers> out;
    auto buf = [](const std::string& n, int64_t s) { return Buffer{n, 0, uint32_t(std::min<int64_t>(s, UINT32_MAX))}; };
    const int64_t in_tile = l.op == Op::FC ? l.in.size() : int64_t(l.in.h) * window_cols(l, w) * l.in.c;
    if (l.analog()) {
      const int64_t cols = std::min<int64_t>(p.xbar.cols, l.cols());
      const int64_t e = int64_t(l.out.h) * w * cols;
      // A packed group at a tile's right edge reads up to one packed kernel
      // row past its window (those crossbar rows hold zeros for the pixels
      // it computes): slack at the end keeps the read inside the buffer.
      const int64_t slack = p.pack > 1 ? packed_run(l, p.pack) : 0;
      // ima_out also stages a packed layer's weights at boot (kernel rows of kw * C bytes per column).
      const int64_t ima_out = std::max<int64_t>(2 * e * p.psum_bytes, p.pack > 1 ? int64_t(l.kernel) * l.in.c * cols : 0);
      RoleBuffers a{"analog", {buf("input", cost_.input_slots * in_tile + slack), buf("ima_out", ima_out)}};
      if (p.reduce_fanin.empty()) a.buffers.push_back(buf("output", 2 * e));
      out.push_back(a);
      for (size_t lv = 0; lv < p.reduce_fanin.size(); ++lv) {
        bool last = lv + 1 == p.reduce_fanin.size();
        out.push_back({fmt::format("reduce level {}", lv + 1),
                       {buf("partials", 2 * int64_t(p.reduce_fanin[lv]) * e * p.psum_bytes),
                         buf("output", 2 * e * (last ? 1 : p.psum_bytes))}});
      }
    } else if (l.op == Op::Add) {
      const int64_t e = int64_t(l.out.h) * w * l.out.c;
      out.push_back({"digital", {buf("input_a", 2 * e), buf("input_b", 2 * e), buf("output", 2 * e)}});
    } else if (l.op == Op::DwConv) {  // a pool's windows, plus its weights and channel records (a VPWT record's body)
      const int64_t e = int64_t(l.out.h) * w * l.out.c;
      out.push_back({"digital", {buf("input", cost_.input_slots * in_tile), buf("output", 2 * e),
                                 buf("weights", dwconv_weights_bytes(l))}});
    } else {
      const int64_t e = int64_t(l.out.h) * w * l.out.c;
      out.push_back({"digital", {buf("input", cost_.input_slots * in_tile), buf("output", 2 * e)}});
    }
    return out;
  }

  // The widest tile (at most max_tile_cols output columns) whose buffers
  // fit; a packed layer's the widest multiple of its pack (max_tile_cols
  // rounded up to one), so that no MVM of a tile computes fewer pixels.
  void choose_tile(int i) {
    const Layer& l = net_.layers[size_t(i)];
    LayerPlan& p = plans_[size_t(i)];
    const int k = std::max(1, p.pack);
    const int widest = std::max(1, std::min<int>(int(ceil_div(cost_.max_tile_cols, k)) * k, l.out.w));
    auto fits = [&](int w) {
      bool ok = true;
      for (const auto& rb : buffers_of(i, w)) ok = ok && rb.total() <= role_budget(rb.role);
      return ok;
    };
    int w = 0;
    for (int c = widest / k * k; c >= k && k > 1 && !w; c -= k)
      if (fits(c)) w = c;
    if (!w)
      for (w = widest; w >= 1 && !fits(w); --w) {
      }
    if (w < 1) {
      int64_t worst = 0, budget = 0;
      std::string role;
      for (const auto& rb : buffers_of(i, 1))
        if (rb.total() - role_budget(rb.role) > worst - budget)
          worst = rb.total(), role = rb.role, budget = role_budget(rb.role);
      throw MappingError(fmt::format(
          "layer {}: a tile of one output column needs {} bytes of L1 ({} role), available {} ({} of L1 less {} reserved)",
          l.name, worst, role, budget, budget + cost_.l1_reserved, cost_.l1_reserved));
    }
    p.tile_w = w;
    p.tiles = int(ceil_div(l.out.w, w));
  }

  // What the depthwise accelerator's registers take (contracts/dwconv_regs.h).
  static bool dwconv_ip_fits(const Layer& l) {
    return l.kernel <= int(DWCONV_MAX_KERNEL) && l.stride <= int(DWCONV_MAX_STRIDE) && l.in.h <= 4095 && l.in.w <= 4095;
  }

  // ----- building a mapping -----------------------------------------------
  struct Out {  // a cluster that delivers (part of) a layer's int8 output
    int cluster;
    int64_t c0, c1;
  };

  Mapping build() override {
    try {
      return build_once();
    } catch (const L1Shortfall&) {
      // More roles without an IMA than clusters without one, and the clusters
      // with an IMA they spill onto have a smaller L1: this mapping sizes
      // their tiles for the smallest L1 of all (the plans keep their own
      // tiles, so the next plan is sized afresh).
      if (digital_budget_ <= budget_) throw MappingError("a role found no free cluster with enough L1");
      const std::vector<LayerPlan> saved = plans_;
      const int64_t own = digital_budget_;
      auto restore = [&] { plans_ = saved, digital_budget_ = own; };
      try {
        digital_budget_ = budget_;
        for (size_t i = 0; i < plans_.size(); ++i) choose_tile(int(i));
        Mapping m = build_once();
        restore();
        return m;
      } catch (...) {
        restore();
        throw;
      }
    }
  }

  Mapping build_once() {
    Mapping m;
    m.mode = mode_;
    m.platform = P_;
    m.cost = cost_;
    m.network = net_.name;
    m.macs = net_.macs();
    m.plans = plans_;
    Placed placed = place_clusters(m);
    for (size_t i = 0; i < net_.layers.size(); ++i) {  // a depthwise layer on the accelerators when all its clusters have one
      LayerPlan& lp = m.plans[i];
      lp.dwconv_ip = net_.layers[i].op == Op::DwConv && dwconv_ip_fits(net_.layers[i]) && !lp.clusters.empty() &&
                     std::all_of(lp.clusters.begin(), lp.clusters.end(), [&](int id) { return bool(P_.has_dwconv[size_t(id)]); });
    }
    const std::vector<int> skip_of = size_residuals(m);
    policies_.residuals->place(m, *this, [&m](ClusterRole c) {
      try {
        return add_cluster(m, std::move(c));
      } catch (const L1Shortfall&) {
        return -1;
      }
    });
    connect(m, placed, skip_of);
    place_buffers(m);
    place_hbm(m);
    estimate_costs(m, net_);
    return m;
  }

  // A role that some free cluster could take if its L1 were larger.
  struct L1Shortfall {};

  // The lowest free cluster id of a suitable class whose L1 holds the role's
  // c.l1_used bytes: an analog role needs an IMA; any other role takes a
  // cluster without one when there is such, so the IMAs stay free for analog
  // layers (section VI's digital clusters). On a homogeneous platform: the next id.
  static int add_cluster(Mapping& m, ClusterRole c) {
    const PlatformInfo& P = m.platform;
    bool small = false;  // a free cluster of the class was too small
    // Mixed crossbar sizes: an analog role only on a cluster of its layer's crossbar.
    const bool mixed = !P.ima.layer_xbar.empty();
    // Other roles, when no cluster without an IMA is free, first take one of
    // the smallest crossbar, so the larger ones stay for the layers tiled for them.
    ImaParams::Crossbar want = c.role == Role::Analog ? m.plans[size_t(c.layer)].xbar : ImaParams::Crossbar{};
    auto free_id = [&](int want_ima) {  // -1: any class
      for (int id = 0; id < P.clusters; ++id) {
        if (size_t(id) < m.clusters.size() && m.clusters[size_t(id)].role != Role::Idle) continue;
        if (mixed && want_ima == 1 && P.xbar_of[size_t(id)] != want) continue;
        if (want_ima < 0 || P.has_ima.empty() || bool(P.has_ima[size_t(id)]) == bool(want_ima)) {
          if (P.l1_of.empty() || P.l1_of[size_t(id)] >= c.l1_used) return id;
          small = true;
        }
      }
      return -1;
    };
    int id = free_id(c.role == Role::Analog ? 1 : 0);
    if (id < 0 && c.role != Role::Analog && mixed) want = {P.ima.rows, P.ima.cols}, id = free_id(1);
    if (id < 0 && c.role != Role::Analog) id = free_id(-1);
    if (id < 0 && small) throw L1Shortfall{};
    if (id < 0)
      throw MappingError(fmt::format("the platform {} has no free cluster {}for a {} role", P.name,
                                     c.role != Role::Analog ? ""
                                     : mixed ? fmt::format("with a {}x{} IMA ", want.rows, want.cols)
                                             : std::string("with an IMA "),
                                     role_name(c.role)));
    c.id = id;
    while (m.clusters.size() <= size_t(id)) {
      ClusterRole idle;
      idle.role = Role::Idle, idle.id = int(m.clusters.size());
      m.clusters.push_back(idle);
    }
    m.clusters[size_t(id)] = c;
    return id;
  }

  // Where each layer's data comes out and goes in.
  struct Placed {
    std::vector<std::vector<Out>> outs;       // clusters delivering the layer's output
    std::vector<std::vector<int>> inputs_of;  // clusters reading the layer's input
  };

  // Clusters of every layer: analog crossbars (row and column splits) with
  // their reduction trees, or the parallel parts of a digital layer; the
  // partial-sum edges of the trees.
  Placed place_clusters(Mapping& m) const {
    Placed placed;
    placed.outs.resize(net_.layers.size());
    placed.inputs_of.resize(net_.layers.size());
    auto& outs = placed.outs;
    auto& inputs_of = placed.inputs_of;
    auto add = [&m](ClusterRole c) { return add_cluster(m, std::move(c)); };
    for (size_t i = 0; i < net_.layers.size(); ++i) {
      const Layer& l = net_.layers[i];
      LayerPlan& p = m.plans[i];
      p.clusters.clear();
      for (int k = 0; k < p.replicas; ++k) {
        if (!l.analog()) {
          ClusterRole c;
          c.role = Role::Digital, c.layer = int(i), c.replica = k, c.col1 = l.out.c;
          c.l1_used = l1_need(c, p);
          int id = add(c);
          p.clusters.push_back(id);
          inputs_of[i].push_back(id);
          outs[i].push_back({id, 0, l.out.c});
          continue;
        }
        auto nodes = level_nodes(p.row_splits, p.reduce_fanin);
        for (int j = 0; j < p.col_splits; ++j) {
          int64_t c0 = int64_t(j) * p.xbar.cols, c1 = std::min<int64_t>(l.cols(), c0 + p.xbar.cols);
          std::vector<int> prev;
          for (int r = 0; r < p.row_splits; ++r) {
            ClusterRole c;
            c.role = Role::Analog, c.layer = int(i), c.replica = k, c.row_split = r, c.col_split = j;
            c.row0 = int64_t(r) * p.xbar.rows, c.row1 = std::min<int64_t>(l.rows(), c.row0 + p.xbar.rows);
            c.col0 = c0, c.col1 = c1;
            c.l1_used = l1_need(c, p);
            int id = add(c);
            p.clusters.push_back(id);
            inputs_of[i].push_back(id);
            prev.push_back(id);
          }
          for (size_t lv = 0; lv < p.reduce_fanin.size(); ++lv) {
            std::vector<int> cur;
            int f = p.reduce_fanin[lv];
            for (int n = 0; n < nodes[lv]; ++n) {
              ClusterRole c;
              c.role = Role::Reduce, c.layer = int(i), c.replica = k, c.col_split = j;
              c.level = int(lv) + 1, c.node = n, c.col0 = c0, c.col1 = c1;
              int lo = n * f, hi = std::min<int>(int(prev.size()), lo + f);
              c.fan_in = hi - lo;
              c.l1_used = l1_need(c, p);
              int id = add(c);
              p.clusters.push_back(id);
              for (int s = lo; s < hi; ++s)
                m.edges.push_back({prev[size_t(s)], id, int(i), Edge::Partial,
                                   ceil_div(int64_t(l.out.h) * l.out.w * (c1 - c0) * p.psum_bytes, p.replicas), 0});
              cur.push_back(id);
            }
            prev = cur;
          }
          for (int id : prev) outs[i].push_back({id, c0, c1});
        }
      }
    }
    return placed;
  }

  // The residual rings: the add input with the shorter path is the one kept
  // waiting (its skip). Returns each add layer's skip input (-1 elsewhere).
  std::vector<int> size_residuals(Mapping& m) const {
    std::vector<int> skip_of(net_.layers.size(), -1);
    for (size_t i = 0; i < net_.layers.size(); ++i) {
      const Layer& l = net_.layers[i];
      if (l.op != Op::Add) continue;
      int a = l.inputs[0], b = l.inputs[1];
      auto d = [&](int k) { return k < 0 ? 0 : depth_[size_t(k)]; };
      int skip = d(a) <= d(b) ? a : b, direct = skip == a ? b : a;
      skip_of[i] = skip;
      Residual r;
      r.add = int(i), r.skip = skip;
      // Live data: the tiles in flight on the direct path from the fork where
      // both paths start beyond those of the skip path, plus each window's
      // halo. A stage holds up to its input slots and two output tiles per
      // replica, and one more double buffer per reduction level, in columns
      // of the add's map; the ring is at least the two tiles per stage of
      // the plain pipeline, bounded by the whole map, and beyond that as deep
      // as those tiles in flight (several images when replicas run side by
      // side: a shallower ring stops the skip producer, and through it the
      // direct path), bounded by what one store's L1 holds.
      auto stages_of = [&](int k) { return 1 + int(m.plans[size_t(k)].reduce_fanin.size()); };
      auto flight_of = [&](int k) {
        const LayerPlan& p = m.plans[size_t(k)];
        const Layer& lk = net_.layers[size_t(k)];
        const int64_t slots = cost_.input_slots + 2 * stages_of(k);
        return int64_t(p.replicas) * slots * p.tile_w * l.out.w / std::max(1, lk.out.w);
      };
      int stages = 0, halo = 0;
      int64_t flight = 0;
      bool forked = false;
      for (int k = direct; k >= 0; k = net_.layers[size_t(k)].inputs[0]) {
        const auto& skip_in = skip < 0 ? std::vector<int>{} : net_.layers[size_t(skip)].inputs;
        if (k == skip || std::find(skip_in.begin(), skip_in.end(), k) != skip_in.end()) {
          if (k != skip) stages -= stages_of(skip), flight -= flight_of(skip);
          forked = true;
          break;
        }
        stages += stages_of(k);
        flight += flight_of(k);
        halo += net_.layers[size_t(k)].kernel / 2;
      }
      // Kept as a ring of whole tiles of the add's tile width.
      const int w = m.plans[i].tile_w;
      const int64_t tile = int64_t(l.out.c) * l.out.h * w;
      int64_t cols = forked ? std::min<int64_t>(l.out.w, int64_t(2 * std::max(stages, 1) + 2) * w + halo) : l.out.w;
      if (forked && cols == l.out.w) cols = std::max<int64_t>(cols, std::min<int64_t>(flight + halo, digital_budget_ / tile * w));
      r.bytes = tile * ceil_div(cols, w);
      m.residuals.push_back(r);
    }
    return skip_of;
  }

  // Activation and residual edges: every output cluster of a producer to
  // every input cluster of a consumer that needs its channels (inputs
  // broadcast over column splits; replicas take tiles round-robin); each
  // transfer moves one tile, contiguous in the producer's L1.
  void connect(Mapping& m, const Placed& placed, const std::vector<int>& skip_of) const {
    const auto& outs = placed.outs;
    const auto& inputs_of = placed.inputs_of;
    for (size_t i = 0; i < net_.layers.size(); ++i) {
      const Layer& l = net_.layers[i];
      const int p_i = m.plans[i].replicas;
      for (int src : l.inputs) {
        bool residual = l.op == Op::Add && src == skip_of[i];
        if (src < 0) {
          for (int dst : inputs_of[i])
            m.edges.push_back({-1, dst, -1, Edge::Activation, ceil_div(net_.input.size(), p_i), 0});
          continue;
        }
        const Layer& s = net_.layers[size_t(src)];
        const int64_t plane = int64_t(s.out.h) * s.out.w;
        const int p_s = m.plans[size_t(src)].replicas;
        const Residual* res = nullptr;
        for (const auto& r : m.residuals)
          if (residual && r.add == int(i)) res = &r;
        for (const Out& o : outs[size_t(src)]) {
          int64_t bytes = ceil_div(plane * (o.c1 - o.c0), p_s);
          if (res && res->in_hbm) {  // through the HBM: written once, read by each add part
            m.edges.push_back({o.cluster, -1, int(src), Edge::Residual, bytes, 0});
            for (int dst : inputs_of[i]) m.edges.push_back({-1, dst, int(src), Edge::Residual, ceil_div(bytes, p_i), 0});
          } else if (res) {  // through the residual stores
            for (auto& [st, b] : res->store) {
              int64_t share = ceil_div(bytes * b, std::max<int64_t>(1, res->bytes));
              m.edges.push_back({o.cluster, st, int(src), Edge::Residual, share, 0});
              for (int dst : inputs_of[i]) m.edges.push_back({st, dst, int(src), Edge::Residual, ceil_div(share, p_i), 0});
            }
          } else {
            for (int dst : inputs_of[i])
              m.edges.push_back({o.cluster, dst, int(src), Edge::Activation, ceil_div(bytes, p_i), 0});
          }
        }
      }
      if (net_.consumers(int(i)).empty())  // network outputs go to the HBM
        for (const Out& o : outs[i])
          m.edges.push_back({o.cluster, -1, int(i), Edge::Activation,
                             ceil_div(int64_t(l.out.h) * l.out.w * (o.c1 - o.c0), p_i), 0});
    }
    for (auto& e : m.edges) {  // each transfer moves one tile, contiguous in the producer's L1
      int layer = e.layer >= 0 ? e.layer : m.clusters[size_t(e.dst)].layer;
      int tiles = m.plans[size_t(layer)].tiles;
      e.segment = std::max<int64_t>(1, std::min(cost_.burst_bytes, ceil_div(std::max<int64_t>(e.bytes, 1), tiles)));
    }
  }

  // HBM regions from hbm_base: a batch of input images, a batch of network
  // outputs, and the residual rings that are not kept in L1.
  void place_hbm(Mapping& m) const {
    int64_t off = 0;
    auto put = [&](const std::string& name, int layer, int64_t size) {
      m.hbm.push_back({name, layer, off, size});
      off += align64(size);
    };
    put("input", -1, int64_t(cost_.batch) * net_.input.size());
    for (size_t i = 0; i < net_.layers.size(); ++i)
      if (net_.consumers(int(i)).empty())
        put("output " + net_.layers[i].name, int(i), int64_t(cost_.batch) * net_.layers[i].out.size());
    for (const auto& r : m.residuals)
      if (r.in_hbm && r.skip >= 0) put("residual " + net_.layers[size_t(r.skip)].name, r.skip, r.bytes);
    if (off > P_.hbm_size)
      throw MappingError(fmt::format("a batch of {} images needs {} bytes of HBM (inputs, outputs, residuals), the "
                                     "platform {} has {}", cost_.batch, off, P_.name, P_.hbm_size));
  }

  // The L1 a role of layer c.layer takes at the plan's tile width, reserved area included.
  int64_t l1_need(const ClusterRole& c, const LayerPlan& p) const {
    auto roles = buffers_of(c.layer, p.tile_w);
    return cost_.l1_reserved + (c.role == Role::Reduce ? roles[size_t(c.level)] : roles[0]).total();
  }
  // The L1 above the reserved area a role's tile may take (see the constructor).
  int64_t role_budget(const std::string& role) const { return role == "analog" ? analog_budget_ : digital_budget_; }

  void place_buffers(Mapping& m) const {
    for (auto& c : m.clusters) {
      if (c.role == Role::ResidualStore || c.role == Role::Idle) continue;
      auto roles = buffers_of(c.layer, m.plans[size_t(c.layer)].tile_w);
      const RoleBuffers& rb = c.role == Role::Reduce ? roles[size_t(c.level)] : roles[0];
      int64_t off = cost_.l1_reserved;
      c.buffers.clear();
      for (const auto& b : rb.buffers) {
        c.buffers.push_back({b.name, uint32_t(off), b.size});
        off += align64(b.size);
      }
      c.l1_used = off;
    }
  }

  const Network& net_;
  const PlatformInfo& P_;
  Mode mode_;
  CostParams cost_;
  int64_t budget_;                   // the smallest cluster's L1 less the reserved area
  int64_t analog_budget_ = 0, digital_budget_ = 0;  // the same over clusters with / without an IMA
  bool offload_auto_ = false;  // mode auto chose requantization nodes (dropped if they do not fit)
  std::vector<int> depth_;
  std::vector<LayerPlan> plans_;
  Policies policies_;
};

}  // namespace

int most_edges(const Mapping& m, int* which) {
  std::vector<int> in(m.clusters.size(), 0), out(m.clusters.size(), 0);
  for (const auto& e : m.edges) {
    if (e.dst >= 0) ++in[size_t(e.dst)];
    if (e.src >= 0) ++out[size_t(e.src)];
  }
  int most = 0;
  for (size_t i = 0; i < m.clusters.size(); ++i)
    if (std::max(in[i], out[i]) > most) {
      most = std::max(in[i], out[i]);
      if (which) *which = int(i);
    }
  return most;
}

// What the dataflow runtime can count (mapping_format.h): refused here, with
// the cause, rather than as a firmware exit code after the run started.
void check_runtime_limits(const Mapping& m, const Network& net) {
  if (m.clusters.size() > VPMAP_MAX_CLUSTERS)
    throw MappingError(fmt::format("the mapping uses {} clusters; the dataflow runtime runs at most {}",
                                   m.clusters.size(), VPMAP_MAX_CLUSTERS));
  int which = 0;
  if (const int n = most_edges(m, &which); n > int(VPMAP_MAX_EDGES)) {
    const auto& c = m.clusters[size_t(which)];
    throw MappingError(fmt::format("cluster {} ({} {}) has {} producer or consumer edges; the dataflow runtime keeps "
                                   "at most {} (fewer replicas of its neighbours)",
                                   which, c.layer < 0 ? std::string("residual store") : net.layers[size_t(c.layer)].name,
                                   role_name(c.role), n, VPMAP_MAX_EDGES));
  }
  for (const auto& c : m.clusters)
    if (c.buffers.size() > VPMAP_MAX_BUFFERS)
      throw MappingError(fmt::format("cluster {} ({}) has {} L1 buffers; the dataflow runtime keeps at most {}", c.id,
                                     role_name(c.role), c.buffers.size(), VPMAP_MAX_BUFFERS));
  check_table_limits(m, net);
  check_flow_limits(m, net);
}

std::vector<LayerNeeds> layer_needs(const Network& net, const PlatformInfo& p, const CostParams& cost) {
  check_numerics(net, p.ima);
  return Builder(net, p, Mode::Naive, cost).needs();
}

Mapping map_on(const Network& net, const PlatformInfo& p, Mode mode, const CostParams& cost) {
  check_numerics(net, p.ima);
  return Builder(net, p, mode, cost).run();
}

Mapping map_network(const Network& net, const Config& cfg, Mode mode, const CostParams& cost) {
  PlatformInfo p = PlatformInfo::from(cfg);
  p.ima = ImaParams::from(cfg, net);  // each analog layer's crossbar
  check_numerics(net, p.ima);
  Mapping m = Builder(net, p, mode, cost).run();
  check_runtime_limits(m, net);
  return m;
}

}  // namespace vp::map
