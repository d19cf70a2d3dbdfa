// The energy model is parameters x counts: each figure checked on statistics
// made by hand, one count at a time, and the totals against their parts.
#include <catch2/catch.hpp>

#include "energy/energy_model.hpp"

using namespace vp::energy;
using nlohmann::json;

namespace {

json cluster(int id, json counts) {
  counts["cluster"] = id;
  return counts;
}

// `n` instructions, all of class alu.
json alu(double n) { return {{"instructions", n}, {"instructions_by_class", {{"alu", n}}}}; }

json results(json clusters, double level_bytes = 0, double hbm_read = 0, double hbm_written = 0) {
  return {{"per_cluster", clusters},
          {"noc", {{"levels", json::array({{{"bytes", level_bytes}}})},
                   {"hbm", {{"bytes_read", hbm_read}, {"bytes_written", hbm_written}}}}}};
}

}  // namespace

TEST_CASE("each count is charged at its figure", "[energy]") {
  EnergyParams e;
  SECTION("instructions and core cycles") {
    e.core_class_pj[size_t(vp::rv::InsnClass::kAlu)] = 3, e.core_active_pj_per_cycle = 0.5, e.core_sleep_pj_per_cycle = 0.1;
    json c = alu(1000);
    c["core_active_cycles"] = 2000, c["core_sleep_cycles"] = 500;
    const json r = run_energy(results({cluster(0, c)}), 0, {}, e);
    CHECK(r["components_mj"]["cores"].get<double>() == Approx((1000 * 3 + 2000 * 0.5 + 500 * 0.1) * 1e-9));
    CHECK(r["cores_mj"]["alu"].get<double>() == Approx(1000 * 3 * 1e-9));
    CHECK(r["cores_mj"]["active_cycles"].get<double>() == Approx(2000 * 0.5 * 1e-9));
    CHECK(r["cores_mj"]["sleep_cycles"].get<double>() == Approx(500 * 0.1 * 1e-9));
  }
  SECTION("N instructions of each class, each at its class's figure") {
    json by_class, c;
    double expect = 0;
    for (size_t k = 0; k < vp::rv::kInsnClasses; ++k) {
      e.core_class_pj[k] = 1.0 + double(k);  // all different
      by_class[vp::rv::kInsnClassNames[k]] = 100 * (k + 1);
      expect += (1.0 + double(k)) * 100 * double(k + 1);
    }
    c["instructions_by_class"] = by_class;
    const json r = run_energy(results({cluster(0, c), cluster(1, c)}), 0, {}, e);
    CHECK(r["components_mj"]["cores"].get<double>() == Approx(2 * expect * 1e-9));
    for (size_t k = 0; k < vp::rv::kInsnClasses; ++k) {
      const char* n = vp::rv::kInsnClassNames[k];
      CHECK(r["cores_mj"][n].get<double>() == Approx(2 * (1.0 + double(k)) * 100 * double(k + 1) * 1e-9));
      CHECK(r["instructions_by_class"][n].get<double>() == 2 * 100 * double(k + 1));
    }
  }
  SECTION("a DMA of K bytes, through L1") {
    e.dma_pj_per_byte = 0.2, e.l1_pj_per_byte = 0.3;
    const json r = run_energy(results({cluster(0, {{"dma_bytes", 4096}, {"l1_bytes", 8192}})}), 0, {}, e);
    CHECK(r["components_mj"]["dma"].get<double>() == Approx(4096 * 0.2e-9));
    CHECK(r["components_mj"]["l1"].get<double>() == Approx(8192 * 0.3e-9));
  }
  SECTION("one MVM of 64 rows x 32 columns") {
    e.ima_job_pj = 100, e.ima_row_pj = 1, e.ima_column_pj = 5, e.ima_cell_pj = 0.04;
    const json r = run_energy(results({cluster(0, {{"ima_jobs", 1}, {"ima_rows_driven", 64},
                                                    {"ima_columns_converted", 32}, {"ima_cells_used", 2048}})}),
                              0, {}, e);
    CHECK(r["components_mj"]["ima"].get<double>() == Approx((100 + 64 + 32 * 5 + 2048 * 0.04) * 1e-9));
  }
  SECTION("a program sequence writing a 256 x 64 block (weight reloading)") {
    e.ima_program_cell_pj = 200;
    const json r = run_energy(results({cluster(0, {{"ima_cells_programmed", 256 * 64}})}), 0, {}, e);
    CHECK(r["components_mj"]["ima"].get<double>() == Approx(256 * 64 * 200 * 1e-9));
  }
  SECTION("depthwise accelerator MACs") {
    e.dwconv_mac_pj = 0.1;
    const json r = run_energy(results({cluster(0, {{"dwconv_macs", 144000}})}), 0, {}, e);
    CHECK(r["components_mj"]["dwconv"].get<double>() == Approx(144000 * 0.1e-9));
  }
  SECTION("network bytes per level and HBM bytes plus background") {
    e.noc_pj_per_byte_per_level = 0.25, e.hbm_pj_per_byte = 31.2, e.hbm_background_mw = 100;
    const json r = run_energy(results({}, 1000, 300, 100), 1e6, {}, e);  // 1 ms
    CHECK(r["components_mj"]["network"].get<double>() == Approx(1000 * 0.25e-9));
    CHECK(r["components_mj"]["hbm"].get<double>() == Approx(400 * 31.2e-9 + 100e-3 * 1e-3 * 1e3));
  }
}

