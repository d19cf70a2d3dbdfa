#include "energy/energy_model.hpp"

#include "config/cluster_classes.hpp"

#include <algorithm>
#include <vector>

namespace vp::energy {

namespace {

constexpr double kPjPerMj = 1e9;

double num(const nlohmann::json& j, const char* key) { return j.contains(key) ? j.at(key).get<double>() : 0.0; }

}  // namespace

ClusterActivity ClusterActivity::from_stats(const nlohmann::json& c) {
  ClusterActivity a;
  a.instructions = num(c, "instructions");
  a.core_active_cycles = num(c, "core_active_cycles");
  a.core_sleep_cycles = num(c, "core_sleep_cycles");
  a.l1_bytes = num(c, "l1_bytes");
  a.dma_bytes = num(c, "dma_bytes");
  a.ima_jobs = num(c, "ima_jobs");
  a.ima_rows_driven = num(c, "ima_rows_driven");
  a.ima_columns_converted = num(c, "ima_columns_converted");
  a.ima_cells_used = num(c, "ima_cells_used");
  a.ima_cells_programmed = num(c, "ima_cells_programmed");
  a.dwconv_macs = num(c, "dwconv_macs");
  if (c.contains("instructions_by_class"))
    for (size_t k = 0; k < rv::kInsnClasses; ++k) a.instructions_by_class[k] = num(c.at("instructions_by_class"), rv::kInsnClassNames[k]);
  return a;
}

ClusterEnergy cluster_energy_pj(const ClusterActivity& a, const EnergyParams& e) {
  ClusterEnergy c;
  for (size_t k = 0; k < rv::kInsnClasses; ++k) {
    c.cores_by_class[k] = a.instructions_by_class[k] * e.core_class_pj[k];
    c.cores += c.cores_by_class[k];
  }
  c.cores += a.core_active_cycles * e.core_active_pj_per_cycle + a.core_sleep_cycles * e.core_sleep_pj_per_cycle;
  c.l1 = a.l1_bytes * e.l1_pj_per_byte;
  c.dma = a.dma_bytes * e.dma_pj_per_byte;
  c.ima = a.ima_jobs * e.ima_job_pj + a.ima_rows_driven * e.ima_row_pj + a.ima_columns_converted * e.ima_column_pj +
          a.ima_cells_used * e.ima_cell_pj + a.ima_cells_programmed * e.ima_program_cell_pj;
  c.dwconv = a.dwconv_macs * e.dwconv_mac_pj;
  return c;
}

Charge charge_of(int id, const UsedClusters& used, const EnergyParams& e) {
  if (used.empty() || (size_t(id) < used.size() && used[size_t(id)]) || e.unused == EnergyParams::Unused::kPowered)
    return Charge::kFull;
  return e.unused == EnergyParams::Unused::kClockGated ? Charge::kLeakageOnly : Charge::kNothing;
}

EnergyParams bind_energy(const Config& cfg) {
  EnergyParams e;
  auto f = [&](const char* key) { return cfg.get_float(std::string("energy.") + key); };
  for (size_t k = 0; k < rv::kInsnClasses; ++k)
    e.core_class_pj[k] = f((std::string("core_") + rv::kInsnClassNames[k] + "_pj").c_str());
  e.core_active_pj_per_cycle = f("core_active_pj_per_cycle");
  e.core_sleep_pj_per_cycle = f("core_sleep_pj_per_cycle");
  e.l1_pj_per_byte = f("l1_pj_per_byte");
  e.dma_pj_per_byte = f("dma_pj_per_byte");
  e.noc_pj_per_byte_per_level = f("noc_pj_per_byte_per_level");
  e.hbm_pj_per_byte = f("hbm_pj_per_byte");
  e.hbm_background_mw = f("hbm_background_mw");
  e.ima_job_pj = f("ima_job_pj");
  e.ima_row_pj = f("ima_row_pj");
  e.ima_column_pj = f("ima_column_pj");
  e.ima_cell_pj = f("ima_cell_pj");
  e.ima_program_cell_pj = f("ima_program_cell_pj");
  e.dwconv_mac_pj = f("dwconv_mac_pj");
  e.cluster_leakage_mw = f("cluster_leakage_mw");
  const std::string unused = cfg.get_string("energy.unused_clusters");
  e.unused = unused == "powered" ? EnergyParams::Unused::kPowered
             : unused == "clock_gated" ? EnergyParams::Unused::kClockGated
                                      : EnergyParams::Unused::kPowerGated;
  return e;
}

nlohmann::json run_energy(const nlohmann::json& results, double simulated_ns, const UsedClusters& used,
                          const EnergyParams& e) {
  const auto& clusters = results.at("per_cluster");
  double cores = 0, l1 = 0, dma = 0, ima = 0, dwconv = 0, leakage = 0, active_cycles = 0, sleep_cycles = 0;
  ClassArray by_class{}, class_counts{};
  std::vector<double> per_cluster;
  unsigned active = 0, clock_gated = 0, power_gated = 0;
  for (const auto& c : clusters) {
    const Charge charge = charge_of(c.at("cluster").get<int>(), used, e);
    if (charge == Charge::kNothing) {  // power-gated
      per_cluster.push_back(0);
      ++power_gated;
      continue;
    }
    double dyn = 0;
    if (charge == Charge::kFull) {
      const ClusterActivity a = ClusterActivity::from_stats(c);
      const ClusterEnergy ce = cluster_energy_pj(a, e);
      dyn = ce.total();
      cores += ce.cores, l1 += ce.l1, dma += ce.dma, ima += ce.ima, dwconv += ce.dwconv;
      for (size_t k = 0; k < rv::kInsnClasses; ++k) by_class[k] += ce.cores_by_class[k], class_counts[k] += a.instructions_by_class[k];
      active_cycles += a.core_active_cycles, sleep_cycles += a.core_sleep_cycles;
      ++active;
    } else {
      ++clock_gated;
    }
    const double leak_pj = leakage_pj(e, simulated_ns);
    leakage += leak_pj;
    per_cluster.push_back((dyn + leak_pj) / kPjPerMj);
  }
  double noc_bytes = 0;
  for (const auto& level : results.at("noc").at("levels")) noc_bytes += num(level, "bytes");
  const auto& hbm = results.at("noc").at("hbm");
  const double hbm_bytes = num(hbm, "bytes_read") + num(hbm, "bytes_written");
  const double network = noc_bytes * e.noc_pj_per_byte_per_level;
  const double hbm_pj = hbm_bytes * e.hbm_pj_per_byte + e.hbm_background_mw * simulated_ns;  // mW x ns = pJ
  const double total = cores + l1 + dma + network + hbm_pj + ima + dwconv + leakage;
  nlohmann::json j;
  j["total_mj"] = total / kPjPerMj;
  j["watts"] = simulated_ns > 0 ? total * 1e-12 / (simulated_ns * 1e-9) : 0.0;
  j["components_mj"] = {{"cores", cores / kPjPerMj}, {"l1", l1 / kPjPerMj},     {"dma", dma / kPjPerMj},
                        {"network", network / kPjPerMj}, {"hbm", hbm_pj / kPjPerMj}, {"ima", ima / kPjPerMj},
                        {"dwconv", dwconv / kPjPerMj}, {"leakage", leakage / kPjPerMj}};
  nlohmann::json& cm = j["cores_mj"];
  nlohmann::json& counts = j["instructions_by_class"];
  for (size_t k = 0; k < rv::kInsnClasses; ++k) {
    cm[rv::kInsnClassNames[k]] = by_class[k] / kPjPerMj;
    counts[rv::kInsnClassNames[k]] = class_counts[k];
  }
  cm["active_cycles"] = active_cycles * e.core_active_pj_per_cycle / kPjPerMj;
  cm["sleep_cycles"] = sleep_cycles * e.core_sleep_pj_per_cycle / kPjPerMj;
  j["per_cluster_mj"] = per_cluster;
  j["clusters_active"] = active;
  j["clusters_clock_gated"] = clock_gated;
  j["clusters_power_gated"] = power_gated;
  j["network_level_bytes"] = noc_bytes;
  j["hbm_bytes"] = hbm_bytes;
  return j;
}

nlohmann::json platform_area(const std::vector<ClusterShape>& shapes, const AreaParams& a) {
  double cores = 0, l1 = 0, ima = 0, dwconv = 0, total = 0;
  nlohmann::json per = nlohmann::json::array();
  for (const auto& s : shapes) {
    cores += s.cores * a.core_mm2;
    l1 += double(s.l1_bytes) / double(1 << 20) * a.l1_mm2_per_mib;
    ima += double(s.ima_rows) * s.ima_cols / 1024.0 * a.ima_mm2_per_kcell;
    dwconv += s.dwconv_macs * a.dwconv_mm2_per_mac;
    per.push_back(cluster_area(s, a));
    total += per.back().get<double>();
  }
  const double n = double(shapes.size());
  nlohmann::json j;
  j["cluster_mm2"] = n > 0 ? total / n : 0.0;  // the mean; per_cluster_mm2 has each (classes differ)
  j["per_cluster_mm2"] = per;
  j["components_mm2"] = {{"cores", cores},
                         {"l1", l1},
                         {"ima", ima},
                         {"dwconv", dwconv},
                         {"dma", n * a.dma_mm2},
                         {"cluster_other", n * a.cluster_other_mm2},
                         {"network", n * a.noc_mm2_per_cluster},
                         {"hbm_interface", a.hbm_interface_mm2}};
  j["area_mm2"] = total + a.hbm_interface_mm2;
  return j;
}

}  // namespace vp::energy
