// The dataflow job's report: see job_report.hpp.
#include "job_report.hpp"

#include <algorithm>
#include <map>
#include <sstream>
#include <tuple>

#include <fmt/format.h>

#include "cluster_ctrl_regs.h"
#include "insn_class.hpp"

namespace vp::dataflow {

namespace {

const char* const kPhases[CLUSTER_NUM_PHASES] = CLUSTER_PHASE_NAMES;

double phase(const nlohmann::json& c, const char* name) {
  return c.contains("phase_ns") ? c["phase_ns"].value(name, 0.0) : 0.0;
}

// One stacked bar of Fig. 5B-D: the average core of one used cluster.
nlohmann::json cluster_row(const map::ClusterRole& role, const map::Network& net, const nlohmann::json& c,
                           double clock_hz, double end_of_run_ns) {
  const double cores = std::max(1.0, c.value("cores", 1.0));
  nlohmann::json r;
  r["cluster"] = role.id;
  r["layer"] = role.layer;
  r["layer_name"] = role.layer >= 0 ? net.layers[size_t(role.layer)].name : std::string("(residual store)");
  r["role"] = map::role_name(role.role);
  r["level"] = role.level;
  r["replica"] = role.replica;
  const double end = c.value("exited", false) ? c.value("exit_ns", 0.0) : end_of_run_ns;
  double marked = 0;
  for (const char* name : kPhases) marked += phase(c, name) / cores;
  // Each core is in the compute phase from 0 to its boot's end: that is boot.
  double boot = 0;
  if (c.contains("boot_end_ns"))
    for (const auto& t : c["boot_end_ns"]) boot += std::max(0.0, t.get<double>()) / cores;
  const double compute = std::max(0.0, phase(c, "compute") / cores - boot), ima_wait = phase(c, "ima") / cores;
  const double ima_busy = c.value("ima_compute_ns", 0.0);
  r["end_ns"] = end;
  r["boot_ns"] = boot;
  r["compute_ns"] = compute;
  r["ima_wait_ns"] = ima_wait;
  r["dwconv_wait_ns"] = phase(c, "dwconv") / cores;  // waiting for the depthwise accelerator
  r["communication_ns"] = phase(c, "communication") / cores;
  // Fig. 5's synchronization: barriers, and waiting for producers or consumers.
  r["wait_input_ns"] = phase(c, "wait_input") / cores;
  r["wait_credit_ns"] = phase(c, "wait_credit") / cores;
  // Core 0 drives the DMA, the IMA and the flow: its phases after its boot, for the pipeline diagnosis.
  if (c.contains("core0_phase_ns")) {
    const auto& p0 = c["core0_phase_ns"];
    const double boot0 = c.contains("boot_end_ns") && !c["boot_end_ns"].empty() ? std::max(0.0, c["boot_end_ns"][0].get<double>()) : 0.0;
    // Busy: all but waiting for the neighbours (its own compute, IMA, DMA, and
    // the barriers where it waits for its own cores).
    const double window = std::max(0.0, end - boot0), in = p0.value("wait_input", 0.0), credit = p0.value("wait_credit", 0.0);
    r["core0"] = {{"busy_ns", std::max(0.0, window - in - credit)},
                  {"wait_input_ns", in},
                  {"wait_credit_ns", credit},
                  {"window_ns", window}};
  }
  r["synchronization_ns"] = phase(c, "synchronization") / cores + r["wait_input_ns"].get<double>() +
                            r["wait_credit_ns"].get<double>();
  // `marked` holds the boot when the cores marked a phase after it; a core
  // that never marked one (a residual store) has its whole time as boot.
  r["idle_ns"] = std::max(0.0, end - marked - std::max(0.0, boot - phase(c, "compute") / cores));
  r["asleep_ns"] = c.value("core_sleep_cycles", 0.0) / clock_hz * 1e9 / cores;
  r["active_ns"] = c.value("core_active_cycles", 0.0) / clock_hz * 1e9 / cores;
  r["ima_busy_ns"] = ima_busy;
  r["bound"] = ima_busy > 0 && ima_busy >= compute ? "analog" : "digital";
  r["images_marked"] = c.contains("image_done") ? c["image_done"].size() : 0;
  return r;
}

// The pipeline diagnosis (issue "ResNet-18 past the paper"): per stage (a
// layer's clusters of one role and reduction level), core 0's time after its
// boot (it drives the DMA, the IMA and the flow) split into waiting for
// producers, waiting for consumers, and busy (everything else); the busiest stage is the bottleneck, the stages
// before it that mostly wait for credit are blocked by it, those after it
// that mostly wait for input are starved by it: that run is the critical chain.
// Each stage also gives the mapper's estimate of it (model_stage, model_ns per
// image and cluster, before any calibration) beside the time it was busy
// (measured_ns, per image and cluster): what mode auto calibrates with.
// Replicas of a stage can get unequal work (a tile count that is not a
// multiple of the replicas, tiles of unequal width): the mean hides the
// slowest one, which sets the stage's pace. So each stage also gives its
// slowest replica (max_measured_ns, per image, and its cluster,
// slowest_cluster), and the bottleneck is the stage whose slowest replica is
// busy longest.
nlohmann::json pipeline_diagnosis(const nlohmann::json& rows, const map::Mapping& m, const map::Network& net,
                                  int batch, double clock_hz) {
  struct Stage {
    int layer, level;
    std::string role, name;
    int clusters = 0;
    double window = 0, busy = 0, wait_input = 0, wait_credit = 0;
    double max_busy = -1;  // the slowest replica's busy time (core 0's), and its cluster
    int max_cluster = -1;
  };
  std::vector<Stage> stages;
  for (const auto& r : rows) {
    const int layer = r["layer"].get<int>();
    if (layer < 0) continue;  // residual stores are passive
    const std::string role = r["role"].get<std::string>();
    const int level = r["level"].get<int>();
    auto s = std::find_if(stages.begin(), stages.end(),
                          [&](const Stage& x) { return x.layer == layer && x.role == role && x.level == level; });
    if (s == stages.end()) {
      std::string name = net.layers[size_t(layer)].name;
      if (role == "reduce") name += fmt::format(" reduce L{}", level);
      stages.push_back({layer, level, role, name});
      s = stages.end() - 1;
    }
    ++s->clusters;
    if (!r.contains("core0")) continue;
    const auto& c0 = r["core0"];
    s->window += c0["window_ns"].get<double>();
    s->busy += c0["busy_ns"].get<double>();
    if (c0["busy_ns"].get<double>() > s->max_busy) {
      s->max_busy = c0["busy_ns"].get<double>();
      s->max_cluster = r["cluster"].get<int>();
    }
    s->wait_input += c0["wait_input_ns"].get<double>();
    s->wait_credit += c0["wait_credit_ns"].get<double>();
  }
  std::stable_sort(stages.begin(), stages.end(), [](const Stage& a, const Stage& b) {
    return std::make_tuple(a.layer, a.role == "reduce", a.level) < std::make_tuple(b.layer, b.role == "reduce", b.level);
  });
  nlohmann::json out;
  if (stages.empty()) return out;
  const auto share = [](const Stage& s, double v) { return s.window > 0 ? v / s.window : 0.0; };
  // The bottleneck: the most busy time of a stage's slowest replica (per image:
  // max_measured_ns), not the mean over its replicas (measured_ns), which hides
  // one replica with more tiles than the others, nor the largest busy share: a
  // stage that reads the HBM never waits for input and, once ahead, exits
  // early, busy all its (short) window without setting the pace.
  const auto slowest = [](const Stage& s) { return std::max(0.0, s.max_busy); };
  size_t bottleneck = 0;
  for (size_t i = 1; i < stages.size(); ++i)
    if (slowest(stages[i]) > slowest(stages[bottleneck])) bottleneck = i;
  nlohmann::json list = nlohmann::json::array(), chain = nlohmann::json::array();
  std::vector<std::string> verdicts(stages.size());
  for (size_t i = 0; i < stages.size(); ++i) {
    const Stage& s = stages[i];
    const double in = share(s, s.wait_input), credit = share(s, s.wait_credit);
    verdicts[i] = i == bottleneck                       ? "bottleneck"
                  : i < bottleneck && credit > in       ? "blocked"
                  : i > bottleneck && in > credit       ? "starved"
                  : share(s, s.busy) >= std::max(in, credit) ? "busy"
                                                            : (in > credit ? "starved" : "blocked");
  }
  // The critical chain: the bottleneck and the contiguous stages it blocks or starves.
  size_t lo = bottleneck, hi = bottleneck;
  while (lo > 0 && verdicts[lo - 1] == "blocked") --lo;
  while (hi + 1 < stages.size() && verdicts[hi + 1] == "starved") ++hi;
  for (size_t i = 0; i < stages.size(); ++i) {
    const Stage& s = stages[i];
    const auto model = std::find_if(m.stages.begin(), m.stages.end(), [&](const map::Stage& x) {
      return x.layer == s.layer && s.role == map::role_name(x.role) && x.level == s.level;
    });
    const double measured = s.clusters > 0 && batch > 0 ? s.busy / s.clusters / batch : 0.0;
    list.push_back({{"stage", s.name},
                    {"model_stage", model != m.stages.end() ? model->name : std::string()},
                    {"model_ns", model != m.stages.end() ? model->model_cycles / clock_hz * 1e9 : 0.0},
                    {"measured_ns", measured},
                    {"max_measured_ns", batch > 0 ? slowest(s) / batch : 0.0},
                    {"slowest_cluster", s.max_cluster},
                    {"layer", s.layer},
                    {"role", s.role},
                    {"level", s.level},
                    {"clusters", s.clusters},
                    {"busy_share", share(s, s.busy)},
                    {"wait_input_share", share(s, s.wait_input)},
                    {"wait_credit_share", share(s, s.wait_credit)},
                    {"verdict", verdicts[i]}});
    if (i >= lo && i <= hi) chain.push_back(s.name);
  }
  out["stages"] = list;
  out["bottleneck"] = stages[bottleneck].name;
  out["critical_chain"] = chain;
  out["definition"] =
      "per stage (a layer's clusters of one role and reduction level), core 0's time after its boot: waiting for "
      "producers (wait_input), waiting for consumers' credit (wait_credit), and busy (the rest: its compute, the "
      "IMA, DMA, barriers within the cluster); measured_ns is a stage's busy time per image and cluster (the mean over its replicas), max_measured_ns its slowest replica's (cluster slowest_cluster); the bottleneck is the stage whose slowest replica is busy longest per image (max_measured_ns), the critical chain the stages before it that are blocked "
      "(mostly waiting for credit) and after it that are starved (mostly waiting for input)";
  return out;
}

std::string with_thousands(int64_t v) {
  std::string s = std::to_string(v), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ' ';
    out += s[i];
  }
  return out;
}

// The job's energy and area figures (docs/energy.md) from the run's energy
// and area sections: per image, per watt, per mm2, and Fig. 7's area
// efficiency per layer group (layers grouped by input feature-map size).
nlohmann::json energy_figures(const workload::Prepared& p, const nlohmann::json& results, const nlohmann::json& job) {
  if (!results.contains("energy") || !results.contains("area")) return nullptr;
  const auto& e = results["energy"];
  const auto& a = results["area"];
  const double total_mj = e["total_mj"].get<double>(), area = a["area_mm2"].get<double>();
  const auto& cluster_mm2 = a["per_cluster_mm2"];  // by cluster id: classes differ in area
  const double ops = double(job["ops_per_image"].get<int64_t>());
  nlohmann::json f;
  f["mj_per_batch"] = total_mj;
  f["mj_per_image"] = total_mj / p.batch;
  f["watts"] = e["watts"];
  if (e.contains("cores_mj")) f["cores_mj"] = e["cores_mj"];  // the cores' part by instruction class
  f["tops_per_w"] = total_mj > 0 ? ops * p.batch / (total_mj * 1e-3) / 1e12 : 0.0;  // operations per joule
  f["area_mm2"] = area;
  const bool rate = !job["images_per_s"].is_null();
  f["gops_per_mm2"] = rate ? nlohmann::json(job["images_per_s"].get<double>() * ops / 1e9 / area) : nlohmann::json(nullptr);
  // Groups by input feature-map height, largest first, numbered from 1.
  std::vector<int> heights;
  for (const auto& l : p.net.layers)
    if (std::find(heights.begin(), heights.end(), l.in.h) == heights.end()) heights.push_back(l.in.h);
  std::sort(heights.rbegin(), heights.rend());
  nlohmann::json groups = nlohmann::json::array();
  for (size_t g = 0; g < heights.size(); ++g) {
    double group_ops = 0, mm2 = 0;
    int clusters = 0;
    nlohmann::json layers = nlohmann::json::array();
    for (size_t i = 0; i < p.net.layers.size(); ++i) {
      const auto& l = p.net.layers[i];
      if (l.in.h != heights[g]) continue;
      layers.push_back(l.paper.empty() ? l.name : l.paper);
      group_ops += 2.0 * double(l.macs());
      for (const auto& c : p.mapping.clusters)
        if (c.layer == int(i)) ++clusters, mm2 += cluster_mm2.at(size_t(c.id)).get<double>();
    }
    groups.push_back({{"group", g + 1},
                      {"input_height", heights[g]},
                      {"layers", layers},
                      {"clusters", clusters},
                      {"area_mm2", mm2},
                      {"gops_per_mm2", rate && mm2 > 0 ? nlohmann::json(job["images_per_s"].get<double>() * group_ops /
                                                                        1e9 / mm2)
                                                       : nlohmann::json(nullptr)}});
  }
  f["layer_groups"] = groups;
  return f;
}

std::string time_text(double ns) {
  if (ns >= 1e6) return fmt::format("{:.3f} ms", ns / 1e6);
  if (ns >= 1e3) return fmt::format("{:.3f} us", ns / 1e3);
  return fmt::format("{:.0f} ns", ns);
}

}  // namespace

