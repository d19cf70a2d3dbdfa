#pragma once
// vp-run's command line, parsed into plain data so it can be tested alone.
// Each option is declared once (cli.cpp) and bound straight to the field that
// uses it: the platform's RunRequest, the dataflow job's JobOptions, or one
// of vp-run's own reports below. Only values that need the platform to make
// sense (a time, a cluster range) stay as written until run_main resolves them.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <systemc>

#include "dataflow_job/dataflow_job.hpp"
#include "top/platform.hpp"

namespace vp {

struct CliOptions {
  std::string platform;                 // file or built-in name; empty = default
  std::vector<std::string> overrides;   // --set key=value, in order
  RunRequest run;                       // --elf, --quiet, --signature, traces, --gdb, --itrace
  dataflow::JobOptions job;             // --network, --mapping-mode, --batch, --seed, --cost
  bool job_requested = false;           // any of the job's options given
  // As written; resolved against the platform by run_main.
  std::string max_time;                 // --max-time, e.g. "10ms" or "none"
  int threads = -1;                     // --threads N (-1: the platform's simulation.threads)
  // The --set overrides, then --threads as simulation.threads.
  std::vector<std::string> all_overrides() const {
    std::vector<std::string> o = overrides;
    if (threads >= 0) o.push_back("simulation.threads=" + std::to_string(threads));
    return o;
  }
  std::string trace_clusters;           // --trace-clusters N or N-M
  std::string gdb_clusters;             // --gdb-clusters N or N-M
  int64_t itrace_limit = 0;             // --itrace-limit LINES (0: none)
  // vp-run's own reports.
  std::string stats;                    // --stats FILE.json
  std::string breakdown;                // --breakdown FILE.csv
  std::string breakdown_png;            // --breakdown-png FILE.png
  std::string pipeline_png;             // --pipeline-png FILE.png
  // One-shot actions that print and exit.
  bool help = false, version = false, list_platforms = false, print_platform = false,
       print_schema_doc = false, print_memory_map = false;
  std::string help_text;

  // Every file option as (option, path), for one check before anything runs.
  std::vector<std::pair<std::string, std::string>> outputs() const;
  std::vector<std::pair<std::string, std::string>> inputs() const;
};

// Exit codes of vp-run.
enum ExitCode { kExitOk = 0, kExitSimulationError = 1, kExitUsage = 2 };

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Simulated time a run may take when --max-time is not given: a firmware that
// spins forever ends with "time-limit" (exit 1) instead of running for ever.
inline constexpr double kDefaultMaxTimeSeconds = 1.0;

CliOptions parse_cli(int argc, const char* const* argv);  // throws UsageError
// "10ms", "250 us", "1e6ns", "3s"; a bare number is nanoseconds. A duration
// that rounds to zero at the kernel's time resolution is an error.
sc_core::sc_time parse_duration(const std::string& text);  // throws UsageError
// "3" or "0-7" -> {first, last}; throws UsageError naming `option`.
std::pair<int, int> parse_cluster_range(const std::string& text, const std::string& option = "--trace-clusters");

int run_main(int argc, const char* const* argv);

}  // namespace vp
