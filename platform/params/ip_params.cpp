#include "params/ip_params.hpp"

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "config/cluster_classes.hpp"
#include "dma_regs.h"
#include "event_unit_regs.h"

namespace vp {

using sc_core::sc_time;

namespace {

unsigned get_unsigned(const Config& cfg, const std::string& key) { return static_cast<unsigned>(cfg.get_int(key)); }

sc_time cycles(const Config& cfg, const std::string& key) {
  return bind_cycle(cfg) * static_cast<double>(cfg.get_int(key));
}

}  // namespace

sc_time bind_cycle(const Config& cfg) {
  const sc_time cycle(1.0 / cfg.get_float("clock_hz"), sc_core::SC_SEC);
  if (cycle == sc_core::SC_ZERO_TIME) cfg.fail("clock_hz", "the clock period is below the SystemC time resolution");
  return cycle;
}

ClusterMap bind_cluster_map(const Config& cfg) {
  ClusterMap m;
  m.local_base = static_cast<uint64_t>(cfg.get_int("memory_map.cluster_local_base"));
  m.global_base = static_cast<uint64_t>(cfg.get_int("memory_map.cluster_global_base"));
  m.stride = static_cast<uint64_t>(cfg.get_int("memory_map.cluster_stride"));
  m.peripherals_offset = static_cast<uint64_t>(cfg.get_int("memory_map.peripherals_offset"));
  // The L1 every cluster has at least (a firmware image's .data must fit each); a
  // cluster's own map (bind_cluster) holds its class's size.
  m.l1_size = min_l1_size(cfg);
  m.imem_base = static_cast<uint64_t>(cfg.get_int("memory_map.imem_base"));
  m.imem_size = cfg.get_size("memory_map.imem_size");
  return m;
}

L1Window bind_l1_window(const Config& cfg, unsigned cluster_id) {
  const ClusterMap m = bind_cluster_map(cfg);
  L1Window w;
  w.local_base = m.local_base;
  w.global_base = m.global_base + uint64_t(cluster_id) * m.stride;
  w.size = cfg.get_size(cluster_key(cfg, cluster_id, "l1.size"));
  return w;
}

rv::CoreConfig bind_core(const Config& cfg) {
  rv::CoreConfig c;
  auto cyc = [&](const char* key) { return static_cast<uint32_t>(cfg.get_int(std::string("core.timing.") + key)); };
  c.timing.load_use_stall = cyc("load_use_stall");
  c.timing.jalr_hazard_stall = cyc("jalr_hazard_stall");
  c.timing.branch_taken_penalty = cyc("branch_taken_penalty");
  c.timing.jump_penalty = cyc("jump_penalty");
  c.timing.unaligned_target_penalty = cyc("unaligned_target_penalty");
  c.timing.mul = cyc("mul");
  c.timing.mulh = cyc("mulh");
  c.timing.div_min = cyc("div_min");
  c.timing.csr_slow = cyc("csr_slow");
  c.timing.misaligned_penalty = cyc("misaligned_penalty");
  c.timing.elw = cyc("elw");
  const std::string isa = cfg.get_string("core.isa");
  c.isa = isa == "rv32imc_xcv" ? rv::kIsaRv32imcXcv : rv::kIsaRv32imc;  // the schema admits only these two
  c.trap_misaligned = cfg.get_string("core.misaligned") == "trap";
  c.cycle = bind_cycle(cfg);
  return c;
}

TcdmParams bind_tcdm(const Config& cfg, unsigned cluster_id) {
  TcdmParams p;
  const std::string size_key = cluster_key(cfg, cluster_id, "l1.size");
  p.size = cfg.get_size(size_key);
  p.banks = get_unsigned(cfg, "cluster.l1.banks");
  p.bank_width = get_unsigned(cfg, "cluster.l1.bank_width");
  if (p.size % p.bank_width != 0)
    cfg.fail(size_key, fmt::format("the L1 size must be a multiple of cluster.l1.bank_width ({})", p.bank_width));
  p.cycle = bind_cycle(cfg);
  p.latency = cycles(cfg, "cluster.l1.latency_cycles");
  return p;
}

EventUnitParams bind_event_unit(const Config& cfg, unsigned cluster_id) {
  EventUnitParams p;
  const std::string cores_key = cluster_key(cfg, cluster_id, "cores");
  p.cores = get_unsigned(cfg, cores_key);
  if (p.cores == 0 || p.cores > EU_MAX_CORES)
    cfg.fail(cores_key, fmt::format("the event unit serves 1..{} cores", EU_MAX_CORES));
  p.access_latency = cycles(cfg, "cluster.event_unit.access_latency_cycles");
  p.barrier_latency = cycles(cfg, "cluster.event_unit.barrier_latency_cycles");
  return p;
}

DmaParams bind_dma(const Config& cfg, unsigned cluster_id) {
  DmaParams p;
  p.cluster_id = cluster_id;
  p.l1 = bind_l1_window(cfg, cluster_id);
  p.channels = get_unsigned(cfg, "cluster.dma.channels");
  if (p.channels > DMA_MAX_CHANNELS)
    cfg.fail("cluster.dma.channels", fmt::format("at most {} channels fit the register map", DMA_MAX_CHANNELS));
  p.outstanding = get_unsigned(cfg, "cluster.dma.outstanding");
  p.outstanding_reads = get_unsigned(cfg, "cluster.dma.outstanding_reads");
  p.outstanding_writes = get_unsigned(cfg, "cluster.dma.outstanding_writes");
  p.width_bytes = static_cast<uint32_t>(cfg.get_int("cluster.dma.width_bytes"));
  p.max_burst_bytes = static_cast<uint32_t>(cfg.get_int("cluster.dma.max_burst_bytes"));
  p.cycle = bind_cycle(cfg);
  p.setup = cycles(cfg, "cluster.dma.setup_cycles");
  p.register_latency = cycles(cfg, "cluster.peripheral_latency_cycles");
  return p;
}

ImaParams bind_ima(const Config& cfg, unsigned cluster_id) {
  ImaParams p;
  p.cluster_id = cluster_id;
  p.l1 = bind_l1_window(cfg, cluster_id);
  p.present = cfg.get_bool(cluster_key(cfg, cluster_id, "ima.present"));
  const std::string rows_key = cluster_key(cfg, cluster_id, "ima.rows");
  p.rows = get_unsigned(cfg, rows_key);
  p.cols = get_unsigned(cfg, cluster_key(cfg, cluster_id, "ima.cols"));
  if (p.rows > 0xFFFF || p.cols > 0xFFFF) cfg.fail(rows_key, "rows and cols must fit the 16-bit INFO fields");
  p.streamer_ports = get_unsigned(cfg, "cluster.ima.streamer_ports");
  p.port_bytes = get_unsigned(cfg, "cluster.ima.port_bytes");
  p.dac_bits = get_unsigned(cfg, "cluster.ima.dac_bits");
  p.adc_bits = get_unsigned(cfg, "cluster.ima.adc_bits");
  p.adc_shift = get_unsigned(cfg, "cluster.ima.adc_shift");
  p.job_queue = static_cast<size_t>(cfg.get_int("cluster.ima.job_queue"));
  p.cycle = bind_cycle(cfg);
  p.mvm = sc_time(cfg.get_float("cluster.ima.mvm_ns"), sc_core::SC_NS);
  p.setup = cycles(cfg, "cluster.ima.setup_cycles");
  p.program_setup = sc_time(cfg.get_float("cluster.ima.program_setup_ns"), sc_core::SC_NS);
  p.program_row = sc_time(cfg.get_float("cluster.ima.program_row_ns"), sc_core::SC_NS);
  p.l1_latency = cycles(cfg, "cluster.l1.latency_cycles");
  p.register_latency = cycles(cfg, "cluster.peripheral_latency_cycles");
  p.noise = bind_ima_noise(cfg);
  p.lookahead = cycles(cfg, "simulation.ima_lookahead_cycles");
  return p;
}

DwconvParams bind_dwconv(const Config& cfg, unsigned cluster_id) {
  DwconvParams p;
  const std::string k = "cluster.dwconv.";
  p.present = cfg.get_bool(cluster_key(cfg, cluster_id, "dwconv.present"));  // per class
  p.cluster_id = cluster_id;
  p.l1 = bind_l1_window(cfg, cluster_id);
  p.lanes = get_unsigned(cfg, k + "lanes");
  p.taps_per_cycle = get_unsigned(cfg, k + "taps_per_cycle");
  p.streamer_ports = get_unsigned(cfg, k + "streamer_ports");
  p.port_bytes = get_unsigned(cfg, k + "port_bytes");
  p.job_queue = static_cast<size_t>(cfg.get_int(k + "job_queue"));
  p.cycle = bind_cycle(cfg);
  p.setup = cycles(cfg, k + "setup_cycles");
  p.l1_latency = cycles(cfg, "cluster.l1.latency_cycles");
  p.register_latency = cycles(cfg, "cluster.peripheral_latency_cycles");
  return p;
}

std::optional<double> parse_drift_time(const std::string& text) {
  const char* s = text.c_str();
  char* end = nullptr;
  const double v = std::strtod(s, &end);
  if (end == s || !std::isfinite(v)) return std::nullopt;
  const std::string unit(end);
  constexpr double day = 86400.0, year = 365.25 * day;
  static const std::pair<const char*, double> units[] = {
      {"s", 1.0}, {"min", 60.0}, {"h", 3600.0}, {"d", day}, {"month", year / 12}, {"y", year}};
  for (const auto& u : units)
    if (unit == u.first) return v * u.second;
  return std::nullopt;
}

ima_noise_params bind_ima_noise(const Config& cfg) {
  ima_noise_params n{};
  const std::string k = "cluster.ima.noise.";
  n.enabled = cfg.get_bool(k + "enabled");
  n.seed = static_cast<uint64_t>(cfg.get_int(k + "seed"));
  n.gmax_us = cfg.get_float(k + "gmax");
  n.t0_s = cfg.get_float(k + "t0");
  const std::string dt = cfg.get_string(k + "drift_time");
  const auto d = parse_drift_time(dt);
  if (!d) cfg.fail(k + "drift_time", fmt::format("'{}' is not a duration (a number and s, min, h, d, month or y)", dt));
  if (*d < 0) cfg.fail(k + "drift_time", fmt::format("'{}' is before t0 (the drift time counts from t0)", dt));
  n.drift_s = *d;
  n.t_read_s = cfg.get_float(k + "t_read") * 1e-9;
  n.compensate = !cfg.get_bool(k + "compensation")                        ? IMA_NOISE_COMP_NONE
                 : cfg.get_string(k + "compensation_method") == "global" ? IMA_NOISE_COMP_GLOBAL
                                                                         : IMA_NOISE_COMP_MEASURED;
  n.prog_scale = cfg.get_float(k + "prog_noise_scale");
  n.drift_scale = cfg.get_float(k + "drift_scale");
  n.read_scale = cfg.get_float(k + "read_noise_scale");
  n.adc_noise = cfg.get_float(k + "adc_noise");
  return n;
}

ClusterParams bind_cluster(const Config& cfg, unsigned cluster_id) {
  ClusterParams p;
  p.id = cluster_id;
  p.clusters = get_unsigned(cfg, "cluster.count");
  p.map = bind_cluster_map(cfg);
  p.map.l1_size = cfg.get_size(cluster_key(cfg, cluster_id, "l1.size"));
  p.cycle = bind_cycle(cfg);
  p.imem_latency = cycles(cfg, "cluster.imem_latency_cycles");
  p.wake_latency = cycles(cfg, "cluster.event_unit.wake_latency_cycles");
  p.core = bind_core(cfg);
  p.l1 = bind_tcdm(cfg, cluster_id);
  p.event_unit = bind_event_unit(cfg, cluster_id);
  p.cores = p.event_unit.cores;
  p.dma = bind_dma(cfg, cluster_id);
  p.ima = bind_ima(cfg, cluster_id);
  p.dwconv = bind_dwconv(cfg, cluster_id);
  return p;
}

ClusterParams bind_cluster(const Config& cfg, unsigned cluster_id, ClusterClassCache& cache) {
  const std::string cls = cluster_class(cfg, cluster_id);
  const auto it = cache.find(cls);
  if (it == cache.end()) return cache.emplace(cls, bind_cluster(cfg, cluster_id)).first->second;
  ClusterParams p = it->second;  // what bind_cluster reads per cluster id, and nothing else:
  p.id = p.dma.cluster_id = p.ima.cluster_id = p.dwconv.cluster_id = cluster_id;
  p.dma.l1 = p.ima.l1 = p.dwconv.l1 = bind_l1_window(cfg, cluster_id);
  return p;
}

}  // namespace vp
