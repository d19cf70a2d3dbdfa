// vp-run's flow, after Minres RISCV-VP's sc_main: command line -> platform
// file -> overrides -> validation -> elaboration -> load -> run -> report.
#include <arpa/inet.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <tuple>

#include <fmt/format.h>

#include "dataflow_job/breakdown_plot.hpp"
#include "dataflow_job/dataflow_job.hpp"
#include "dataflow_job/job_report.hpp"
#include "elf_loader.hpp"
#include "gdb/debug_session.hpp"
#include "manycore/memory_map.hpp"
#include "top/cli.hpp"
#include "sim/activity_tracer.hpp"
#include "trace/fst_writer.hpp"
#include "top/platform.hpp"

namespace vp {

// Writes next to the target and renames, so a reader never sees half a file.
static void write_file_atomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + path);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + path);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw std::runtime_error("cannot write " + path);
  }
}

static void check_writable(const std::string& path) {
  if (path.empty()) return;
  std::string tmp = path + ".tmp";
  std::ofstream probe(tmp);
  if (!probe) throw UsageError(fmt::format("cannot write '{}'", path));
  probe.close();
  std::remove(tmp.c_str());
}

// An ELF whose entry lies outside the default platform's cluster instruction
// memory is a bare-metal program (e.g. linked at 0x80000000 like the RISC-V
// tests). A file that cannot be read is left for the platform to report.
static bool is_bare_metal_elf(const std::string& path) {
  try {
    const auto elf = rv::load_elf(path);
    const Config def = Config::load(Config::default_platform());
    const uint64_t base = uint64_t(def.get_int("memory_map.imem_base"));
    return elf.entry < base || elf.entry >= base + def.get_size("memory_map.imem_size");
  } catch (const std::exception&) {
    return false;
  }
}

