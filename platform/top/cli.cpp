#include "top/cli.hpp"

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

Exit codes: 0 success, 1 simulation error (firmware fault, bad ELF, stall),
            2 usage or configuration error (nothing is written).
)";

CliOptions parse_cli(int argc, const char* const* argv) {
  CliOptions o;
  po::options_description desc("Usage: vp-run [options]\n\nOptions");
  desc.add_options()
      ("help,h", po::bool_switch(&o.help), "print this help and exit")
      ("version", po::bool_switch(&o.version), "print the version and exit")
      ("platform,p", po::value(&o.platform)->value_name("FILE|NAME"),
       "platform YAML file or built-in name (default: mpaimc-512)")
      ("set,s", po::value(&o.overrides)->composing()->value_name("KEY=VALUE"),
       "override one platform key, e.g. --set cluster.cores=8 (repeatable)")
      ("elf,e", po::value(&o.elf)->composing()->value_name("FILE"), "RISC-V ELF program to load")
      ("max-time", po::value(&o.max_time)->value_name("TIME"),
       "stop after this much simulated time, e.g. 10ms, 500us (bare number = ns)")
      ("stats", po::value(&o.stats)->value_name("FILE.json"),
       "write statistics and the resolved platform as JSON")
      ("signature", po::value(&o.signature)->value_name("FILE"),
       "write the begin_signature..end_signature memory, one 32-bit hex word a line")
      ("timeline", po::value(&o.timeline)->value_name("FILE.json"),
       "write a timeline of IMA jobs, DMA transfers and core phases (Chrome trace format, opens in Perfetto)")
      ("vcd", po::value(&o.vcd)->value_name("FILE"),
       "write a VCD waveform of IMA/DMA busy and core states per cluster (GTKWave)")
      ("fst", po::value(&o.fst)->value_name("FILE"), "write the --vcd waveform as FST (needs vcd2fst, package gtkwave)")
      ("gtkw", po::value(&o.gtkw)->value_name("FILE"),
       "write a GTKWave save file that opens the --vcd (or --fst) file with signals grouped per cluster and network")
      ("trace-clusters", po::value(&o.trace_clusters)->value_name("N|N-M"),
       "clusters in --timeline, --vcd and --fst, and network links on their path (default: all if <= 16, else 0-15)")
      ("gdb", po::value(&o.gdb_port)->value_name("PORT"),
       "serve gdb-multiarch on PORT (0: any free port, printed on stderr); stops before the first instruction")
      ("gdb-host", po::value(&o.gdb_host)->value_name("ADDR"), "address --gdb listens on (default 127.0.0.1)")
      ("gdb-clusters", po::value(&o.gdb_clusters)->value_name("N|N-M"),
       "clusters whose cores are GDB threads (default: all if <= 16, else 0)")
      ("itrace", po::value(&o.itrace)->value_name("FILE"),
       "write an instruction trace: cycle, core, pc, encoding, disassembly, registers written")
      ("itrace-cores", po::value(&o.itrace_cores)->value_name("SPEC"),
       "cores in --itrace: CLUSTERS[:CORES],... e.g. 0:0-3 (default 0:0)")
      ("itrace-limit", po::value(&o.itrace_limit)->value_name("LINES"),
       "stop tracing after LINES lines (a note ends the file; the run goes on)")
      ("dump-registers", po::value(&o.dump_registers)->value_name("CLUSTER"),
       "print the registers of CLUSTER's peripherals (event unit, DMA, IMA, control) at the end of the run, "
       "also after a firmware fault (in GDB: monitor regs)")
      ("network", po::value(&o.network)->value_name("NAME|FILE"),
       "run a network as a batch with the dataflow firmware: a name in mapping/networks/ or a network YAML "
       "(default job without --elf/--platform/--set: resnet18)")
      ("mapping-mode", po::value(&o.mapping_mode)->value_name("MODE"),
       "mapping of the network: naive, replicate or full (Fig. 5A; default full)")
      ("batch", po::value(&o.batch)->value_name("N"), "images in the batch (default 16)")
      ("seed", po::value(&o.seed)->value_name("N"), "seed of the generated weights and images (default 1)")
      ("cost", po::value(&o.costs)->composing()->value_name("NAME=VALUE"),
       "override a figure of the mapper's cost model for the dataflow job (as vp-map --cost), e.g. "
       "input_slots=6; repeatable")
      ("breakdown", po::value(&o.breakdown)->value_name("FILE.csv"),
       "write the dataflow job's per-cluster time breakdown (Fig. 5B-D) as CSV")
      ("breakdown-png", po::value(&o.breakdown_png)->value_name("FILE.png"),
       "draw the breakdown like Fig. 5B-D (scripts/plot_cluster_time.py; python3-matplotlib)")
      ("test-flip-weight", po::bool_switch(&o.test_flip_weight),
       "testing: flip the sign of the first weight in the HBM before the run (the output check must fail)")
      ("quiet,q", po::bool_switch(&o.quiet), "print only results and errors")
      ("list-platforms", po::bool_switch(&o.list_platforms), "list the built-in platforms and exit")
      ("print-platform", po::bool_switch(&o.print_platform),
       "print the resolved platform (overrides and defaults applied) and exit")
      ("print-schema-doc", po::bool_switch(&o.print_schema_doc),
       "print the platform key reference (Markdown) and exit")
      ("print-memory-map", po::bool_switch(&o.print_memory_map),
       "print the global memory map of the platform (Markdown) and exit");
  std::ostringstream help;
  help << desc << kExamples;
  o.help_text = help.str();
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
    po::notify(vm);
    o.dataflow_options = vm.count("network") || vm.count("mapping-mode") || vm.count("batch") || vm.count("seed") ||
                         vm.count("cost") ||
                         o.test_flip_weight;
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  if (o.batch <= 0) throw UsageError(fmt::format("--batch {}: a batch needs at least one image", o.batch));
  if (!o.max_time.empty()) parse_duration(o.max_time);  // validate early
  if (!o.trace_clusters.empty()) parse_cluster_range(o.trace_clusters);
  if (o.itrace_limit < 0) throw UsageError(fmt::format("--itrace-limit {}: not a number of lines", o.itrace_limit));
  if (o.dump_registers < -1) throw UsageError(fmt::format("--dump-registers {}: not a cluster", o.dump_registers));
  if (o.gdb_port < -1 || o.gdb_port > 65535) throw UsageError(fmt::format("--gdb {}: not a TCP port", o.gdb_port));
  return o;
}

