// The dataflow job's report (platform/dataflow_job/job_report.hpp) on
// statistics written by hand: images/s from the IMAGE_DONE marks, the
// fallbacks without marks, TOPS, and the per-cluster breakdown.
#include <catch2/catch.hpp>

#include "dataflow_job/job_report.hpp"

namespace {

// One conv layer on mpaimc-8, full mapping: 3 replicas on clusters 0-2 (24 columns: three
// equal tiles, so the replicas share the work evenly and the balancer takes the third).
vp::workload::Prepared conv_job(int batch) {
  auto net = vp::map::Network::from_string(
      "name: one-conv\ninput: {channels: 16, height: 12, width: 24}\nlayers:\n"
      "  - {name: conv, op: conv, out_channels: 24, kernel: 3, stride: 1, padding: 1, relu: true}\n",
      "one_conv.yaml");
  return vp::workload::prepare(net, vp::Config::load("mpaimc-8"), vp::map::Mode::Full, batch, 1);
}

// A cluster's statistics as the manycore platform writes them (16 cores, 1 GHz).
nlohmann::json cluster(int id, double exit_ns, double ima_busy_ns, double active_ns_per_core,
                       std::vector<std::pair<int, double>> marks = {}, double boot_end_ns = 0) {
  nlohmann::json c = {{"cluster", id}, {"cores", 16}, {"exited", true}, {"exit_ns", exit_ns},
                      {"ima_compute_ns", ima_busy_ns}, {"core_active_cycles", active_ns_per_core * 16},
                      {"core_sleep_cycles", (exit_ns - active_ns_per_core) * 16}};
  // Per core: 40 % compute, 10 % IMA wait, 20 % communication, 20 % synchronization, 10 % after the last mark.
  c["phase_ns"] = {{"compute", 0.4 * exit_ns * 16}, {"ima", 0.1 * exit_ns * 16},
                   {"communication", 0.2 * exit_ns * 16}, {"synchronization", 0.2 * exit_ns * 16}};
  c["boot_end_ns"] = std::vector<double>(16, boot_end_ns);
  if (!marks.empty()) {
    c["image_done"] = nlohmann::json::array();
    for (auto [img, ns] : marks) c["image_done"].push_back({{"image", img}, {"ns", ns}});
  }
  return c;
}

nlohmann::json results(std::vector<nlohmann::json> per) {
  nlohmann::json r;
  r["per_cluster"] = per;
  r["instructions"] = 1000000;
  r["mips"] = 100.0;
  r["output_check"] = {{"images", 4}, {"bytes", 4 * 6912}, {"mismatches", 0}};
  return r;
}

}  // namespace

TEST_CASE("images/s: an image is done when the last cluster marked it, steady state over the batch", "[job-report]") {
  auto p = conv_job(4);
  REQUIRE(p.mapping.clusters_used() == 3);
  std::vector<nlohmann::json> per = {
      cluster(0, 5000, 3000, 1000, {{0, 1000}, {3, 4000}}, 700),
      cluster(1, 5000, 3000, 1000, {{0, 1500}, {1, 2000}}, 700),  // image 0 is done at 1500, not 1000
      cluster(2, 4500, 500, 1000, {{2, 3000}}, 700)};
  per[1]["boot_end_ns"][5] = 600;  // the first core of an input reader to start: first in
  for (int i = 3; i < 8; ++i) per.push_back(cluster(i, 100, 0, 50, {}, 50));  // unused: not first in
  auto j = vp::dataflow::job_report(p, results(per), 1e9, "mpaimc-8", 5000, 0.5);
  CHECK(j["image_done_ns"] == nlohmann::json({1500.0, 2000.0, 3000.0, 4000.0}));
  CHECK(j["images_per_s"].get<double>() == Approx(3 / 2500e-9));
  CHECK(j["ops_per_image"].get<int64_t>() == 2 * int64_t(24) * 144 * 12 * 24);
  CHECK(j["tops"].get<double>() == Approx(3 / 2500e-9 * 2 * 24 * 144 * 288 / 1e12));
  CHECK(j["end_to_end_ns"].get<double>() == 4000);
  CHECK(j["pipeline_start_ns"].get<double>() == 600);
  CHECK(j["batch_latency_ns"].get<double>() == 3400);
  CHECK(j["clusters_used"] == 3);
  CHECK(j["clusters_total"] == 8);
  CHECK_THAT(vp::dataflow::report_text(j), Catch::Contains("images/s          1200000.0 in steady state"));
}