TEST_CASE("leakage and the unused clusters of a mapping: powered, clock-gated, power-gated", "[energy]") {
  EnergyParams e;
  e.cluster_leakage_mw = 2, e.core_class_pj[size_t(vp::rv::InsnClass::kAlu)] = 10;
  const json clusters = json::array({cluster(0, alu(100)), cluster(1, alu(100)), cluster(2, alu(100))});
  const double t_ns = 5e5;                             // a cluster leaks 2 mW x 0.5 ms = 1 uJ = 1e-3 mJ
  const double leak_mj = 2e-3 * 5e5 * 1e-9 * 1e3;      // W x s -> J -> mJ
  const double dyn_mj = 100 * 10 * 1e-9;
  e.unused = EnergyParams::Unused::kPowered;
  json r = run_energy(results(clusters), t_ns, {1, 0, 0}, e);
  CHECK(r["total_mj"].get<double>() == Approx(3 * (leak_mj + dyn_mj)));
  e.unused = EnergyParams::Unused::kClockGated;
  r = run_energy(results(clusters), t_ns, {1, 0, 0}, e);
  CHECK(r["total_mj"].get<double>() == Approx(3 * leak_mj + dyn_mj));
  CHECK(r["clusters_clock_gated"] == 2);
  CHECK(r["per_cluster_mj"][2].get<double>() == Approx(leak_mj));
  e.unused = EnergyParams::Unused::kPowerGated;
  r = run_energy(results(clusters), t_ns, {1, 0, 0}, e);
  CHECK(r["total_mj"].get<double>() == Approx(leak_mj + dyn_mj));
  CHECK(r["clusters_power_gated"] == 2);
  CHECK(r["per_cluster_mj"][1].get<double>() == 0);
  CHECK(r["watts"].get<double>() == Approx((leak_mj + dyn_mj) * 1e-3 / (t_ns * 1e-9)));
}

TEST_CASE("the total is the sum of the components, and per cluster the sum of its parts", "[energy]") {
  EnergyParams e;
  e.core_class_pj.fill(2.2), e.core_active_pj_per_cycle = 0.4, e.l1_pj_per_byte = 0.15, e.dma_pj_per_byte = 0.1,
  e.noc_pj_per_byte_per_level = 0.25, e.hbm_pj_per_byte = 31.2, e.hbm_background_mw = 100, e.ima_job_pj = 150,
  e.ima_cell_pj = 0.04, e.cluster_leakage_mw = 0.9;
  json c0 = alu(12345);
  c0.update({{"core_active_cycles", 23456}, {"dma_bytes", 999}, {"l1_bytes", 777}, {"ima_jobs", 3}, {"ima_cells_used", 3 * 65536}});
  c0["instructions_by_class"]["load"] = 321;
  const json r = run_energy(results({cluster(0, c0), cluster(1, alu(54321))},
                                    4096, 2048, 512),
                            2e5, {}, e);
  double sum = 0;
  for (const auto& [k, v] : r["components_mj"].items()) sum += v.get<double>();
  CHECK(r["total_mj"].get<double>() == Approx(sum));
  double cores = 0;
  for (const auto& [k, v] : r["cores_mj"].items()) cores += v.get<double>();
  CHECK(r["components_mj"]["cores"].get<double>() == Approx(cores));
  double clusters = 0;
  for (const auto& v : r["per_cluster_mj"]) clusters += v.get<double>();
  const auto& c = r["components_mj"];
  CHECK(clusters == Approx(sum - c["network"].get<double>() - c["hbm"].get<double>()));
}

TEST_CASE("the platform's area is the sum of its parts", "[energy]") {
  AreaParams a;
  a.core_mm2 = 0.01, a.l1_mm2_per_mib = 0.3, a.ima_mm2_per_kcell = 0.0055, a.dma_mm2 = 0.02, a.cluster_other_mm2 = 0.06,
  a.noc_mm2_per_cluster = 0.03, a.hbm_interface_mm2 = 4;
  const ClusterShape s{16, 1 << 20, 256, 256};
  const json r = platform_area(std::vector<ClusterShape>(512, s), a);
  const double cluster = 16 * 0.01 + 0.3 + 64 * 0.0055 + 0.02 + 0.06 + 0.03;
  CHECK(r["cluster_mm2"].get<double>() == Approx(cluster));
  CHECK(r["area_mm2"].get<double>() == Approx(512 * cluster + 4));
  double sum = 0;
  for (const auto& [k, v] : r["components_mm2"].items()) sum += v.get<double>();
  CHECK(sum == Approx(r["area_mm2"].get<double>()));
}

TEST_CASE("a heterogeneous platform's area sums its classes", "[energy]") {
  AreaParams a;
  a.core_mm2 = 0.01, a.l1_mm2_per_mib = 0.3, a.ima_mm2_per_kcell = 0.0055, a.dma_mm2 = 0.02, a.cluster_other_mm2 = 0.06,
  a.noc_mm2_per_cluster = 0.03, a.hbm_interface_mm2 = 4;
  const ClusterShape analog{1, 1 << 19, 256, 256}, digital{16, 1 << 20, 0, 0};
  const json r = platform_area({analog, analog, analog, digital}, a);
  const double ca = 0.01 + 0.15 + 64 * 0.0055 + 0.11, cd = 0.16 + 0.3 + 0.11;  // by hand
  CHECK(r["per_cluster_mm2"][0].get<double>() == Approx(ca));
  CHECK(r["per_cluster_mm2"][3].get<double>() == Approx(cd));
  CHECK(r["area_mm2"].get<double>() == Approx(3 * ca + cd + 4));
  CHECK(r["components_mm2"]["ima"].get<double>() == Approx(3 * 64 * 0.0055));
}