nlohmann::json job_report(const workload::Prepared& p, const nlohmann::json& results, double clock_hz,
                          const std::string& platform_name, double simulated_ns, double host_seconds) {
  const nlohmann::json& per = results.at("per_cluster");
  nlohmann::json j;
  j["network"] = p.net.name;
  j["network_file"] = p.net.origin;
  j["platform"] = platform_name;
  j["mode"] = p.reload ? "reload" : map::mode_name(p.mapping.mode);
  j["batch"] = p.batch;
  j["seed"] = p.seed;
  int used = p.mapping.clusters_used();
  for (const auto& g : p.groups) used = std::max(used, g.clusters_used());
  j["clusters_used"] = used;
  if (p.reload) j["reload_groups"] = p.groups.size();
  j["clusters_total"] = per.size();
  const int64_t macs = p.net.macs();
  j["macs_per_image"] = macs;
  j["ops_per_image"] = 2 * macs;  // one multiply and one add per MAC
  j["cost_model_images_per_s"] = p.mapping.images_per_s;

  // Image i is done when the last cluster writing the network output marked it.
  std::vector<double> done(size_t(p.batch), -1.0);
  for (const auto& c : per)
    if (c.contains("image_done"))
      for (const auto& m : c["image_done"]) {
        const auto img = m.value("image", uint64_t(0));
        if (img < done.size()) done[img] = std::max(done[img], m.value("ns", 0.0));
      }
  const bool marked = std::all_of(done.begin(), done.end(), [](double t) { return t >= 0; });
  double last_exit = 0;
  for (const auto& role : p.mapping.clusters)
    if (role.role != map::Role::Idle && size_t(role.id) < per.size()) last_exit = std::max(last_exit, per[size_t(role.id)].value("exit_ns", 0.0));
  if (p.reload)  // every cluster runs until the last group
    for (const auto& c : per) last_exit = std::max(last_exit, c.value("exit_ns", 0.0));
  // First in: the clusters that read the network input from the HBM start
  // their pipeline (their first phase mark, after the boot).
  double first_in = -1;
  for (const auto& e : p.mapping.edges)
    if (e.src == -1 && e.layer == -1 && e.dst >= 0 && size_t(e.dst) < per.size() &&
        per[size_t(e.dst)].contains("boot_end_ns"))
      for (const auto& t : per[size_t(e.dst)]["boot_end_ns"])
        if (t.get<double>() >= 0) first_in = first_in < 0 ? t.get<double>() : std::min(first_in, t.get<double>());
  j["pipeline_start_ns"] = first_in >= 0 ? nlohmann::json(first_in) : nlohmann::json(nullptr);
  nlohmann::json ips = nullptr, tops = nullptr;
  if (marked) {
    j["image_done_ns"] = done;
    const auto [lo, hi] = std::minmax_element(done.begin(), done.end());
    if (p.reload && *hi > std::max(0.0, first_in)) {
      // The groups run one after the other over the whole batch: the batch over its time.
      const double rate = double(p.batch) / ((*hi - std::max(0.0, first_in)) * 1e-9);
      ips = rate;
      tops = rate * double(2 * macs) / 1e12;
    } else if (p.batch > 1 && *hi > *lo) {
      const double rate = double(p.batch - 1) / ((*hi - *lo) * 1e-9);
      ips = rate;
      tops = rate * double(2 * macs) / 1e12;
    }
    j["end_to_end_ns"] = *hi;
    j["latency_source"] = "image_done marks";
  } else {
    j["image_done_ns"] = nullptr;
    j["end_to_end_ns"] = last_exit;
    j["latency_source"] = "last used cluster's exit (the firmware marked no IMAGE_DONE for every image)";
  }
  j["batch_latency_ns"] = j["end_to_end_ns"].get<double>() - std::max(0.0, first_in);
  j["images_per_s"] = ips;
  j["tops"] = tops;
  j["images_per_s_note"] = marked && p.reload ? "reload: batch / (last image done - pipeline start), the groups in turn"
                          : marked ? (p.batch > 1 ? "steady state: (batch - 1) / (last image done - first image done)"
                                                 : "n/a: a batch of 1 has no steady state")
                                  : "n/a: no IMAGE_DONE marks for every image";

  if (results.contains("output_check")) j["output_check"] = results["output_check"];
  if (results.contains("reload")) j["reload"] = results["reload"];
  if (results.contains("noise")) j["noise"] = results["noise"];
  if (results.contains("accuracy")) j["accuracy"] = results["accuracy"];
  j["energy"] = energy_figures(p, results, j);

  // Per-cluster breakdown (Fig. 5B-D), ordered by layer, then role and id.
  std::vector<map::ClusterRole> roles = p.mapping.clusters;
  std::sort(roles.begin(), roles.end(), [](const map::ClusterRole& a, const map::ClusterRole& b) {
    const auto key = [](const map::ClusterRole& r) {
      return std::make_tuple(r.layer < 0 ? 1 << 30 : r.layer, int(r.role), r.level, r.id);
    };
    return key(a) < key(b);
  });
  nlohmann::json rows = nlohmann::json::array();
  double total = 0, boot = 0, analog = 0, digital = 0, comm = 0, sync = 0, idle = 0, asleep = 0;
  int analog_bound = 0;
  for (const auto& role : roles) {
    if (role.role == map::Role::Idle || size_t(role.id) >= per.size()) continue;
    auto r = cluster_row(role, p.net, per[size_t(role.id)], clock_hz, simulated_ns);
    const double computation =
        r["compute_ns"].get<double>() + r["ima_wait_ns"].get<double>() + r["dwconv_wait_ns"].get<double>();
    total += r["end_ns"].get<double>();
    boot += r["boot_ns"].get<double>();
    (r["bound"] == "analog" ? analog : digital) += computation;
    analog_bound += r["bound"] == "analog";
    comm += r["communication_ns"].get<double>();
    sync += r["synchronization_ns"].get<double>();
    idle += r["idle_ns"].get<double>();
    asleep += r["asleep_ns"].get<double>();
    rows.push_back(std::move(r));
  }
  const auto share = [&](double v) { return total > 0 ? v / total : 0.0; };
  nlohmann::json b;
  b["definition"] =
      "per used cluster, the average core's time up to the cluster's exit: boot (time 0 to the core's first "
      "phase mark: role loading, weight programming), computation (compute + IMA-wait + depthwise-accelerator-wait "
      "phases), communication, "
      "synchronization, idle (after the core's last phase mark); asleep (wfi) overlaps them. Analog-bound: the "
      "IMA was busy at least as long as the average core was in the compute phase after its boot.";
  b["shares"] = {{"boot", share(boot)}, {"computation_analog_bound", share(analog)}, {"computation_digital_bound", share(digital)},
                 {"communication", share(comm)},             {"synchronization", share(sync)},
                 {"idle", share(idle)},                      {"asleep", share(asleep)}};
  b["analog_bound_clusters"] = analog_bound;
  b["digital_bound_clusters"] = int(rows.size()) - analog_bound;
  j["pipeline"] = pipeline_diagnosis(rows, p.mapping, p.net, p.batch, clock_hz);
  b["clusters"] = std::move(rows);
  j["breakdown"] = std::move(b);

  j["simulated_ns"] = simulated_ns;
  j["host_seconds"] = host_seconds;
  j["instructions"] = results.value("instructions", uint64_t(0));
  j["mips"] = results.value("mips", 0.0);
  return j;
}