TEST_CASE("without marks for every image: no rate, latency from the used clusters' exits", "[job-report]") {
  auto p = conv_job(4);
  std::vector<nlohmann::json> per = {cluster(0, 5000, 3000, 1000, {{0, 1000}}), cluster(1, 6000, 3000, 1000),
                                     cluster(2, 4500, 500, 1000)};
  for (int i = 3; i < 8; ++i) per.push_back(cluster(i, 9000, 0, 50));  // unused clusters do not count
  auto j = vp::dataflow::job_report(p, results(per), 1e9, "mpaimc-8", 9000, 0.5);
  CHECK(j["images_per_s"].is_null());
  CHECK(j["tops"].is_null());
  CHECK(j["batch_latency_ns"].get<double>() == 6000);
  CHECK_THAT(vp::dataflow::report_text(j), Catch::Contains("images/s          n/a"));
}

TEST_CASE("a batch of one image has no steady-state rate", "[job-report]") {
  auto p = conv_job(1);
  std::vector<nlohmann::json> per = {cluster(0, 5000, 3000, 1000, {{0, 4000}}), cluster(1, 5000, 3000, 1000),
                                     cluster(2, 4500, 500, 1000)};
  for (int i = 3; i < 8; ++i) per.push_back(cluster(i, 100, 0, 50));
  auto j = vp::dataflow::job_report(p, results(per), 1e9, "mpaimc-8", 5000, 0.5);
  CHECK(j["images_per_s"].is_null());
  CHECK(j["batch_latency_ns"].get<double>() == 4000);
  CHECK_THAT(j["images_per_s_note"].get<std::string>(), Catch::Contains("batch of 1"));
}

TEST_CASE("breakdown: one bar per used cluster, the phases fill it, analog- or digital-bound", "[job-report]") {
  auto p = conv_job(4);
  std::vector<nlohmann::json> per = {cluster(0, 5000, 3000, 1000, {}, 1000), cluster(1, 5000, 3000, 1000),
                                     cluster(2, 4000, 1500, 1000)};
  for (int i = 3; i < 8; ++i) per.push_back(cluster(i, 100, 0, 50));
  auto j = vp::dataflow::job_report(p, results(per), 1e9, "mpaimc-8", 5000, 0.5);
  auto b = j["breakdown"];
  REQUIRE(b["clusters"].size() == 3);
  const auto& r0 = b["clusters"][0];
  CHECK(r0["cluster"] == 0);
  CHECK(r0["boot_ns"].get<double>() == Approx(1000));
  CHECK(r0["compute_ns"].get<double>() == Approx(1000));  // the compute phase less the boot
  CHECK(r0["ima_wait_ns"].get<double>() == Approx(500));
  CHECK(r0["idle_ns"].get<double>() == Approx(500));
  CHECK(r0["active_ns"].get<double>() == Approx(1000));
  CHECK(r0["bound"] == "analog");                  // IMA busy 3000 ns >= 1000 ns computing per core
  CHECK(b["clusters"][2]["bound"] == "digital");  // 1500 ns < 1600 ns
  CHECK(b["analog_bound_clusters"] == 2);
  const auto& s = b["shares"];
  CHECK(s["boot"].get<double>() == Approx(1000.0 / 14000));
  CHECK(s["computation_analog_bound"].get<double>() == Approx((1500.0 + 2500) / 14000));
  CHECK(s["computation_digital_bound"].get<double>() == Approx(2000.0 / 14000));
  CHECK(s["communication"].get<double>() == Approx(0.2));
  CHECK(s["idle"].get<double>() == Approx(0.1));
  // A cluster whose cores never mark a phase (a residual store): all boot, nothing idle twice.
  auto store = cluster(7, 300, 0, 20, {}, 300);
  store["phase_ns"] = {{"compute", 0.0}, {"ima", 0.0}, {"communication", 0.0}, {"synchronization", 0.0}};
  p.mapping.clusters.push_back(p.mapping.clusters.front());
  p.mapping.clusters.back().id = 7;
  p.mapping.clusters.back().layer = -1;
  p.mapping.clusters.back().role = vp::map::Role::ResidualStore;
  per[7] = store;
  j = vp::dataflow::job_report(p, results(per), 1e9, "mpaimc-8", 5000, 0.5);
  REQUIRE(j["breakdown"]["clusters"].size() == 4);
  const auto& last = j["breakdown"]["clusters"][3];  // residual stores come after the layers
  CHECK(last["cluster"] == 7);
  CHECK(last["boot_ns"].get<double>() == Approx(300));
  CHECK(last["idle_ns"].get<double>() == Approx(0).margin(1e-9));
  const std::string csv = vp::dataflow::breakdown_csv(j);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 5);
  CHECK_THAT(csv, Catch::StartsWith("cluster,layer,layer_name,role,replica,bound,end_ns,boot_ns,"));
  CHECK_THAT(csv, Catch::Contains("\n2,0,conv,analog,2,digital,4000.0,"));
}

