#include "top/cli.hpp"

#include "network.hpp"

#include <cmath>
#include <sstream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

namespace po = boost::program_options;

namespace vp {

static const char* kExamples = R"(
Examples:
  vp-run                                   the main job: ResNet-18, batch 16, full mapping on mpaimc-512
  vp-run --network resnet-tiny --platform mpaimc-8 --mapping-mode naive --batch 4 --stats s.json
  vp-run --platform platform/configs/mpaimc-8.yaml --stats s.json
  vp-run --set cluster.l1.banks=64 --set noc.latency_cycles.0=200
  vp-run --platform bare-rv32 --elf prog.elf --signature sig.txt
  vp-run --list-platforms                  names of the built-in platforms
  vp-run --print-platform --platform mpaimc-8   the resolved platform as YAML

Exit codes: 0 success, 1 simulation error (firmware fault, bad ELF, stall, time limit),
            2 usage or configuration error.
Outputs: every file is written whole or not at all (a temporary renamed over it); a
symbolic link is written through to its target; an output that is an input, another
output, a directory or a device is refused. On exit 2 nothing is written. A run that
ends in a simulation error (exit 1) still writes --stats (its status and message say
why) and the traces, which show where it went wrong; --breakdown and --signature are
written only when the run got that far.
)";

CliOptions parse_cli(int argc, const char* const* argv) {
  CliOptions o;
  RunRequest& r = o.run;
  dataflow::JobOptions& j = o.job;
  po::options_description desc("Usage: vp-run [options]");
  po::options_description g0("Platform and program");
  g0.add_options()
      ("platform,p", po::value(&o.platform)->value_name("FILE|NAME"),
       "platform YAML file or built-in name (default: mpaimc-512)")
      ("set,s", po::value(&o.overrides)->composing()->value_name("KEY=VALUE"),
       "override one platform key, e.g. --set cluster.cores=8 (repeatable)")
      ("elf,e", po::value(&r.elf)->composing()->value_name("FILE"), "RISC-V ELF program to load")
      ("max-time", po::value(&o.max_time)->value_name("TIME"),
       fmt::format("stop after this much simulated time, e.g. 10ms, 500us (bare number = ns); ending there is "
                   "exit 1 'time-limit' (bare-rv32: exit 0). Default {:g} s, so that a firmware spinning for ever "
                   "ends; 'none' for no limit",
                   kDefaultMaxTimeSeconds)
           .c_str())
      ("threads,j", po::value(&o.threads)->value_name("N"),
       "host threads: N >= 1 runs the clusters' local work on N threads and exchanges their other accesses in "
       "cluster order (the same results for every N); default: one per host core; 0: the reference "
       "one-thread schedule (simulation.threads; docs/architecture.md)");
  desc.add(g0);
  po::options_description g1("The dataflow job (a network as a batch; docs/dataflow.md)");
  g1.add_options()
      ("network", po::value(&j.network)->value_name("NAME|FILE"),
       "run a network as a batch with the dataflow firmware: a name in mapping/networks/ or a network YAML "
       "(default job without --elf/--platform: resnet18)")
      ("mapping-mode", po::value(&j.mode)->value_name("MODE"),
       "mapping of the network: naive, replicate or full (Fig. 5A; default full), or auto: packed, every free "
       "cluster spent, then re-balanced against the stage times it measures, run after run while the rate improves; "
       "or reload: a network bigger than the platform in layer groups, each programmed from the HBM in turn "
       "(docs/dataflow.md \"Weight reloading\")")
      ("calibrate", po::value(&j.calibrate)->composing()->value_name("STATS.json"),
       "mode auto: start from the stage times measured by this earlier run's --stats (repeatable, later ones "
       "override)")
      ("auto-iterations", po::value(&j.auto_iterations)->value_name("N"),
       "mode auto: at most N runs of the loop (default 6; 1: one run, mapped with the calibration given)")
      ("batch", po::value(&j.batch)->value_name("N"), "images in the batch (default 16)")
      ("seed", po::value(&j.seed)->value_name("N"), "seed of the generated weights and images (default 1)")
      ("dataset", po::value(&j.dataset)->value_name("NAME|DIR"),
       "classify a data set's test images instead of seeded ones and report top-1 accuracy (VP, int8 golden "
       "model, float model): fashion-mnist (Debian's dataset-fashion-mnist) or a folder of MNIST-format files")
      ("images", po::value(&j.batch)->value_name("N"), "with --dataset: how many test images (the batch)")
      ("cost", po::value(&j.costs)->composing()->value_name("NAME=VALUE"),
       "override a figure of the mapper's cost model for the dataflow job (as vp-map --cost), e.g. "
       "input_slots=6; repeatable")
      ("test-flip-weight", po::bool_switch(&j.flip_first_weight),
       "testing: flip the sign of the first weight in the HBM before the run (the output check must fail)");
  desc.add(g1);
  po::options_description g2("Results");
  g2.add_options()
      ("stats", po::value(&o.stats)->value_name("FILE.json"),
       "write statistics and the resolved platform as JSON (also after a simulation error: see Outputs below)")
      ("breakdown", po::value(&o.breakdown)->value_name("FILE.csv"),
       "write the dataflow job's per-cluster time breakdown (Fig. 5B-D) as CSV")
      ("breakdown-png", po::value(&o.breakdown_png)->value_name("FILE.png"),
       "draw the breakdown like Fig. 5B-D (scripts/plot_cluster_time.py; python3-matplotlib)")
      ("pipeline-png", po::value(&o.pipeline_png)->value_name("FILE.png"),
       "draw the pipeline diagnosis: per stage busy, waiting for producers, waiting for credit; bottleneck and "
       "critical chain (scripts/plot_pipeline.py; python3-matplotlib)")
      ("signature", po::value(&r.signature)->value_name("FILE"),
       "write the begin_signature..end_signature memory, one 32-bit hex word a line")
      ("quiet,q", po::bool_switch(&r.quiet), "print only results and errors")
      ("verbose,v", po::bool_switch(&r.verbose),
       "show the firmware's console lines on stdout; a dataflow job hides them by default (its report comes "
       "first and alone), a program's (--elf) shows them")
      ("console", po::value(&r.console)->value_name("FILE"),
       "write the firmware's console lines to FILE instead (written whole at the end of the run)");
  desc.add(g2);
  po::options_description g3("Traces and waveforms (docs/debugging.md)");
  g3.add_options()
      ("timeline", po::value(&r.timeline)->value_name("FILE.json"),
       "write a timeline of IMA jobs, DMA transfers and core phases (Chrome trace format, opens in Perfetto)")
      ("vcd", po::value(&r.vcd)->value_name("FILE"),
       "write a VCD waveform of IMA/DMA busy and core states per cluster (GTKWave)")
      ("fst", po::value(&r.fst)->value_name("FILE"), "write the --vcd waveform as FST (needs vcd2fst, package gtkwave)")
      ("gtkw", po::value(&r.gtkw)->value_name("FILE"),
       "write a GTKWave save file that opens the --vcd (or --fst) file with signals grouped per cluster and network")
      ("trace-clusters", po::value(&o.trace_clusters)->value_name("N|N-M"),
       "clusters in --timeline, --vcd and --fst, and network links on their path (default: all if <= 16, else 0-15)");
  desc.add(g3);
  po::options_description g4("Debugging (docs/debugging.md)");
  g4.add_options()
      ("gdb", po::value(&r.gdb_port)->value_name("PORT"),
       "serve gdb-multiarch on PORT (0: any free port, printed on stderr); stops before the first instruction")
      ("gdb-host", po::value(&r.gdb_host)->value_name("ADDR"), "address --gdb listens on (default 127.0.0.1)")
      ("gdb-clusters", po::value(&o.gdb_clusters)->value_name("N|N-M"),
       "clusters whose cores are GDB threads (default: all if <= 16, else 0)")
      ("itrace", po::value(&r.itrace)->value_name("FILE"),
       "write an instruction trace: cycle, core, pc, encoding, disassembly, registers written")
      ("itrace-cores", po::value(&r.itrace_cores)->value_name("SPEC"),
       "cores in --itrace: CLUSTERS[:CORES],... e.g. 0:0-3 (default 0:0)")
      ("itrace-limit", po::value(&o.itrace_limit)->value_name("LINES"),
       "stop tracing after LINES lines (a note ends the file; the run goes on)")
      ("dump-registers", po::value(&r.dump_registers)->value_name("CLUSTER"),
       "print the registers of CLUSTER's peripherals (event unit, DMA, IMA, control) at the end of the run, "
       "also after a firmware fault (in GDB: monitor regs)");
  desc.add(g4);
  po::options_description g5("Information");
  g5.add_options()
      ("help,h", po::bool_switch(&o.help), "print this help and exit")
      ("version", po::bool_switch(&o.version), "print the version and exit")
      ("list-platforms", po::bool_switch(&o.list_platforms), "list the built-in platforms and exit")
      ("print-platform", po::bool_switch(&o.print_platform),
       "print the resolved platform (overrides and defaults applied) and exit")
      ("print-schema-doc", po::bool_switch(&o.print_schema_doc),
       "print the platform key reference (Markdown) and exit")
      ("print-memory-map", po::bool_switch(&o.print_memory_map),
       "print the global memory map of the platform (Markdown) and exit");
  desc.add(g5);
  std::ostringstream help;
  help << desc << kExamples;
  o.help_text = help.str();
  // Words that are not options are collected to be refused (vp-run prog.elf
  // would otherwise start the default job).
  std::vector<std::string> words;
  po::options_description hidden;
  hidden.add_options()("positional-words", po::value(&words));
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description positional;
  positional.add("positional-words", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  if (!words.empty())
    throw UsageError(fmt::format("unexpected argument '{}': vp-run takes options only (a program is --elf FILE)",
                                 words.front()));
  if (vm.count("images") && vm.count("batch")) throw UsageError("--images and --batch both set the batch: give one");
  if (vm.count("images") && !vm.count("dataset")) throw UsageError("--images counts a data set's images: give --dataset");
  o.job_requested = vm.count("network") || vm.count("mapping-mode") || vm.count("batch") || vm.count("seed") ||
                    vm.count("dataset") ||
                    vm.count("cost") || vm.count("calibrate") || vm.count("auto-iterations") || j.flip_first_weight;
  // An option given with an empty value would silently mean "the default".
  for (const char* name : {"platform", "network", "mapping-mode", "max-time", "dataset", "stats", "signature", "timeline", "vcd",
                           "fst", "gtkw", "trace-clusters", "gdb-host", "gdb-clusters", "itrace", "itrace-cores",
                           "breakdown", "breakdown-png", "pipeline-png", "console"})
    if (vm.count(name) && vm[name].as<std::string>().empty())
      throw UsageError(fmt::format("--{} needs a value, got an empty one", name));
  for (const auto& e : r.elf)
    if (e.empty()) throw UsageError("--elf needs a file name, got an empty one");
  if (j.batch <= 0) throw UsageError(fmt::format("--batch {}: a batch needs at least one image", j.batch));
  if (j.auto_iterations < 1 || j.auto_iterations > 100)
    throw UsageError(fmt::format("--auto-iterations {}: between 1 and 100 runs", j.auto_iterations));
  if (vm.count("auto-iterations") && j.mode != "auto")
    throw UsageError("--auto-iterations is the loop of --mapping-mode auto");
  for (const auto& f : j.calibrate)
    if (f.empty()) throw UsageError("--calibrate needs a file name, got an empty one");
  if (vm.count("threads") && (o.threads < 0 || o.threads > 1024))
    throw UsageError(fmt::format("--threads {}: between 0 and 1024 host threads", o.threads));
  if (!o.max_time.empty() && o.max_time != "none") parse_duration(o.max_time);  // validate early
  if (!o.trace_clusters.empty()) parse_cluster_range(o.trace_clusters);
  if (o.itrace_limit < 0) throw UsageError(fmt::format("--itrace-limit {}: not a number of lines", o.itrace_limit));
  r.itrace_limit = uint64_t(o.itrace_limit);
  if (r.dump_registers < -1) throw UsageError(fmt::format("--dump-registers {}: not a cluster", r.dump_registers));
  if (r.gdb_port < -1 || r.gdb_port > 65535) throw UsageError(fmt::format("--gdb {}: not a TCP port", r.gdb_port));
  return o;
}

std::vector<std::pair<std::string, std::string>> CliOptions::outputs() const {
  return {{"--stats", stats},       {"--signature", run.signature}, {"--timeline", run.timeline},
          {"--vcd", run.vcd},       {"--fst", run.fst},             {"--gtkw", run.gtkw},
          {"--itrace", run.itrace}, {"--breakdown", breakdown},     {"--breakdown-png", breakdown_png},
          {"--pipeline-png", pipeline_png}, {"--console", run.console}};
}

std::vector<std::pair<std::string, std::string>> CliOptions::inputs() const {
  std::vector<std::pair<std::string, std::string>> in{{"--platform", platform}};
  for (const auto& e : run.elf) in.emplace_back("--elf", e);
  if (job_requested) in.emplace_back("--network", map::network_file(job.network));
  for (const auto& f : job.calibrate) in.emplace_back("--calibrate", f);
  return in;
}

std::pair<int, int> parse_cluster_range(const std::string& text, const std::string& option) {
  const auto bad = [&] {
    return UsageError(fmt::format("{}: '{}' is not a cluster or range (e.g. 3, 0-7)", option, text));
  };
  const size_t dash = text.find('-');
  const std::string a = text.substr(0, dash), b = dash == std::string::npos ? a : text.substr(dash + 1);
  const auto number = [&](const std::string& s) {
    if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos) throw bad();
    return std::stoi(s);
  };
  const int first = number(a), last = number(b);
  if (last < first) throw bad();
  return {first, last};
}