// --gdb, --gdb-host, --gdb-clusters, --itrace, --itrace-cores, --dump-registers (docs/debugging.md).
static void check_debug_options(const CliOptions& cli, const Config& cfg, RunRequest& req) {
  const bool any = cli.gdb_port >= 0 || !cli.itrace.empty() || !cli.gdb_clusters.empty() || !cli.itrace_cores.empty() ||
                   cli.itrace_limit || cli.dump_registers >= 0;
  if (!any) return;
  // The bare platform's one core is "cluster 0 core 0".
  const bool bare = cfg.get_string("kind") == "bare";
  if (!bare && cfg.get_string("kind") != "manycore")
    throw UsageError("--gdb, --itrace and --dump-registers debug the cores of a manycore or bare platform");
  if (bare && cli.dump_registers >= 0)
    throw UsageError("--dump-registers: the bare platform has no cluster peripherals");
  const int clusters = bare ? 1 : int(cfg.get_int("cluster.count")), cores = bare ? 1 : int(cfg.get_int("cluster.cores"));
  in_addr host{};
  if (inet_pton(AF_INET, cli.gdb_host.c_str(), &host) != 1)
    throw UsageError(fmt::format("--gdb-host '{}': not an IPv4 address (e.g. 127.0.0.1, 0.0.0.0)", cli.gdb_host));
  if (!cli.gdb_clusters.empty()) {
    if (cli.gdb_port < 0) throw UsageError("--gdb-clusters selects the cores of --gdb: give --gdb PORT");
    try {
      std::tie(req.gdb_first, req.gdb_last) = parse_cluster_range(cli.gdb_clusters);
    } catch (const UsageError&) {
      throw UsageError(fmt::format("--gdb-clusters: '{}' is not a cluster or range (e.g. 3, 0-7)", cli.gdb_clusters));
    }
    if (req.gdb_last >= clusters)
      throw UsageError(fmt::format("--gdb-clusters {}: the platform has clusters 0-{}", cli.gdb_clusters, clusters - 1));
  }
  if ((!cli.itrace_cores.empty() || cli.itrace_limit) && cli.itrace.empty())
    throw UsageError("--itrace-cores and --itrace-limit shape the trace of --itrace: give --itrace FILE");
  if (!cli.itrace.empty()) {
    try {
      DebugSession::parse_cores(cli.itrace_cores.empty() ? "0:0" : cli.itrace_cores, unsigned(clusters), unsigned(cores));
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
    check_writable(cli.itrace);
  }
  req.gdb_port = cli.gdb_port;
  req.gdb_host = cli.gdb_host;
  req.itrace = cli.itrace;
  req.itrace_cores = cli.itrace_cores;
  req.itrace_limit = uint64_t(cli.itrace_limit);
  if (cli.dump_registers >= clusters)
    throw UsageError(fmt::format("--dump-registers {}: the platform has clusters 0-{}", cli.dump_registers, clusters - 1));
  req.dump_registers = cli.dump_registers;
}

int run_main(int argc, const char* const* argv) {
  CliOptions cli;
  try {
    cli = parse_cli(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "vp-run: error: " << e.what() << "\n(try vp-run --help)\n";
    return kExitUsage;
  }
  if (cli.help) return std::cout << cli.help_text, kExitOk;
  if (cli.version) return std::cout << "vp-run " << VP_VERSION << " (SystemC " << sc_core::sc_release() << ")\n", kExitOk;
  if (cli.list_platforms) {
    for (const auto& n : Config::builtin_names()) std::cout << n << "\n";
    return kExitOk;
  }
  if (cli.print_schema_doc) return std::cout << schema_reference_markdown(Schema::builtin()), kExitOk;

  std::unique_ptr<Config> cfg;
  RunRequest req;
  // The dataflow job runs when asked for (--network, --batch, ...) and is the
  // main job when nothing else is: a platform or program alone runs as before.
  const bool job = cli.dataflow_options || (cli.elf.empty() && cli.platform.empty() && cli.overrides.empty());
  try {
    std::string platform = cli.platform.empty() ? Config::default_platform() : cli.platform;
    if (!job && cli.platform.empty() && !cli.elf.empty() && is_bare_metal_elf(cli.elf.front())) {
      platform = "bare-rv32";
      if (!cli.quiet)
        std::cerr << "vp-run: note: " << cli.elf.front()
                  << " is not cluster firmware (its entry is outside the cluster instruction memory); "
                     "running it on the bare-rv32 platform (choose one with --platform)\n";
    }
    cfg = std::make_unique<Config>(Config::load(platform, cli.overrides));
    if (cli.print_platform) return std::cout << cfg->to_yaml() << "\n", kExitOk;
    if (cli.print_memory_map) {
      if (cfg->get_string("kind") != "manycore") cfg->fail("kind", "only manycore platforms have a global memory map");
      return std::cout << MemoryMap(*cfg).table(), kExitOk;
    }
    req.elf = cli.elf;
    req.quiet = cli.quiet;
    req.signature = cli.signature;
    if (!cli.max_time.empty()) req.max_time = parse_duration(cli.max_time);
    req.timeline = cli.timeline;
    req.vcd = cli.vcd;
    req.fst = cli.fst;
    req.gtkw = cli.gtkw;
    if (!req.gtkw.empty() && req.vcd.empty() && req.fst.empty())
      throw UsageError("--gtkw describes a waveform: give --vcd or --fst too");
    if (!req.fst.empty() && find_vcd2fst().empty())
      throw UsageError("--fst needs vcd2fst on PATH (Debian package gtkwave)");
    if (!cli.trace_clusters.empty()) {
      std::tie(req.trace_first, req.trace_last) = parse_cluster_range(cli.trace_clusters);
      if (cfg->get_string("kind") == "manycore" && req.trace_last >= cfg->get_int("cluster.count"))
        throw UsageError(fmt::format("--trace-clusters {}: the platform has clusters 0-{}", cli.trace_clusters,
                                     cfg->get_int("cluster.count") - 1));
    }
    check_debug_options(cli, *cfg, req);
    if (!kTracing && (!req.timeline.empty() || !req.vcd.empty() || !req.fst.empty()))
      throw UsageError("--timeline, --vcd and --fst need the trace hooks: this vp-run was built with -DVP_TRACING=OFF");
    if ((!req.timeline.empty() || !req.vcd.empty() || !req.fst.empty()) && cfg->get_string("kind") != "manycore")
      throw UsageError("--timeline, --vcd and --fst trace clusters: use a manycore platform");
    check_writable(cli.timeline);
    check_writable(cli.vcd);
    check_writable(cli.fst);
    check_writable(cli.gtkw);
    check_writable(cli.stats);
    check_writable(cli.signature);
    check_writable(cli.breakdown);
    check_writable(cli.breakdown_png);
    if ((!cli.breakdown.empty() || !cli.breakdown_png.empty()) && !job)
      throw UsageError("--breakdown and --breakdown-png are reports of the dataflow job: give --network");
    if (!cli.breakdown_png.empty()) dataflow::check_plotting();
    if (job) {
      if (req.elf.empty()) req.elf = {dataflow::default_firmware(cfg->get_string("core.isa"))};
      req.dataflow = dataflow::prepare_job({cli.network, cli.mapping_mode, cli.batch, cli.seed, cli.test_flip_weight, cli.costs}, *cfg);
    }
  } catch (const dataflow::JobError& e) {
    std::cerr << "vp-run: error: " << e.what() << "\n";
    return kExitUsage;
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return kExitUsage;
  } catch (const UsageError& e) {
    std::cerr << "vp-run: error: " << e.what() << "\n";
    return kExitUsage;
  }

  // Several clusters may fault in the same instant; each stops the kernel,
  // and the first error is the one reported.
  sc_core::sc_report_handler::set_actions(sc_core::SC_ID_SIMULATION_STOP_CALLED_TWICE_, sc_core::SC_DO_NOTHING);
  RunResult result;
  auto wall0 = std::chrono::steady_clock::now();
  std::unique_ptr<Platform> platform;
  try {
    platform = make_platform(*cfg);
    platform->load(req);
    result = platform->run(req);
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return kExitUsage;
  } catch (const SimulationError& e) {
    result.exit_code = kExitSimulationError;
    result.status = "error";
    result.message = e.what();
  } catch (const sc_core::sc_report& e) {
    // A model's error thrown inside a SystemC process reaches here wrapped
    // as "uncaught exception: <message>": report the message itself.
    std::string msg = e.get_msg() ? e.get_msg() : e.what();
    const std::string wrap = "uncaught exception: ";
    if (msg.rfind(wrap, 0) == 0) msg = msg.substr(wrap.size());
    result.exit_code = kExitSimulationError;
    result.status = "error";
    result.message = msg;
  } catch (const std::exception& e) {
    result.exit_code = kExitSimulationError;
    result.status = "error";
    result.message = e.what();
  }
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  if (result.exit_code != kExitOk) std::cerr << "vp-run: " << result.message << "\n";

  double sim_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
  if (!cli.quiet) {
    std::string work;
    if (result.stats.contains("instructions") && wall > 0) {
      const double insns = result.stats["instructions"].get<double>();
      work = fmt::format(", {:.3g} instructions ({:.0f} MIPS)", insns, insns / wall / 1e6);
    }
    std::cerr << fmt::format("vp-run: {} on {}: simulated {:.3f} us in {:.3f} s host time{}\n", result.status,
                             cfg->get_string("name"), sim_ns / 1e3, wall, work);
  }
  // The dataflow job's report, when the run got as far as checking its outputs.
  nlohmann::json report;
  if (req.dataflow && result.stats.contains("output_check")) {
    report = dataflow::job_report(*req.dataflow, result.stats, cfg->get_float("clock_hz"), cfg->get_string("name"),
                                  sim_ns, wall);
    std::cout << dataflow::report_text(report) << std::flush;
    if (!cli.breakdown.empty() || !cli.breakdown_png.empty()) {
      try {
        if (!cli.breakdown.empty()) write_file_atomically(cli.breakdown, dataflow::breakdown_csv(report));
        if (!cli.breakdown_png.empty()) dataflow::plot_breakdown(report, cli.breakdown_png);
      } catch (const std::exception& e) {
        std::cerr << "vp-run: error: " << e.what() << "\n";
        return kExitSimulationError;
      }
    }
  }
  if (!cli.stats.empty()) {
    nlohmann::json j;
    j["vp_version"] = VP_VERSION;
    j["platform_source"] = cfg->origin();
    j["platform"] = cfg->to_json();
    j["status"] = result.status;
    if (!result.message.empty()) j["message"] = result.message;
    j["exit_code"] = result.exit_code;
    j["simulated_ns"] = sim_ns;
    j["host_seconds"] = wall;
    j["results"] = result.stats;
    if (!report.is_null()) j["dataflow"] = report;
    if (result.stats.contains("energy")) {  // docs/energy.md: the run's energy, area, and the job's figures
      nlohmann::json e = result.stats["energy"];
      e["area"] = result.stats["area"];
      e["area_mm2"] = result.stats["area"]["area_mm2"];
      if (!report.is_null() && report.contains("energy") && !report["energy"].is_null()) e.update(report["energy"]);
      j["energy"] = e;
    }
    try {
      write_file_atomically(cli.stats, j.dump(2) + "\n");
    } catch (const std::exception& e) {
      std::cerr << "vp-run: error: " << e.what() << "\n";
      return kExitSimulationError;
    }
  }
  return result.exit_code;
}

}  // namespace vp
