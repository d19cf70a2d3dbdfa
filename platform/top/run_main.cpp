// vp-run as a pipeline, after Minres RISCV-VP's sc_main:
//   parse (cli.cpp) -> resolve the platform and the run request, checking
//   every option and output -> build -> run -> report.
// Each stage has one way out for errors: usage and configuration errors
// (exit 2) before anything is built or written, simulation errors (exit 1)
// as the run's result.
#include <arpa/inet.h>
#include "config/cluster_classes.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <new>
#include <optional>
#include <tuple>

#include <fmt/format.h>

#include "config/output_file.hpp"
#include "dataflow_job/breakdown_plot.hpp"
#include "dataflow_job/dataflow_job.hpp"
#include "dataflow_job/job_report.hpp"
#include "elf_loader.hpp"
#include "gdb/debug_session.hpp"
#include "manycore/memory_map.hpp"
#include "top/auto_mapping.hpp"
#include "top/cli.hpp"
#include "golden_run.hpp"
#include "top/job_setup.hpp"
#include "top/platform.hpp"
#include "sim/activity_tracer.hpp"
#include "trace/fst_writer.hpp"

namespace vp {

namespace {

// ---- resolve ----------------------------------------------------------------

// The dataflow job runs when asked for (--network, --batch, ...) and is the
// main job when no program or platform is named: --set alone changes the
// main job's platform (vp-run --set core.isa=rv32imc is the headline on
// those cores), while a platform or program alone runs as before.
bool wants_job(const CliOptions& cli) {
  return cli.job_requested || (cli.run.elf.empty() && cli.platform.empty());
}

// An ELF whose entry lies outside the default platform's cluster instruction
// memory is a bare-metal program (e.g. linked at 0x80000000 like the RISC-V
// tests). A file that cannot be read is left for the platform to report.
bool is_bare_metal_elf(const std::string& path) {
  try {
    const uint32_t entry = rv::read_elf_entry(path);
    const Config def = Config::load(Config::default_platform());
    const uint64_t base = uint64_t(def.get_int("memory_map.imem_base"));
    return entry < base || entry >= base + def.get_size("memory_map.imem_size");
  } catch (const std::exception&) {
    return false;
  }
}

std::string platform_source(const CliOptions& cli, bool job) {
  if (!cli.platform.empty()) return cli.platform;
  if (!job && !cli.run.elf.empty() && is_bare_metal_elf(cli.run.elf.front())) {
    if (!cli.run.quiet)
      std::cerr << "vp-run: note: " << cli.run.elf.front()
                << " is not cluster firmware (its entry is outside the cluster instruction memory); "
                   "running it on the bare-rv32 platform (choose one with --platform)\n";
    return "bare-rv32";
  }
  return Config::default_platform();
}

void resolve_time_limit(const CliOptions& cli, RunRequest& req) {
  if (cli.max_time == "none") return;
  req.default_limit = cli.max_time.empty();
  req.max_time = req.default_limit ? sc_core::sc_time(kDefaultMaxTimeSeconds, sc_core::SC_SEC)
                                   : parse_duration(cli.max_time);
}

// --timeline, --vcd, --fst, --gtkw, --trace-clusters.
void resolve_traces(const CliOptions& cli, const Config& cfg, RunRequest& req) {
  const bool traces = !req.timeline.empty() || !req.vcd.empty() || !req.fst.empty();
  if (!req.gtkw.empty() && req.vcd.empty() && req.fst.empty())
    throw UsageError("--gtkw describes a waveform: give --vcd or --fst too");
  if (!req.fst.empty() && find_vcd2fst().empty()) throw UsageError("--fst needs vcd2fst on PATH (Debian package gtkwave)");
  if (!kTracing && traces)
    throw UsageError("--timeline, --vcd and --fst need the trace hooks: this vp-run was built with -DVP_TRACING=OFF");
  if (traces && cfg.get_string("kind") != "manycore")
    throw UsageError("--timeline, --vcd and --fst trace clusters: use a manycore platform");
  if (!cli.trace_clusters.empty()) {
    std::tie(req.trace_first, req.trace_last) = parse_cluster_range(cli.trace_clusters);
    if (cfg.get_string("kind") == "manycore" && req.trace_last >= cfg.get_int("cluster.count"))
      throw UsageError(fmt::format("--trace-clusters {}: the platform has clusters 0-{}", cli.trace_clusters,
                                   cfg.get_int("cluster.count") - 1));
  }
}

// --gdb, --gdb-host, --gdb-clusters, --itrace, --itrace-cores, --dump-registers (docs/debugging.md).
void resolve_debug(const CliOptions& cli, const Config& cfg, RunRequest& req) {
  const bool any = req.gdb_port >= 0 || !req.itrace.empty() || !cli.gdb_clusters.empty() || !req.itrace_cores.empty() ||
                   req.itrace_limit || req.dump_registers >= 0;
  if (!any) return;
  // The bare platform's one core is "cluster 0 core 0".
  const bool bare = cfg.get_string("kind") == "bare";
  if (!bare && cfg.get_string("kind") != "manycore")
    throw UsageError("--gdb, --itrace and --dump-registers debug the cores of a manycore or bare platform");
  if (bare && req.dump_registers >= 0) throw UsageError("--dump-registers: the bare platform has no cluster peripherals");
  const int clusters = bare ? 1 : int(cfg.get_int("cluster.count")), cores = bare ? 1 : int(max_cluster_cores(cfg));
  in_addr host{};
  if (inet_pton(AF_INET, req.gdb_host.c_str(), &host) != 1)
    throw UsageError(fmt::format("--gdb-host '{}': not an IPv4 address (e.g. 127.0.0.1, 0.0.0.0)", req.gdb_host));
  if (!cli.gdb_clusters.empty()) {
    if (req.gdb_port < 0) throw UsageError("--gdb-clusters selects the cores of --gdb: give --gdb PORT");
    std::tie(req.gdb_first, req.gdb_last) = parse_cluster_range(cli.gdb_clusters, "--gdb-clusters");
    if (req.gdb_last >= clusters)
      throw UsageError(fmt::format("--gdb-clusters {}: the platform has clusters 0-{}", cli.gdb_clusters, clusters - 1));
  }
  if ((!req.itrace_cores.empty() || req.itrace_limit) && req.itrace.empty())
    throw UsageError("--itrace-cores and --itrace-limit shape the trace of --itrace: give --itrace FILE");
  if (!req.itrace.empty()) {
    try {
      DebugSession::parse_cores(req.itrace_cores.empty() ? "0:0" : req.itrace_cores, unsigned(clusters), unsigned(cores));
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
  }
  if (req.dump_registers >= clusters)
    throw UsageError(fmt::format("--dump-registers {}: the platform has clusters 0-{}", req.dump_registers, clusters - 1));
}

// Every output file, checked together before anything runs or is written.
void check_outputs(const CliOptions& cli, bool job) {
  if ((!cli.breakdown.empty() || !cli.breakdown_png.empty()) && !job)
    throw UsageError("--breakdown and --breakdown-png are reports of the dataflow job: give --network");
  if (!cli.pipeline_png.empty() && !job)
    throw UsageError("--pipeline-png is a report of the dataflow job: give --network");
  if (!cli.breakdown_png.empty()) dataflow::check_plotting(dataflow::Plot::Breakdown);
  if (!cli.pipeline_png.empty()) dataflow::check_plotting(dataflow::Plot::Pipeline);
  OutputPlan plan;
  for (const auto& [what, path] : cli.inputs()) plan.input(what, path);
  for (const auto& [what, path] : cli.outputs()) plan.output(what, path);
  try {
    plan.check();
  } catch (const OutputError& e) {
    throw UsageError(e.what());
  }
}

struct Resolved {
  std::unique_ptr<Config> cfg;
  RunRequest req;
  bool job = false;
  // The dataflow job being prepared beside elaboration; req.dataflow once it is ready.
  std::unique_ptr<JobSetup> setup;
};

// The run request from the command line and the platform; throws UsageError,
// ConfigError or dataflow::JobError. The dataflow job is started here, and
// its own errors are thrown when it is waited for (wait_job).
void resolve_request(const CliOptions& cli, Resolved& r) {
  r.req = cli.run;
  resolve_time_limit(cli, r.req);
  resolve_traces(cli, *r.cfg, r.req);
  resolve_debug(cli, *r.cfg, r.req);
  check_outputs(cli, r.job);
  if (r.job) {
    if (r.req.elf.empty()) r.req.elf = {dataflow::default_firmware(r.cfg->get_string("core.isa"))};
    r.setup = std::make_unique<JobSetup>(cli.job, *r.cfg);
  }
}

// An error of the setup (resolve_request, the dataflow job), reported; returns
// vp-run's exit code. Nothing has run or been written.
int setup_error(std::exception_ptr e) {
  clear_dead_stack_poison();  // the sanitizer build: see sim/sanitizer.hpp
  try {
    std::rethrow_exception(e);
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return kExitUsage;
  } catch (const dataflow::JobError& e) {
    std::cerr << "vp-run: error: " << e.what() << "\n";
    return kExitUsage;
  } catch (const UsageError& e) {
    std::cerr << "vp-run: error: " << e.what() << "\n";
    return kExitUsage;
  } catch (const std::bad_alloc&) {
    std::cerr << "vp-run: error: out of host memory while preparing the run\n";
    return kExitSimulationError;
  }
}

// The dataflow job, waited for: throws its error.
void wait_job(Resolved& r) {
  if (!r.setup) return;
  r.req.dataflow = r.setup->job();
  r.req.golden = r.setup->golden();
}

// ---- build and run ------------------------------------------------------------

struct Outcome {
  RunResult result;
  double wall = 0, sim_ns = 0;
  std::unique_ptr<Platform> platform;  // kept until the exit (exit_now)
  std::optional<int> setup_exit;       // the dataflow job failed: its error was reported, nothing ran
};

void failed(RunResult& r, const std::string& message) {
  r.exit_code = kExitSimulationError;
  r.status = "error";
  r.message = message;
}

// Never throws: every error of the simulated system becomes the result.
// A ConfigError of a model's own check is returned as exit 2. The platform
// is elaborated while the dataflow job is being prepared (r.setup, on its own
// thread); the job's error, if any, comes first, as when it was prepared
// before: it is reported here and the outcome says so (setup_exit).
Outcome build_and_run(Resolved& r) {
  // Several clusters may fault in the same instant; each stops the kernel,
  // and the first error is the one reported.
  sc_core::sc_report_handler::set_actions(sc_core::SC_ID_SIMULATION_STOP_CALLED_TWICE_, sc_core::SC_DO_NOTHING);
  Outcome o;
  const auto wall0 = std::chrono::steady_clock::now();
  const char* stage = "elaborating the platform";
  std::unique_ptr<Platform>& platform = o.platform;
  std::exception_ptr built;
  try {
    platform = make_platform(*r.cfg);
  } catch (...) {
    built = std::current_exception();
  }
  try {
    wait_job(r);
  } catch (...) {
    platform.reset();
    o.setup_exit = setup_error(std::current_exception());
    return o;
  }
  // The job's golden model runs from when the job was ready (or from now),
  // at idle priority: through elaboration and loading (serial) it has the
  // second host core; cancelled if the run ends without a check.
  RunRequest req = r.req;
  if (req.dataflow && !req.golden) req.golden = std::make_shared<workload::GoldenRun>(req.dataflow);
  try {
    if (built) std::rethrow_exception(built);
    stage = "loading the program";
    platform->load(req);
    stage = "running";
    o.result = platform->run(req);
  } catch (const ConfigError& e) {
    o.result.exit_code = kExitUsage;
    o.result.status = "error";
    o.result.message = e.what();
  } catch (const SimulationError& e) {
    failed(o.result, e.what());
  } catch (const sc_core::sc_report& e) {
    // A model's error thrown inside a SystemC process reaches here wrapped
    // as "uncaught exception: <message>": report the message itself.
    std::string msg = e.get_msg() ? e.get_msg() : e.what();
    const std::string wrap = "uncaught exception: ";
    if (msg.rfind(wrap, 0) == 0) msg = msg.substr(wrap.size());
    failed(o.result, msg);
  } catch (const std::bad_alloc&) {
    failed(o.result, fmt::format("out of host memory while {} {}", stage, r.cfg->get_string("name")));
  } catch (const std::exception& e) {
    failed(o.result, e.what());
  }
  // The frames the exception unwound are dead: their sanitizer poison too (sim/sanitizer.hpp).
  clear_dead_stack_poison();
  o.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  o.sim_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
  return o;
}

// ---- report --------------------------------------------------------------------

int report(const CliOptions& cli, const Resolved& r, const Outcome& o, const AutoLoop& loop) {
  const RunResult& result = o.result;
  if (result.exit_code == kExitUsage) return std::cerr << result.message << "\n", kExitUsage;
  if (result.exit_code != kExitOk) std::cerr << "vp-run: " << result.message << "\n";
  const Config& cfg = *r.cfg;
  if (!cli.run.quiet) {
    std::string work;
    if (result.stats.contains("instructions") && o.wall > 0) {
      const double insns = result.stats["instructions"].get<double>();
      work = fmt::format(", {:.3g} instructions ({:.0f} MIPS)", insns, insns / o.wall / 1e6);
    }
    std::cerr << fmt::format("vp-run: {} on {}: simulated {:.3f} us in {:.3f} s host time{}\n", result.status,
                             cfg.get_string("name"), o.sim_ns / 1e3, o.wall, work);
  }
  try {
    // The dataflow job's report, when the run got as far as checking its outputs.
    nlohmann::json job;
    if (r.req.dataflow && result.stats.contains("output_check")) {
      job = dataflow::job_report(*r.req.dataflow, result.stats, cfg.get_float("clock_hz"), cfg.get_string("name"),
                                 o.sim_ns, o.wall);
      if (loop.best >= 0) job["auto"] = {{"iterations", loop.iterations}, {"kept", loop.best}};
      std::cout << dataflow::report_text(job) << (loop.best >= 0 ? auto_loop_text(loop.iterations, loop.best) : "")
                << std::flush;
      if (!cli.breakdown.empty()) write_output(cli.breakdown, dataflow::breakdown_csv(job));
      if (!cli.breakdown_png.empty()) dataflow::plot_breakdown(job, cli.breakdown_png);
      if (!cli.pipeline_png.empty()) dataflow::plot_report(dataflow::Plot::Pipeline, job, cli.pipeline_png);
    }
    // Written after a simulation error too (README, "Outputs"): status and
    // message say how the run ended.
    if (!cli.stats.empty()) {
      nlohmann::json j;
      j["vp_version"] = VP_VERSION;
      j["platform_source"] = cfg.origin();
      j["platform"] = cfg.to_json();
      j["status"] = result.status;
      if (!result.message.empty()) j["message"] = result.message;
      j["exit_code"] = result.exit_code;
      j["simulated_ns"] = o.sim_ns;
      j["host_seconds"] = o.wall;
      j["results"] = result.stats;
      if (!job.is_null()) j["dataflow"] = job;
      if (result.stats.contains("energy")) {  // docs/energy.md: the run's energy, area, and the job's figures
        nlohmann::json e = result.stats["energy"];
        e["area"] = result.stats["area"];
        e["area_mm2"] = result.stats["area"]["area_mm2"];
        if (!job.is_null() && job.contains("energy") && !job["energy"].is_null()) e.update(job["energy"]);
        j["energy"] = e;
      }
      write_output(cli.stats, j.dump(2) + "\n");
    }
  } catch (const std::exception& e) {
    std::cerr << "vp-run: error: " << e.what() << "\n";
    return kExitSimulationError;
  }
  return result.exit_code;
}

// ---- exit ---------------------------------------------------------------------

// Whether vp-run may end without its teardown: not in the sanitizer builds
// (their leak check, and the destructors' own checks, need it), nor with a
// debug session (--gdb, --itrace: its connection and trace file close in
// their destructors when the run ended early).
bool exit_fast_allowed(const RunRequest& req) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  (void)req;
  return false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
  (void)req;
  return false;
#else
  return req.gdb_port < 0 && req.itrace.empty();
#endif
#else
  return req.gdb_port < 0 && req.itrace.empty();
#endif
}

// Every output is written (write_output closes and renames each file before
// it returns; the plots' subprocesses have been waited for): the process ends
// here, once stdout is flushed, without destroying the platform object by
// object (~0.1 s for mpaimc-512's SystemC objects and 8192 cores) or freeing
// the job; the kernel reclaims the memory at once. A golden model still
// running (a run that ended without the check) ends with the process.
[[noreturn]] void exit_now(int code) {
  std::cout.flush();
  std::fflush(nullptr);
  std::_Exit(code);
}

// The actions that print and exit before a platform is needed.
std::optional<int> one_shot(const CliOptions& cli) {
  if (cli.help) return std::cout << cli.help_text, kExitOk;
  if (cli.version)
    return std::cout << "vp-run " << VP_VERSION << " (commit " << VP_GIT_COMMIT << ", SystemC " << sc_core::sc_release()
                     << ")\n",
           kExitOk;
  if (cli.list_platforms) {
    for (const auto& n : Config::builtin_names()) std::cout << n << "\n";
    return kExitOk;
  }
  if (cli.print_schema_doc) return std::cout << schema_reference_markdown(Schema::builtin()), kExitOk;
  return std::nullopt;
}

}  // namespace

int run_main(int argc, const char* const* argv) {
  CliOptions cli;
  try {
    cli = parse_cli(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "vp-run: error: " << e.what() << "\n(try vp-run --help)\n";
    return kExitUsage;
  }
  if (auto code = one_shot(cli)) return *code;

  Resolved r;
  try {
    r.job = wants_job(cli);
    r.cfg = std::make_unique<Config>(Config::load(platform_source(cli, r.job), cli.all_overrides()));
    if (cli.print_platform) return std::cout << r.cfg->to_yaml() << "\n", kExitOk;
    if (cli.print_memory_map) {
      if (r.cfg->get_string("kind") != "manycore") r.cfg->fail("kind", "only manycore platforms have a global memory map");
      return std::cout << MemoryMap(*r.cfg).table(), kExitOk;
    }
    resolve_request(cli, r);
  } catch (...) {
    return setup_error(std::current_exception());
  }
  // Mode auto: the job as given (its errors first), the loop of runs
  // (children), then the best one here.
  AutoLoop loop;
  if (r.job && cli.job.mode == "auto" && cli.job.auto_iterations > 1) {
    try {
      wait_job(r);
    } catch (...) {
      return setup_error(std::current_exception());
    }
    r.setup.reset(), r.req.golden.reset();
    try {
      run_auto_loop(cli, loop);
      CliOptions best = cli;
      best.job.calibrate = loop.calibrate;
      r.req.dataflow = dataflow::prepare_job(best.job, *r.cfg);
    } catch (const std::exception& e) {
      std::cerr << "vp-run: error: " << e.what() << "\n";
      return kExitSimulationError;
    }
  }
  Outcome out = build_and_run(r);
  if (out.setup_exit) return *out.setup_exit;
  const int rc = report(cli, r, out, loop);
  if (exit_fast_allowed(r.req)) exit_now(rc);
  return rc;
}

}  // namespace vp