sc_core::sc_time parse_duration(const std::string& text) {
  std::string s = text;
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  const size_t unit_pos = s.find_first_not_of("0123456789.eE+-");
  const std::string num = s.substr(0, unit_pos), unit = unit_pos == std::string::npos ? "ns" : s.substr(unit_pos);
  double v = 0;
  try {
    size_t used = 0;
    v = std::stod(num, &used);
    if (used != num.size()) throw std::invalid_argument("trailing");
  } catch (...) {
    throw UsageError(fmt::format("--max-time: '{}' is not a duration (e.g. 10ms, 500us, 2s)", text));
  }
  static const struct {
    const char* name;
    sc_core::sc_time_unit unit;
    double scale;
  } units[] = {{"fs", sc_core::SC_FS, 1e-15}, {"ps", sc_core::SC_PS, 1e-12}, {"ns", sc_core::SC_NS, 1e-9},
               {"us", sc_core::SC_US, 1e-6},  {"ms", sc_core::SC_MS, 1e-3},  {"s", sc_core::SC_SEC, 1.0}};
  for (auto [name, u, scale] : units)
    if (unit == name) {
      if (!(v > 0) || !std::isfinite(v)) throw UsageError(fmt::format("--max-time: '{}' must be positive", text));
      // sc_time counts whole multiples of the resolution: below one, the
      // limit would become zero, which means "no limit".
      const double res = sc_core::sc_get_time_resolution().to_seconds();
      const double seconds = v * scale;
      if (seconds < res)
        throw UsageError(fmt::format("--max-time: '{}' is below the time resolution ({})", text,
                                     sc_core::sc_get_time_resolution().to_string()));
      // sc_time holds 64 bits of resolution steps.
      if (seconds / res >= 1.8e19)
        throw UsageError(fmt::format("--max-time: '{}' is longer than the kernel can count", text));
      return sc_core::sc_time(v, u);
    }
  throw UsageError(fmt::format("--max-time: unknown unit '{}' in '{}' (use fs, ps, ns, us, ms, s)", unit, text));
}

}  // namespace vp
