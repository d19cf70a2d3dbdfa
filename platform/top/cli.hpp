#pragma once
// vp-run's command line: parsed into plain data so it can be tested alone.
#include <cstdint>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include <systemc>

namespace vp {

struct CliOptions {
  std::string platform;                 // file or built-in name; empty = default
  std::vector<std::string> overrides;   // --set key=value, in order
  std::vector<std::string> elf;
  std::string max_time;                 // as written, e.g. "10ms"
  std::string stats;                    // --stats FILE.json
  std::string signature;
  std::string timeline, vcd;            // --timeline FILE.json, --vcd FILE
  std::string fst, gtkw;                // --fst FILE, --gtkw FILE
  std::string trace_clusters;           // --trace-clusters N or N-M, as written
  int gdb_port = -1;                    // --gdb PORT (0: any free port)
  std::string gdb_host = "127.0.0.1";   // --gdb-host ADDR
  std::string gdb_clusters;             // --gdb-clusters N or N-M, as written
  std::string itrace, itrace_cores;     // --itrace FILE, --itrace-cores SPEC
  int64_t itrace_limit = 0;             // --itrace-limit LINES (0: none)
  int dump_registers = -1;              // --dump-registers CLUSTER (-1: none)
  bool quiet = false;
  // The dataflow job (platform/dataflow_job): a network mapped and run as a batch.
  std::string network = "resnet18";     // --network NAME|FILE
  std::string mapping_mode = "full";    // --mapping-mode naive|replicate|full
  int batch = 16;                       // --batch N
  uint64_t seed = 1;                    // --seed N
  std::vector<std::string> costs;       // --cost NAME=VALUE (the mapper's cost model)
  std::string breakdown;                // --breakdown FILE.csv
  std::string breakdown_png;            // --breakdown-png FILE.png
  bool dataflow_options = false;        // any of the above given
  bool test_flip_weight = false;        // --test-flip-weight (tests of the output check)
  // One-shot actions that print and exit.
  bool help = false, version = false, list_platforms = false, print_platform = false,
       print_schema_doc = false, print_memory_map = false;
  std::string help_text;
};

// Exit codes of vp-run.
enum ExitCode { kExitOk = 0, kExitSimulationError = 1, kExitUsage = 2 };

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

CliOptions parse_cli(int argc, const char* const* argv);  // throws UsageError
// "10ms", "250 us", "1e6ns", "3s"; a bare number is nanoseconds.
sc_core::sc_time parse_duration(const std::string& text);  // throws UsageError
// "3" or "0-7" -> {first, last}; throws UsageError.
std::pair<int, int> parse_cluster_range(const std::string& text);

int run_main(int argc, const char* const* argv);

}  // namespace vp
