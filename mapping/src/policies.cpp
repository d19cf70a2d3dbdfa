#include "policies.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "mapper_util.hpp"

namespace vp::map {

void ResidualsInFreeL1::place(Mapping& m, const Planner& p, const std::function<int(ClusterRole)>& add_cluster) const {
  const Network& net = p.network();
  const CostParams& cost = p.cost();
  // Edges of each store so far (in, out): the runtime keeps at most
  // VPMAP_MAX_EDGES of each per cluster (connect(): every output cluster of
  // the skip layer writes the ring, and each reads to every add part).
  std::map<int, std::pair<int64_t, int64_t>> edges;
  std::map<int, int> rings;  // rings per store: one buffer each
  for (auto& r : m.residuals) {
    if (r.skip < 0) continue;  // the image itself is already in the HBM
    int64_t left = r.bytes;
    // Whole tiles per store, so the firmware never splits a tile.
    const Layer& a = net.layers[size_t(r.add)];
    const int64_t tile = int64_t(a.out.c) * a.out.h * m.plans[size_t(r.add)].tile_w;
    const LayerPlan& sp = m.plans[size_t(r.skip)];
    const int64_t ins = int64_t(sp.replicas) * (net.layers[size_t(r.skip)].analog() ? sp.col_splits : 1);
    const int64_t outs = ins * m.plans[size_t(r.add)].replicas;
    auto edges_fit = [&](int id) {  // and a ring more fits the runtime's buffer table
      auto e = edges[id];
      return e.first + ins <= int64_t(VPMAP_MAX_EDGES) && e.second + outs <= int64_t(VPMAP_MAX_EDGES) &&
             rings[id] < int(VPMAP_MAX_BUFFERS);
    };
    if (ins > int64_t(VPMAP_MAX_EDGES) || outs > int64_t(VPMAP_MAX_EDGES)) continue;  // through the HBM
    // Each store holds what its own class's L1 leaves.
    auto room = [&](const ClusterRole& c) { return (p.platform().l1_of[size_t(c.id)] - c.l1_used) / tile * tile; };
    std::vector<std::pair<int, int64_t>> store;
    // A ring that one store can hold goes to one store (the runtime reads a
    // ring from one holder): the first with room for all of it, else a new one
    // (the mapper bounds a ring by the smallest cluster L1, so any new store holds it).
    // Stores go to clusters without a crossbar when the platform has any: the least L1 among those.
    const auto& P = p.platform();
    int64_t least = -1;
    const bool digital = std::find(P.has_ima.begin(), P.has_ima.end(), false) != P.has_ima.end();
    for (size_t id = 0; id < P.l1_of.size(); ++id)
      if ((!digital || (id < P.has_ima.size() && !P.has_ima[id])) && (least < 0 || P.l1_of[id] < least)) least = P.l1_of[id];
    least = std::max<int64_t>(0, least - cost.l1_reserved);
    // The runtime reads a ring from one holder (flow.c): one that no store can
    // hold whole goes through the HBM rather than split over two stores.
    if (left > least / tile * tile) continue;
    for (auto& c : m.clusters) {
      if (c.role != Role::ResidualStore || room(c) < left || !edges_fit(c.id)) continue;
      int64_t take = std::min(left, room(c));
      store.push_back({c.id, take});
      c.l1_used += align64(take);
      left -= take;
      if (left == 0) break;
    }
    std::vector<int> added;
    while (left > 0 && store.empty() && m.clusters_used() < p.platform().clusters) {
      ClusterRole c;
      c.role = Role::ResidualStore;
      c.l1_used = cost.l1_reserved + tile;  // a cluster that holds one tile at least
      const int id = add_cluster(c);
      if (id < 0) break;
      auto& added_c = m.clusters[size_t(id)];
      added_c.l1_used = cost.l1_reserved;
      const int64_t take = std::min(left, room(added_c));
      added.push_back(id);
      store.push_back({id, take});
      m.clusters[size_t(id)].l1_used += align64(take);
      left -= take;
    }
    if (left == 0) {
      r.in_hbm = false, r.store = store;
      for (auto& [id, b] : store) edges[id].first += ins, edges[id].second += outs, ++rings[id];
    } else {  // no room: this residual goes to HBM; give back what was taken
      for (auto& [id, b] : store) m.clusters[size_t(id)].l1_used -= align64(b);
      for (int id : added) m.clusters[size_t(id)].role = Role::Idle;  // the stores this residual added
      while (!m.clusters.empty() && m.clusters.back().role == Role::Idle) m.clusters.pop_back();
    }
  }
  for (auto& r : m.residuals)  // offsets within each store
    for (auto& [id, b] : r.store) {
      auto& c = m.clusters[size_t(id)];
      uint32_t off = c.buffers.empty() ? uint32_t(cost.l1_reserved) : c.buffers.back().offset + uint32_t(align64(c.buffers.back().size));
      c.buffers.push_back({fmt::format("residual {}", net.layers[size_t(r.skip)].name), off, uint32_t(b)});
    }
}

namespace {

// The slowest stage of layer i, per image.
double layer_time(const Mapping& m, int i, const Stage** which = nullptr) {
  double t = 0;
  for (const auto& s : m.stages)
    if (s.layer == i && s.image_cycles >= t) {
      t = s.image_cycles;
      if (which) *which = &s;
    }
  return t;
}

}  // namespace

int pack_limit(const Layer& l, const LayerPlan& p, int max_pack) {
  // One crossbar per copy (no row or column split) and whole register words
  // per shifted copy (the firmware writes weights 4 columns at a time).
  if (l.op != Op::Conv || p.row_splits != 1 || p.col_splits != 1 || !p.reduce_fanin.empty() || l.out.c % 4 != 0) return 1;
  int k = 1;
  while (k < l.out.w && (max_pack == 0 || k < max_pack) && packed_rows(l, k + 1) <= p.xbar.rows &&
         int64_t(k + 1) * l.out.c <= p.xbar.cols)
    ++k;
  return k;
}

namespace {

// One improvement of layer i: pack one more output pixel per MVM when its
// crossbars bound it and the crossbar holds another shifted copy (no cluster
// added), else (offload_requant=2) give an unsplit layer whose crossbar
// clusters' cores bound it a requantization node, else split its slowest reduction level further while the fan-in
// allows, else one more replica (or parallel cluster).
void improve(Planner& planner, const Mapping& m, int i) {
  const Stage* s = nullptr;
  layer_time(m, i, &s);
  LayerPlan& p = planner.plans()[size_t(i)];
  const Layer& l = planner.network().layers[size_t(i)];
  int fmax = p.reduce_fanin.empty() ? 0 : *std::max_element(p.reduce_fanin.begin(), p.reduce_fanin.end());
  if (s && s->role == Role::Analog && s->bound == "analog" &&
      p.pack < pack_limit(l, p, planner.cost().max_pack))
    p.pack += 1;
  else if (s && s->role == Role::Analog && s->bound == "digital" && planner.cost().offload_requant == 2 &&
           p.row_splits == 1 && p.reduce_fanin.empty() && p.pack <= 1)
    p.reduce_fanin = {1};  // its cores bound it requantizing: a requantization node takes that over
  else if (s && s->role == Role::Reduce && fmax > 2)
    p.reduce_fanin = tree(p.row_splits, fmax - 1);
  else
    p.replicas += 1;
  planner.retile(i);
}

int hbm_residuals(const Mapping& m) {
  return int(std::count_if(m.residuals.begin(), m.residuals.end(), [](const Residual& r) { return r.in_hbm; }));
}

}  // namespace

Mapping BottleneckBalancing::balance(Planner& planner, Mapping m) const {
  const CostParams& cost = planner.cost();
  const PlatformInfo& P = planner.platform();
  for (int step = 0;; ++step) {
    m.balancer_steps = step;
    if (m.bottleneck == "HBM link" || m.bottleneck == "residual stores") {
      m.balancer_stop = "the bottleneck is the " + m.bottleneck + ", which more clusters do not speed up";
      return m;
    }
    const double target = m.bottleneck_cycles * (1.0 - cost.balance_step);
    if (m.hbm_cycles > target) {
      m.balancer_stop = "the HBM link would become the bottleneck";
      return m;
    }
    std::vector<LayerPlan> saved = planner.plans();
    Mapping next = m;
    bool fits = true;
    std::string why;  // what stopped the step: the report says the real reason
    for (size_t i = 0; i < planner.network().layers.size() && fits; ++i) {
      for (int guard = 0; fits && layer_time(next, int(i)) > target && guard < 4 * P.clusters; ++guard) {
        improve(planner, next, int(i));
        const int needed = planner.clusters_needed();
        if (needed > P.clusters) {
          why = fmt::format("no free clusters left: {} needed, {} on the platform", needed, P.clusters);
          fits = false;
          break;
        }
        try {
          next = planner.build();
        } catch (const MappingError& e) {  // e.g. the step's roles do not fit the L1 of the clusters left
          why = fmt::format("the next step does not map ({})", e.what());
          fits = false;
          break;
        }
        int which = 0;
        const int edges = most_edges(next, &which);
        if (next.clusters_used() > P.clusters)
          why = fmt::format("no free clusters left: {} needed, {} on the platform", next.clusters_used(), P.clusters);
        else if (hbm_residuals(next) > hbm_residuals(m))
          why = "the next step would move a residual ring into the HBM";
        else if (edges > int(VPMAP_MAX_EDGES))
          why = fmt::format("the next step would give cluster {} {} producer or consumer edges, beyond the dataflow "
                            "runtime's {}",
                            which, edges, VPMAP_MAX_EDGES);
        fits = why.empty();
      }
      if (fits && layer_time(next, int(i)) > target) {
        why = fmt::format("{} steps on layer {} were not enough", 4 * P.clusters, planner.network().layers[i].name);
        fits = false;
      }
    }
    if (!fits) {
      planner.plans() = saved;
      m.balancer_stop = fmt::format("{}; the step was to bring {} below {:.1f} us per image", why, m.bottleneck,
                                    target * 1e6 / P.clock_hz);
      return m;
    }
    double gain = m.bottleneck_cycles / next.bottleneck_cycles - 1.0;
    // What the step costs: clusters, or (efficiency_area) their classes' area,
    // so a step of small clusters weighs less than one of large ones.
    auto spent = [&](const Mapping& x) {
      double s = 0;
      for (const auto& c : x.clusters)
        if (c.role != Role::Idle) s += cost.efficiency_area && !P.area_of.empty() ? P.area_of[size_t(c.id)] : 1.0;
      return s;
    };
    double added = (spent(next) - spent(m)) / spent(m);
    if (gain < cost.efficiency * added) {
      planner.plans() = saved;
      m.balancer_stop = fmt::format(
          "the next step (bottleneck {} -> {:.1f} us per image) would add {} clusters for {:.1f}% more throughput",
          m.bottleneck, next.bottleneck_cycles * 1e6 / P.clock_hz, next.clusters_used() - m.clusters_used(),
          100 * gain);
      return m;
    }
    m = std::move(next);
  }
}

Policies policies_for(Mode mode) {
  Policies p;
  if (mode == Mode::Full || mode == Mode::Auto)
    p.residuals = std::make_unique<ResidualsInFreeL1>();
  else
    p.residuals = std::make_unique<ResidualsInHbm>();
  if (mode == Mode::Naive)
    p.balancing = std::make_unique<NoBalancing>();
  else
    p.balancing = std::make_unique<BottleneckBalancing>();
  return p;
}

}  // namespace vp::map
