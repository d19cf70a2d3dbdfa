#pragma once
// vp-run's pictures of the job report, drawn by a script of scripts/ (Debian's
// /usr/bin/python3 with matplotlib): --breakdown-png as Fig. 5B-D by
// plot_cluster_time.py, --pipeline-png the pipeline diagnosis by plot_pipeline.py.
#include <string>

#include <nlohmann/json.hpp>

namespace vp::dataflow {

// The scripts, each named by the option that runs it.
enum class Plot { Breakdown, Pipeline };

// Throws JobError naming what is missing (the interpreter or the script).
void check_plotting(Plot plot = Plot::Breakdown);
// Writes `png` from the report; throws std::runtime_error with the script's
// exit status if it fails (its own message is on stderr).
void plot_report(Plot plot, const nlohmann::json& report, const std::string& png);
inline void plot_breakdown(const nlohmann::json& report, const std::string& png) {
  plot_report(Plot::Breakdown, report, png);
}

}  // namespace vp::dataflow
