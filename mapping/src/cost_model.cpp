#include "cost_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <numeric>
#include <tuple>

#include <fmt/format.h>

#include "config/area.hpp"
#include "config/cluster_classes.hpp"
#include "mapper.hpp"
#include "mapper_util.hpp"

namespace vp::map {

PlatformInfo PlatformInfo::from(const Config& cfg) {
  PlatformInfo p;
  p.name = cfg.get_string("name");
  p.isa = cfg.get_string("core.isa");
  if (cfg.get_string("kind") != "manycore")
    throw MappingError(fmt::format("platform {} is not a manycore platform (kind: {})", p.name, cfg.get_string("kind")));
  p.clusters = int(cfg.get_int("cluster.count"));
  p.cores = int(cfg.get_int("cluster.cores"));
  p.l1_size = int64_t(min_l1_size(cfg));
  p.hbm_size = int64_t(cfg.get_size("hbm.size"));
  p.ima = ImaParams::from(cfg);
  const AreaParams area = bind_area(cfg);
  for (unsigned id = 0; id < unsigned(p.clusters); ++id) {
    const bool ima = cfg.get_bool(cluster_key(cfg, id, "ima.present"));
    p.has_ima.push_back(ima);
    p.ima_clusters += ima;
    p.area_of.push_back(cluster_area(bind_cluster_shape(cfg, id), area));
    p.xbar_of.push_back(ima ? ImaParams::Crossbar{int(cfg.get_int(cluster_key(cfg, id, "ima.rows"))),
                                                  int(cfg.get_int(cluster_key(cfg, id, "ima.cols")))}
                            : ImaParams::Crossbar{});
    p.cores_of.push_back(int(cfg.get_int(cluster_key(cfg, id, "cores"))));
    p.l1_of.push_back(int64_t(cfg.get_size(cluster_key(cfg, id, "l1.size"))));
    p.has_dwconv.push_back(cfg.get_bool(cluster_key(cfg, id, "dwconv.present")));
  }
  p.dwconv_lanes = int(cfg.get_int("cluster.dwconv.lanes"));
  p.dwconv_taps = int(cfg.get_int("cluster.dwconv.taps_per_cycle"));
  p.dwconv_stream_bytes = int(cfg.get_int("cluster.dwconv.streamer_ports") * cfg.get_int("cluster.dwconv.port_bytes"));
  p.clock_hz = cfg.get_float("clock_hz");
  p.mvm_cycles = std::ceil(cfg.get_float("cluster.ima.mvm_ns") * 1e-9 * p.clock_hz);
  p.stream_bytes_per_cycle = int(cfg.get_int("cluster.ima.streamer_ports") * cfg.get_int("cluster.l1.bank_width"));
  if (cfg.get_string("noc.topology") == "mesh") {
    // The mesh's figures in the tree's terms where the model uses them: the leaf width is the
    // local link's, the root width the HBM link's (platform/schema/noc.yaml).
    p.mesh = true;
    p.columns = cfg.get_int("noc.mesh.columns");
    p.hop_latency = cfg.get_int("noc.mesh.latency_cycles");
    p.local_latency = cfg.get_int("noc.mesh.local_latency_cycles");
    p.hbm_latency = cfg.get_int("noc.mesh.hbm_latency_cycles");
    const auto at = cfg.get_int_list("noc.mesh.hbm_router");
    p.hbm_column = at[0], p.hbm_row = at[1];
    p.width = {cfg.get_int("noc.mesh.hbm_width_bytes"), cfg.get_int("noc.mesh.local_width_bytes")};
    return p;
  }
  p.factors = cfg.get_int_list("noc.factors");
  p.width = cfg.get_int_list("noc.width_bytes");
  p.latency = cfg.get_int_list("noc.latency_cycles");
  if (p.width.size() != p.factors.size() || p.latency.size() != p.factors.size())
    cfg.fail("noc", "factors, width_bytes and latency_cycles must have one entry per level");
  return p;
}

int64_t PlatformInfo::path_latency(int a, int b) const {
  if (mesh) {  // XY routing: the Manhattan distance in hops, plus the links in and out
    auto hops = [&](int64_t c0, int64_t r0, int64_t c1, int64_t r1) { return std::abs(c0 - c1) + std::abs(r0 - r1); };
    if (b < 0) return local_latency + hops(a % columns, a / columns, hbm_column, hbm_row) * hop_latency + hbm_latency;
    if (a == b) return 0;
    return 2 * local_latency + hops(a % columns, a / columns, b % columns, b / columns) * hop_latency;
  }
  const size_t n = factors.size();
  if (b < 0) return std::accumulate(latency.begin(), latency.end(), int64_t(0));
  // Level i's node holding cluster x is x / (product of factors[i..]);
  // the route climbs to the deepest level whose node holds both.
  int64_t span = 1;
  std::vector<int64_t> below(n);
  for (size_t i = n; i-- > 0;) below[i] = (span *= factors[i]);
  size_t common = 0;
  for (size_t i = 0; i < n; ++i)
    if (a / below[i] == b / below[i]) common = i;
  if (a == b) return 0;
  int64_t lat = latency[common];
  for (size_t i = common + 1; i < n; ++i) lat += 2 * latency[i];
  return lat;
}

void CostParams::set(const std::string& kv) {
  auto eq = kv.find('=');
  if (eq == std::string::npos) throw std::invalid_argument("--cost expects name=value, got '" + kv + "'");
  const std::string k = kv.substr(0, eq);
  double v = 0;
  try {
    size_t used = 0;
    v = std::stod(kv.substr(eq + 1), &used);
    if (used != kv.size() - eq - 1 || !std::isfinite(v)) throw std::invalid_argument(kv);
  } catch (const std::exception&) {
    throw std::invalid_argument("--cost " + kv + ": value is not a number");
  }
  // Each figure with its valid range; whole numbers for the counts and sizes.
  struct Figure {
    const char* name;
    double lo, hi;
    bool whole;
    std::function<void(double)> set;
  };
  const Figure figures[] = {
      {"l1_reserved", 0, 4294967295.0, true, [&](double x) { l1_reserved = int64_t(x); }},
      {"max_tile_cols", 1, 65535, true, [&](double x) { max_tile_cols = int(x); }},
      {"tile_overhead", 0, 1e9, false, [&](double x) { tile_overhead = x; }},
      {"requant", 0, 1e6, false, [&](double x) { requant = x; }},
      {"requant_ch", 0, 1e6, false, [&](double x) { requant_ch = x; }},
      {"input_slots", 2, 256, true, [&](double x) { input_slots = int(x); }},
      {"reduce", 0, 1e6, false, [&](double x) { reduce = x; }},
      {"add", 0, 1e6, false, [&](double x) { add = x; }},
      {"pool", 0, 1e6, false, [&](double x) { pool = x; }},
      {"dwconv", 0, 1e6, false, [&](double x) { dwconv = x; }},
      {"dwconv_xcv", 0, 1e6, false, [&](double x) { dwconv_xcv = x; }},
      {"dwconv_tile", 0, 1e9, false, [&](double x) { dwconv_tile = x; }},
      {"dma_outstanding", 1, 1024, true, [&](double x) { dma_outstanding = int(x); }},
      {"burst_bytes", 1, 4294967295.0, true, [&](double x) { burst_bytes = int64_t(x); }},
      {"batch", 1, 1e6, true, [&](double x) { batch = int(x); }},
      {"balance_step", 1e-9, 1 - 1e-9, false, [&](double x) { balance_step = x; }},
      {"efficiency", 0, 1e6, false, [&](double x) { efficiency = x, efficiency_set = true; }},
      {"efficiency_area", 0, 1, true, [&](double x) { efficiency_area = int(x), efficiency_area_set = true; }},
      {"max_pack", 0, 256, true, [&](double x) { max_pack = int(x), max_pack_set = true; }},
      {"offload_requant", 0, 2, true, [&](double x) { offload_requant = int(x), offload_requant_set = true; }},
      {"psum16", 0, 1, true, [&](double x) { psum16 = int(x); }},
  };
  std::vector<std::string> names;
  for (const auto& f : figures) {
    names.push_back(f.name);
    if (k != f.name) continue;
    const bool whole = !f.whole || v == std::floor(v);
    if (!(v >= f.lo && v <= f.hi) || !whole)
      throw std::invalid_argument(fmt::format("--cost {}: {} takes {} in [{}, {}]", kv, k,
                                              f.whole ? "a whole number" : "a number", f.lo, f.hi));
    f.set(v);
    return;
  }
  throw std::invalid_argument(fmt::format("--cost {}: unknown name (one of {})", kv, fmt::join(names, ", ")));
}

TileShare tile_share(int out_w, int tile_w, int tiles, int replicas, int replica) {
  TileShare s;
  const int rem = tile_w < out_w ? out_w % tile_w : 0;  // the narrower last tile's width, if any
  const int full = out_w / std::min(tile_w, out_w);     // full-width tiles per image
  const int g = std::gcd(tiles, replicas);
  s.even = rem == 0 || g == 1;
  if (s.even) {  // every replica sees every tile index equally often: the average
    s.cols = double(out_w) / replicas;
    s.narrow_cols = double(rem) / replicas;
    s.full_tiles = double(full) / replicas;
    return s;
  }
  const double each = double(g) / replicas;  // times per image replica r gets each of its indices
  int cols = 0, full_own = 0;
  bool narrow = false;
  for (int t = replica % g; t < tiles; t += g) {
    if (t == tiles - 1) narrow = true, cols += rem;
    else cols += tile_w, ++full_own;
  }
  s.cols = cols * each;
  s.narrow_cols = narrow ? rem * each : 0.0;
  s.full_tiles = full_own * each;
  return s;
}

void estimate_costs(Mapping& m, const Network& net) {
  const PlatformInfo& P = m.platform;
  const CostParams& cost = m.cost;
  const double leaf_width = double(P.width.back());
  std::vector<double> in_cycles(m.clusters.size(), 0), port_bytes(m.clusters.size(), 0);
  m.hbm_bytes = 0;
  for (const auto& e : m.edges) {
    if (e.src < 0 || e.dst < 0) m.hbm_bytes += e.bytes;
    if (e.src >= 0) port_bytes[size_t(e.src)] += double(e.bytes);
    if (e.dst >= 0) {
      port_bytes[size_t(e.dst)] += double(e.bytes);
      // The consumer's DMA reads: data beats plus a round trip per group of
      // outstanding bursts.
      double bursts = std::ceil(double(e.bytes) / double(e.segment));
      in_cycles[size_t(e.dst)] += double(e.bytes) / leaf_width +
                                  std::ceil(bursts / cost.dma_outstanding) * 2.0 * double(P.path_latency(e.dst, e.src));
    } else {  // a write to the HBM: one-way latency per group of bursts
      double bursts = std::ceil(double(e.bytes) / double(e.segment));
      in_cycles[size_t(e.src)] += std::ceil(bursts / cost.dma_outstanding) * double(P.path_latency(e.src, -1));
    }
  }
  m.hbm_cycles = double(m.hbm_bytes) / double(P.width.front());
  // A network calibrated per channel (seeded) or imported: its analog layers requantize per channel.
  const double requant = net.per_channel_calibration || !net.weights_file.empty() ? cost.requant_ch : cost.requant;
  for (auto& c : m.clusters) {
    if (c.role == Role::Idle) continue;
    const double cores = P.cores_of.empty() ? P.cores : P.cores_of[size_t(c.id)];  // its class's
    double dma = std::max(in_cycles[size_t(c.id)], port_bytes[size_t(c.id)] / leaf_width);
    double ima = 0, core = 0, tiles_own = 1;
    if (c.role != Role::ResidualStore) {
      const Layer& l = net.layers[size_t(c.layer)];
      const LayerPlan& p = m.plans[size_t(c.layer)];
      tiles_own = double(p.tiles) / p.replicas;
      // The runtime deals tile M = image x tiles + t of the stream to replica M mod replicas,
      // so with g = gcd(tiles, replicas) > 1 replica r only ever gets the tile indices
      // t = r (mod g), each g / replicas times per image: when the last tile is narrower
      // (out_w not a multiple of tile_w) the same replicas always get it, and the stage is as
      // slow as its busiest replica, not the average (MobileNetV2 on hetero-multi-256: b5dw,
      // 28 wide in 4 tiles on 2 replicas, one replica took every 4-column remainder on its
      // cores: 219.5 us per image against 46.2 for the other; docs/results.md).
      const TileShare share = tile_share(l.out.w, p.tile_w, p.tiles, p.replicas, c.replica);
      const double pix = share.even ? double(l.out.h) * l.out.w / p.replicas   // output pixels per
                                    : double(l.out.h) * share.cols;            // image per replica
      core = tiles_own * cost.tile_overhead;
      if (c.role == Role::Analog) {
        // A packed conv (p.pack pixels per MVM) reads its wider window and
        // writes pack x cols outputs per MVM, one MVM per group of pixels.
        const int k = std::max(1, p.pack);
        double rows = k > 1 ? double(packed_rows(l, k)) : double(c.row1 - c.row0), cols = double(c.col1 - c.col0);
        double per_mvm = std::max({P.mvm_cycles, std::ceil(rows / P.stream_bytes_per_cycle),
                                   std::ceil(k * cols * 4 / P.stream_bytes_per_cycle)});
        const double mvms = k > 1 ? double(l.out.h) * double(packed_groups(l.out.w, p.tile_w, k)) / p.replicas : pix;
        ima = mvms * per_mvm;
        if (p.reduce_fanin.empty()) core += pix * cols * requant / cores;  // else its reduction tree requantizes
      } else if (c.role == Role::Reduce) {
        bool last = c.level == int(p.reduce_fanin.size());
        double e = pix * double(c.col1 - c.col0);
        core += e * ((c.fan_in - 1) * cost.reduce + (last ? requant : 0)) / cores;
      } else if (l.op == Op::Add) {
        core += pix * l.out.c * cost.add / cores;
      } else if (l.op == Op::DwConv && p.dwconv_ip) {
        // The accelerator (ip/dwconv/README.md, Timing): per output pixel and
        // group of `lanes` channels ceil(K*K / taps) cycles of compute; its
        // streams move each window column of a group once per output row
        // group; the larger of the two, the window's halo columns included.
        // The runtime gives it full-width tiles only (firmware/dataflow/dwconv.c
        // df_dwconv_tile): a narrower last tile (out_w not a multiple of
        // tile_w) runs on the cores, at their cost. Each accelerator tile also
        // costs core 0 `dwconv_tile` cycles around the job (gathering the
        // window, flow control, delivering), not overlapped with it.
        // mapping/docs/cost-model.md has the measurements.
        const int rem = p.tile_w < l.out.w ? l.out.w % p.tile_w : 0;
        const double core_pix = share.even ? double(l.out.h) * rem / p.replicas : double(l.out.h) * share.narrow_cols;
        core += core_pix * l.out.c * (double(l.kernel) * l.kernel * cost.dwconv_for(P.isa) + requant) / cores;
        const double acc_tiles = share.full_tiles;  // full-width tiles per image
        core += acc_tiles * cost.dwconv_tile;
        const double acc_pix = pix - core_pix;
        const double groups = std::ceil(double(l.out.c) / P.dwconv_lanes);
        const double compute = acc_pix * groups * std::ceil(double(l.kernel) * l.kernel / P.dwconv_taps);
        const double lane_bytes = std::min<double>(P.dwconv_lanes, l.out.c);
        const double window = double(l.in.h) * (double(p.tile_w - 1) * l.stride + l.kernel) * tiles_own;
        const double stream = (window * groups * std::ceil(lane_bytes / P.dwconv_stream_bytes)) +
                              acc_pix * groups * std::ceil(lane_bytes / P.dwconv_stream_bytes);
        core += std::max(compute, stream);
      } else if (l.op == Op::DwConv) {
        core += pix * l.out.c * (double(l.kernel) * l.kernel * cost.dwconv_for(P.isa) + cost.requant) / cores;
      } else {
        core += pix * l.out.c * double(l.kernel) * l.kernel * cost.pool / cores;
      }
    }
    c.ima_cycles = ima, c.core_cycles = core, c.dma_cycles = dma;
    c.image_cycles = std::max({ima, core, dma});
    c.tile_cycles = c.image_cycles / tiles_own;
    c.bound = c.image_cycles == dma && dma > 0 ? "communication" : (ima >= core ? "analog" : "digital");
    if (c.role == Role::ResidualStore) c.bound = "communication";
  }
  // Stages: one per layer role and reduction level, plus the residual stores.
  m.stages.clear();
  std::map<std::tuple<int, int, int>, size_t> index;  // (layer, role, level)
  for (auto& c : m.clusters) {
    if (c.role == Role::Idle) continue;
    auto key = std::make_tuple(c.layer, int(c.role), c.level);
    auto it = index.find(key);
    if (it == index.end()) {
      Stage s;
      s.layer = c.layer, s.role = c.role, s.level = c.level;
      s.name = c.layer < 0 ? "residual stores"
                           : fmt::format("{} {}{}", net.layers[size_t(c.layer)].name, role_name(c.role),
                                         c.role == Role::Reduce ? fmt::format(" L{}", c.level) : "");
      it = index.emplace(key, m.stages.size()).first;
      m.stages.push_back(s);
    }
    Stage& s = m.stages[it->second];
    s.clusters.push_back(c.id);
    s.model_cycles = std::max(s.model_cycles, c.image_cycles);
    // Mode auto: the stage's measured over modelled time from an earlier run.
    if (auto f = cost.calibration.find(s.name); f != cost.calibration.end())
      c.image_cycles *= f->second, c.tile_cycles *= f->second;
    if (c.image_cycles >= s.image_cycles) {
      s.image_cycles = c.image_cycles, s.tile_cycles = c.tile_cycles, s.bound = c.bound;
    }
  }
  m.bottleneck_cycles = m.hbm_cycles;
  m.bottleneck = "HBM link";
  for (const auto& s : m.stages)
    if (s.image_cycles > m.bottleneck_cycles) m.bottleneck_cycles = s.image_cycles, m.bottleneck = s.name;
  m.images_per_s = P.clock_hz / m.bottleneck_cycles;
  m.tops = 2.0 * double(m.macs) * m.images_per_s * 1e-12;
  // Batch: the pipeline fills with one tile per stage along the deepest
  // path (two for double buffering), then delivers an image per bottleneck.
  std::vector<double> fill(net.layers.size(), 0);
  double deepest = 0;
  for (size_t i = 0; i < net.layers.size(); ++i) {
    double before = 0;
    for (int k : net.layers[i].inputs) before = std::max(before, k < 0 ? 0.0 : fill[size_t(k)]);
    double own = 0;
    for (const auto& s : m.stages)
      if (s.layer == int(i)) own += 2 * s.tile_cycles;
    fill[i] = before + own;
    deepest = std::max(deepest, fill[i]);
  }
  m.batch_steady_s = cost.batch * m.bottleneck_cycles / P.clock_hz;
  m.batch_latency_s = (deepest + cost.batch * m.bottleneck_cycles) / P.clock_hz;
}

}  // namespace vp::map
