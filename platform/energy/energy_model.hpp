#pragma once
// The energy and area model (docs/energy.md): the energy of a run is the sum
// over its own event counts of a per-event energy (platform keys `energy:`),
// plus leakage of the powered clusters over the run; the area is the sum of
// the parts (keys `area:`). Pure functions of the statistics, so a test can
// check them against parameters x counts.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/area.hpp"
#include "config/config.hpp"
#include "insn_class.hpp"

namespace vp::energy {

using ClassArray = std::array<double, rv::kInsnClasses>;

struct EnergyParams {
  ClassArray core_class_pj{};  // per retired instruction of each class (keys core_<class>_pj)
  double core_active_pj_per_cycle = 0, core_sleep_pj_per_cycle = 0;
  double l1_pj_per_byte = 0, dma_pj_per_byte = 0, noc_pj_per_byte_per_level = 0;
  double hbm_pj_per_byte = 0, hbm_background_mw = 0;
  double ima_job_pj = 0, ima_row_pj = 0, ima_column_pj = 0, ima_cell_pj = 0;
  double ima_program_cell_pj = 0;  // per cell written by a program sequence (weight reloading)
  double dwconv_mac_pj = 0;
  double cluster_leakage_mw = 0;
  enum class Unused { kPowered, kClockGated, kPowerGated } unused = Unused::kPowerGated;
};

// The area's parts live in core/config/area.hpp (the mapper prices clusters with them too).
using vp::AreaParams;
using vp::bind_area;
using vp::bind_cluster_shape;
using vp::bind_cluster_shapes;
using vp::cluster_area;
using vp::ClusterShape;

// A cluster's activity counts (the per_cluster statistics of the same names).
struct ClusterActivity {
  double instructions = 0, core_active_cycles = 0, core_sleep_cycles = 0, l1_bytes = 0, dma_bytes = 0;
  double ima_jobs = 0, ima_rows_driven = 0, ima_columns_converted = 0, ima_cells_used = 0;
  double ima_cells_programmed = 0;  // weight reloading (IMA_KIND_PROGRAM)
  double dwconv_macs = 0;
  ClassArray instructions_by_class{};  // sums to instructions
  static ClusterActivity from_stats(const nlohmann::json& per_cluster_entry);
};

// The dynamic energy of those counts, pJ, by component.
struct ClusterEnergy {
  double cores = 0, l1 = 0, dma = 0, ima = 0, dwconv = 0;
  ClassArray cores_by_class{};  // the instructions' part of cores, by class
  double total() const { return cores + l1 + dma + ima + dwconv; }
};
ClusterEnergy cluster_energy_pj(const ClusterActivity& a, const EnergyParams& e);

// Which clusters a mapping uses, by id (a heterogeneous platform's mapping
// leaves gaps); empty: every cluster is used.
using UsedClusters = std::vector<char>;
// How cluster `id` is charged: everything (used, or unused clusters stay
// powered), its leakage only (clock-gated), or nothing (power-gated).
enum class Charge { kFull, kLeakageOnly, kNothing };
Charge charge_of(int id, const UsedClusters& used, const EnergyParams& e);

// pJ of leakage of one powered cluster over `ns`.
inline double leakage_pj(const EnergyParams& e, double ns) { return e.cluster_leakage_mw * ns; }  // mW x ns = pJ

EnergyParams bind_energy(const Config& cfg);

// The energy of a run from vp-run's statistics (`results`: per_cluster and
// noc), over `simulated_ns`. `used`: the clusters a dataflow mapping uses
// (empty: all). Returns the
// `energy` section of --stats: total_mj, watts, components_mj (cores, l1, dma,
// network, hbm, ima, dwconv, leakage), cores_mj (the cores' part by
// instruction class, and their active and sleep cycles), per_cluster_mj, and
// the counts it charged (instructions_by_class among them).
nlohmann::json run_energy(const nlohmann::json& results, double simulated_ns, const UsedClusters& used,
                          const EnergyParams& e);

// The platform's area: area_mm2, components_mm2, per_cluster_mm2 and
// cluster_mm2 (their mean).
nlohmann::json platform_area(const std::vector<ClusterShape>& shapes, const AreaParams& a);

}  // namespace vp::energy
