#pragma once
// vp-run --mapping-mode auto (issue 14, docs/dataflow.md "Mode auto"): the
// loop of calibrated runs. SystemC elaborates one platform per process, so
// each iteration is a child vp-run of the same job (one run, --stats into a
// temporary directory): iteration 0 maps with the cost model alone, each next
// one with the stage times measured by all before it (--calibrate); the loop
// stops when the measured rate does not improve, or after the job's
// auto_iterations runs. The caller then runs the best iteration's mapping
// itself (same inputs, so the same result) and reports it with the list.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "top/cli.hpp"

namespace vp {

struct AutoLoop {
  nlohmann::json iterations = nlohmann::json::array();  // per run: clusters, images/s, bottleneck, ...
  int best = -1;                                       // index of the best run
  std::vector<std::string> calibrate;                  // its --calibrate files (inside `dir`)
  std::string dir;                                     // temporary directory of the runs' statistics
  ~AutoLoop();                                         // removes `dir`
};

// Runs the loop; throws std::runtime_error if the first run fails (its
// messages went to stderr).
void run_auto_loop(const CliOptions& cli, AutoLoop& loop);

// The iterations as report lines (appended to the job's text report).
std::string auto_loop_text(const nlohmann::json& iterations, int best);

}  // namespace vp