std::string report_text(const nlohmann::json& j) {
  std::ostringstream o;
  o << fmt::format("dataflow job: {} ({} mapping, batch {}, seed {}) on {}\n", j["network"].get<std::string>(),
                   j["mode"].get<std::string>(), j["batch"].get<int>(), j["seed"].get<uint64_t>(),
                   j["platform"].get<std::string>());
  o << fmt::format("  clusters used     {} of {}\n", j["clusters_used"].get<int>(), j["clusters_total"].get<int>());
  const int64_t macs = j["macs_per_image"].get<int64_t>();
  if (j["images_per_s"].is_null()) {
    o << fmt::format("  images/s          n/a ({})\n", j["images_per_s_note"].get<std::string>());
    o << fmt::format("  TOPS              n/a ({:.4g} GOP per image = 2 x {} MACs)\n", 2e-9 * double(macs),
                     with_thousands(macs));
  } else {
    const auto& d = j["image_done_ns"];
    o << fmt::format("  images/s          {:.1f} {} (images done from {} to {}; cost model {:.0f})\n",
                     j["images_per_s"].get<double>(), j.contains("reload") ? "for the batch" : "in steady state", time_text(d.front().get<double>()),
                     time_text(d.back().get<double>()), j["cost_model_images_per_s"].get<double>());
    o << fmt::format("  TOPS              {:.3f} ({:.4g} GOP per image = 2 x {} MACs)\n", j["tops"].get<double>(),
                     2e-9 * double(macs), with_thousands(macs));
  }
  if (j.contains("reload")) {
    // Group by group: the slowest cluster's programming (its chunk's DMA and the IMA's program job), and the rest
    // of the group (its pipeline over the batch, activations from and to the HBM, the barriers).
    double total = 0, program = 0, fetch = 0, slowest = 0;
    size_t worst = 0;
    for (const auto& g : j["reload"]) {
      total += g["cycles"].get<double>(), program += g["program_cycles"].get<double>();
      fetch += g["fetch_cycles"].get<double>();
      if (g["cycles"].get<double>() > slowest) slowest = g["cycles"].get<double>(), worst = g["group"].get<size_t>();
    }
    o << fmt::format("  reload            {} groups in {:.0f} cycles: chunk fetch {:.0f} and programming {:.0f} "
                     "({:.1f} %), the pipelines {:.0f}; the longest group {} ({:.0f} cycles)\n",
                     j["reload"].size(), total, fetch, program, total > 0 ? 100.0 * (fetch + program) / total : 0.0,
                     total - fetch - program, worst, slowest);
  }
  if (j["pipeline_start_ns"].is_null())
    o << fmt::format("  batch latency     {} from time 0 (boot and weight programming included; {})\n",
                     time_text(j["batch_latency_ns"].get<double>()), j["latency_source"].get<std::string>());
  else
    o << fmt::format("  batch latency     {} first-in to last-out (pipeline start at {} after the boot; {} from "
                     "time 0; {})\n",
                     time_text(j["batch_latency_ns"].get<double>()), time_text(j["pipeline_start_ns"].get<double>()),
                     time_text(j["end_to_end_ns"].get<double>()), j["latency_source"].get<std::string>());
  if (j.contains("output_check")) {
    const auto& c = j["output_check"];
    o << fmt::format("  outputs           {}: {} images, {} bytes, {} mismatches\n",
                     c["mismatches"].get<uint64_t>() == 0 ? "bit-exact" : "WRONG", c["images"].get<int>(),
                     c["bytes"].get<uint64_t>(), c["mismatches"].get<uint64_t>());
  }
  if (j.contains("accuracy")) {
    const auto& a = j["accuracy"];
    const auto pct = [](const nlohmann::json& v) { return v.is_null() ? std::string("n/a") : fmt::format("{:.1f} %", 100 * v.get<double>()); };
    o << fmt::format("  accuracy          top-1 on {} images of {}: VP {}, int8 golden model {}, float model {}\n",
                     a["images"].get<int>(), a["dataset"].get<std::string>(), pct(a["top1"]), pct(a["golden_top1"]),
                     pct(a["float_top1"]));
    if (a.contains("ideal_top1"))
      o << fmt::format("                    noise-free int8 golden model {}\n", pct(a["ideal_top1"]));
  }
  if (j.contains("noise")) {
    const auto& nz = j["noise"];
    o << fmt::format("  noise vs ideal    top-1 agreement {:.1f} % of {} images; last layer |error| mean {:.2f}, max {:.0f} "
                     "(int8 codes)\n",
                     100 * nz["top1_agreement"].get<double>(), nz["images"].get<int>(),
                     nz["last_layer_mean_abs_error"].get<double>(), nz["last_layer_max_abs_error"].get<double>());
  }
  if (j.contains("energy") && !j["energy"].is_null()) {
    const auto& e = j["energy"];
    o << fmt::format("  energy            {:.3f} mJ per image, {:.3f} mJ per batch, {:.2f} W, {:.2f} TOPS/W\n",
                     e["mj_per_image"].get<double>(), e["mj_per_batch"].get<double>(), e["watts"].get<double>(),
                     e["tops_per_w"].get<double>());
    if (e.contains("cores_mj")) {
      std::string parts;
      double cores = 0;
      for (const auto& [k, v] : e["cores_mj"].items()) cores += v.get<double>();
      for (const char* k : rv::kInsnClassNames)
        if (e["cores_mj"].value(k, 0.0) > 0) parts += fmt::format("{}{} {:.2f}", parts.empty() ? "" : ", ", k, e["cores_mj"][k].get<double>());
      o << fmt::format("  cores by class    {:.2f} mJ per batch: {}, active cycles {:.2f}, sleep {:.2f}\n", cores, parts,
                       e["cores_mj"].value("active_cycles", 0.0), e["cores_mj"].value("sleep_cycles", 0.0));
    }
    o << fmt::format("  area              {:.1f} mm2{}\n", e["area_mm2"].get<double>(),
                     e["gops_per_mm2"].is_null() ? std::string()
                                                 : fmt::format(", {:.1f} GOPS/mm2", e["gops_per_mm2"].get<double>()));
  }
  if (j.contains("pipeline") && j["pipeline"].contains("bottleneck")) {
    const auto& pl = j["pipeline"];
    std::string chain;
    for (const auto& s : pl["critical_chain"]) chain += (chain.empty() ? "" : " -> ") + s.get<std::string>();
    const auto bn = std::find_if(pl["stages"].begin(), pl["stages"].end(),
                                 [&](const nlohmann::json& s) { return s["stage"] == pl["bottleneck"]; });
    // Replicas with unequal work: the slowest one sets the pace, the mean beside it.
    std::string replicas;
    if ((*bn)["clusters"].get<int>() > 1 && bn->contains("max_measured_ns"))
      replicas = fmt::format("; slowest replica cluster {} busy {:.1f} us, mean of {} replicas {:.1f} us",
                             (*bn)["slowest_cluster"].get<int>(), (*bn)["max_measured_ns"].get<double>() / 1e3,
                             (*bn)["clusters"].get<int>(), (*bn)["measured_ns"].get<double>() / 1e3);
    o << fmt::format("  pipeline          bottleneck {} (busy {:.1f} us per image{}, {:.0f} % of its time); critical chain {}\n",
                     pl["bottleneck"].get<std::string>(),
                     (bn->contains("max_measured_ns") ? (*bn)["max_measured_ns"] : (*bn)["measured_ns"]).get<double>() / 1e3,
                     replicas, 100 * (*bn)["busy_share"].get<double>(), chain);
  }
  const auto& s = j["breakdown"]["shares"];
  const auto pct = [&](const char* k) { return 100.0 * s[k].get<double>(); };
  o << fmt::format("  time per cluster  boot {:.1f} %, computation {:.1f} % (analog-bound {:.1f} %, digital-bound "
                   "{:.1f} %), communication {:.1f} %, synchronization {:.1f} %, idle {:.1f} %\n",
                   pct("boot"), pct("computation_analog_bound") + pct("computation_digital_bound"),
                   pct("computation_analog_bound"), pct("computation_digital_bound"), pct("communication"),
                   pct("synchronization"), pct("idle"));
  o << fmt::format("                    {} analog-bound and {} digital-bound clusters; cores asleep {:.1f} % "
                   "(overlaps the phases)\n",
                   j["breakdown"]["analog_bound_clusters"].get<int>(), j["breakdown"]["digital_bound_clusters"].get<int>(),
                   pct("asleep"));
  o << fmt::format("  simulated         {} in {:.2f} s host time, {:.0f} MIPS\n",
                   time_text(j["simulated_ns"].get<double>()), j["host_seconds"].get<double>(),
                   j["mips"].get<double>());
  return o.str();
}

std::string breakdown_csv(const nlohmann::json& j) {
  static const char* const cols[] = {"cluster",       "layer",          "layer_name",       "role",
                                     "replica",       "bound",          "end_ns",           "boot_ns",          "compute_ns",
                                     "ima_wait_ns",   "communication_ns", "synchronization_ns", "idle_ns",
                                     "asleep_ns",     "active_ns",      "ima_busy_ns",    "images_marked",
                                     "dwconv_wait_ns"};
  std::ostringstream o;
  for (size_t i = 0; i < std::size(cols); ++i) o << (i ? "," : "") << cols[i];
  o << "\n";
  for (const auto& r : j["breakdown"]["clusters"]) {
    for (size_t i = 0; i < std::size(cols); ++i) {
      const auto& v = r[cols[i]];
      o << (i ? "," : "");
      if (v.is_string()) o << v.get<std::string>();
      else if (v.is_number_float()) o << fmt::format("{:.1f}", v.get<double>());
      else o << v.dump();
    }
    o << "\n";
  }
  return o.str();
}

}  // namespace vp::dataflow
