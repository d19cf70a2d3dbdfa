#pragma once
// What vp-run asks of a platform, whatever its kind: elaborate from the
// configuration, load the software, run, and report.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <systemc>

#include "config/config.hpp"
#include "sim/sanitizer.hpp"
#include "sim/simulation_error.hpp"

namespace vp::workload {
struct Prepared;   // platform/workload: a mapped network, its images and boot record
class GoldenRun;   // platform/workload/golden_run.hpp
}  // namespace vp::workload

namespace vp {

// The command line's requests that reach the platform.
struct RunRequest {
  std::vector<std::string> elf;       // --elf: program(s) to load
  sc_core::sc_time max_time = sc_core::SC_ZERO_TIME;  // --max-time; zero = no limit
  bool default_limit = false;         // max_time is vp-run's default, not the user's
  bool quiet = false;                 // --quiet: no progress or console prefixing noise
  bool verbose = false;               // --verbose: the firmware console on stdout, also for a dataflow job
  std::string console;                // --console FILE: the firmware console there instead
  std::string signature;              // --signature FILE (RISCOF convention)
  std::string timeline;               // --timeline FILE.json (Chrome trace events)
  std::string vcd;                    // --vcd FILE
  std::string fst;                    // --fst FILE (the VCD converted by vcd2fst)
  std::string gtkw;                   // --gtkw FILE: GTKWave save file for the VCD, else the FST
  // --trace-clusters FIRST-LAST; negative = the default (all when <= 16, else 0-15).
  int trace_first = -1, trace_last = -1;
  // --gdb PORT (-1: no debugger, 0: any free port) on --gdb-host, for the
  // cores of clusters --gdb-clusters FIRST-LAST (negative: the default, all
  // when <= 16 clusters, else cluster 0). See docs/debugging.md.
  int gdb_port = -1;
  std::string gdb_host = "127.0.0.1";
  int gdb_first = -1, gdb_last = -1;
  // --itrace FILE of the cores in --itrace-cores SPEC (empty: "0:0").
  std::string itrace, itrace_cores;
  uint64_t itrace_limit = 0;  // --itrace-limit LINES; 0 = none
  int dump_registers = -1;    // --dump-registers CLUSTER: its peripherals' registers at the end; -1 = none
  // The dataflow job (--network): installed into memory after the ELF, its
  // outputs checked after the run (platform/dataflow_job). Null: no job.
  std::shared_ptr<const workload::Prepared> dataflow;
  // Its golden model, already started by the caller for `dataflow` (vp-run
  // starts it before elaboration); null: the platform starts it at its run.
  std::shared_ptr<workload::GoldenRun> golden;
};

// How a run ended. exit_code follows vp-run's convention (0 ok, 1 simulation error).
struct RunResult {
  int exit_code = 0;
  std::string status = "ok";          // "ok", "time-limit", "error", ...
  std::string message;                // human-readable reason when not ok
  nlohmann::json stats = nlohmann::json::object();
};

class Platform {
 public:
  virtual ~Platform() = default;
  // Called after elaboration, before simulation starts.
  virtual void load(const RunRequest& req) = 0;
  // Runs the simulation to completion (or to req.max_time).
  virtual RunResult run(const RunRequest& req) = 0;
};

// Runs the kernel until sc_stop(), starvation or `limit` (zero: none). On
// starvation (a stall) the clock stays at the last event, so a report says
// when the system stopped; at the limit it reads the limit. After it,
// sc_pending_activity() tells a limit (true) from a stall (false).
inline void run_kernel(const sc_core::sc_time& limit) {
  if (limit == sc_core::SC_ZERO_TIME) {
    sc_core::sc_start();
  } else {
    sc_core::sc_start(limit, sc_core::SC_EXIT_ON_STARVATION);
    // The next event lies past the limit: move the clock there.
    if (sc_core::sc_get_status() == sc_core::SC_PAUSED && sc_core::sc_pending_activity() &&
        sc_core::sc_time_stamp() < limit)
      sc_core::sc_start(limit - sc_core::sc_time_stamp());
  }
  clear_dead_stack_poison();  // the sanitizer build: see sim/sanitizer.hpp
}

// Elaborates the platform that cfg describes (its `kind` selects the builder).
std::unique_ptr<Platform> make_platform(const Config& cfg);

}  // namespace vp