TEST_CASE("pipeline diagnosis: the bottleneck is the stage whose slowest replica is busy longest", "[job-report]") {
  // The conv's three replicas (clusters 0-2) get unequal work: core 0 of cluster 2 is busy
  // 8800 ns, the others 2000 ns (mean 4267). A second stage of one cluster (3, given a reduce
  // role of the same layer) is busy 6000 ns: more than the conv's mean, less than its slowest
  // replica, which sets the pace. Batch 4: per image a quarter.
  auto p = conv_job(4);
  p.mapping.clusters.push_back(p.mapping.clusters.front());
  p.mapping.clusters.back().id = 3;
  p.mapping.clusters.back().role = vp::map::Role::Reduce;
  p.mapping.clusters.back().level = 1;
  p.mapping.clusters.back().replica = 0;
  std::vector<nlohmann::json> per;
  for (double wait_input : {8000.0, 8000.0, 1200.0, 4000.0}) {
    per.push_back(cluster(int(per.size()), 10000, 3000, 1000));
    per.back()["core0_phase_ns"] = {{"wait_input", wait_input}, {"wait_credit", 0.0}};
  }
  for (int i = 4; i < 8; ++i) per.push_back(cluster(i, 100, 0, 50));
  auto j = vp::dataflow::job_report(p, results(per), 1e9, "mpaimc-8", 10000, 0.5);
  const auto& pl = j["pipeline"];
  REQUIRE(pl["stages"].size() == 2);
  const auto& conv = pl["stages"][0];
  CHECK(conv["stage"] == "conv");
  CHECK(conv["clusters"] == 3);
  CHECK(conv["measured_ns"].get<double>() == Approx(12800.0 / 3 / 4));  // the mean: unchanged
  CHECK(conv["max_measured_ns"].get<double>() == Approx(8800.0 / 4));
  CHECK(conv["max_measured_ns"].get<double>() > conv["measured_ns"].get<double>());
  CHECK(conv["slowest_cluster"] == 2);
  const auto& reduce = pl["stages"][1];
  CHECK(reduce["stage"] == "conv reduce L1");
  CHECK(reduce["measured_ns"].get<double>() == Approx(6000.0 / 4));
  CHECK(reduce["max_measured_ns"].get<double>() == Approx(6000.0 / 4));
  CHECK(reduce["slowest_cluster"] == 3);
  CHECK(pl["bottleneck"] == "conv");  // by the mean it would be "conv reduce L1"
  CHECK(conv["verdict"] == "bottleneck");
  CHECK_THAT(vp::dataflow::report_text(j),
             Catch::Contains("pipeline          bottleneck conv (busy 2.2 us per image; slowest replica cluster 2 busy "
                             "2.2 us, mean of 3 replicas 1.1 us,"));
}
