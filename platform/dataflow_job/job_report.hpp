#pragma once
// The report of vp-run's dataflow job (docs/results.md): throughput from the
// firmware's IMAGE_DONE marks, TOPS, batch latency, the output check and the
// per-cluster time breakdown of Fig. 5B-D, from a manycore run's statistics.
// Host-side arithmetic only: every figure comes from the simulation.
#include <string>

#include <nlohmann/json.hpp>

#include "workload.hpp"

namespace vp::dataflow {

// `results` is the platform's statistics (per_cluster, instructions,
// host_run_seconds, output_check); `clock_hz` the platform clock.
// Definitions (also in docs/results.md):
// - image i is done when the last cluster that writes the network output
//   marked it (CLUSTER_CTRL_IMAGE_DONE); steady-state images/s =
//   (batch - 1) / (done[last image] - done[first image]); null without marks
//   for every image or with a batch of 1;
// - end to end: time 0 (boot and weight programming included) to the last
//   image done, or to the last used cluster's exit without marks; batch
//   latency (first-in to last-out): from the pipeline's start, the first
//   phase mark of a cluster reading the network input (`boot_end_ns` of the
//   per-cluster stats, BootEndRecorder), to the same end;
// - per used cluster, the average core's time up to the cluster's exit split
//   by the firmware's phase marks: boot (0 to the core's first mark, which
//   the compute phase would otherwise hold), computation (compute + IMA
//   wait), communication, synchronization, and idle (after the core's last
//   mark); asleep (wfi) overlaps them and is given beside. A cluster is
//   analog-bound when its IMA was busy at least as long as its average core
//   was in the compute phase after its boot, else digital-bound.
nlohmann::json job_report(const workload::Prepared& p, const nlohmann::json& results, double clock_hz,
                          const std::string& platform_name, double simulated_ns, double host_seconds);

// The report as text for the console.
std::string report_text(const nlohmann::json& report);

// The per-cluster breakdown as CSV, one row per used cluster, ordered by layer.
std::string breakdown_csv(const nlohmann::json& report);

}  // namespace vp::dataflow