std::pair<int, int> parse_cluster_range(const std::string& text) {
  const auto bad = [&] { return UsageError(fmt::format("--trace-clusters: '{}' is not a cluster or range (e.g. 3, 0-7)", text)); };
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
  size_t unit_pos = s.find_first_not_of("0123456789.eE+-");
  // An 'e' followed by a letter other than a digit/sign is not an exponent here.
  std::string num = s.substr(0, unit_pos), unit = unit_pos == std::string::npos ? "ns" : s.substr(unit_pos);
  double v = 0;
  try {
    size_t used = 0;
    v = std::stod(num, &used);
    if (used != num.size()) throw std::invalid_argument("trailing");
  } catch (...) {
    throw UsageError(fmt::format("--max-time: '{}' is not a duration (e.g. 10ms, 500us, 2s)", text));
  }
  static const std::pair<const char*, sc_core::sc_time_unit> units[] = {
      {"fs", sc_core::SC_FS}, {"ps", sc_core::SC_PS}, {"ns", sc_core::SC_NS},
      {"us", sc_core::SC_US}, {"ms", sc_core::SC_MS}, {"s", sc_core::SC_SEC}};
  for (auto [name, u] : units)
    if (unit == name) {
      if (!(v > 0) || !std::isfinite(v))
        throw UsageError(fmt::format("--max-time: '{}' must be positive", text));
      return sc_core::sc_time(v, u);
    }
  throw UsageError(fmt::format("--max-time: unknown unit '{}' in '{}' (use fs, ps, ns, us, ms, s)", unit, text));
}

}  // namespace vp
