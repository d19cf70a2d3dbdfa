#pragma once
// vp-run --breakdown-png: the job report drawn as Fig. 5B-D by
// scripts/plot_cluster_time.py (Debian's /usr/bin/python3 with matplotlib).
#include <string>

#include <nlohmann/json.hpp>

namespace vp::dataflow {

// Throws JobError naming what is missing (the interpreter or the script).
void check_plotting();
// Writes `png` from the report; throws std::runtime_error with the script's
// exit status if it fails (its own message is on stderr).
void plot_breakdown(const nlohmann::json& report, const std::string& png);

}  // namespace vp::dataflow
