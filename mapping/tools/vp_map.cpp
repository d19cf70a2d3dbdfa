// vp-map: maps a network onto a platform (mapping YAML, binary form, report)
// and runs the golden reference model. Usage: mapping/README.md.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "calibration.hpp"
#include "config/output_file.hpp"
#include "mapper.hpp"
#include "mapping_binary.hpp"
#include "mapping_yaml.hpp"
#include "reference.hpp"
#include "reload.hpp"
#include "report.hpp"

namespace po = boost::program_options;
using namespace vp::map;

namespace {


// Images the reference run keeps at once (all layers' activations each),
// so that --reference N is bounded before anything is allocated.
constexpr int64_t kMaxReferenceBytes = int64_t(4) << 30;

}  // namespace

int main(int argc, char** argv) {
  po::options_description opts("vp-map options");
  opts.add_options()
    ("help,h", "this help")
    ("network,n", po::value<std::string>()->default_value("resnet18"), "network YAML file, or a name in mapping/networks/")
    ("platform,p", po::value<std::string>()->default_value("mpaimc-512"), "platform YAML file or built-in name")
    ("set", po::value<std::vector<std::string>>()->composing(), "override a platform key (key.path=value), repeatable")
    ("mode,m", po::value<std::string>()->default_value("full"),
     "naive | replicate | full (Fig. 5A) | auto (packed, every free cluster, calibrated by --calibrate) | "
     "reload (layer groups that reprogram the crossbars: printed, --report, and their mappings and weight chunks with --out-yaml / --out-bin; see docs/dataflow.md)")
    ("calibrate", po::value<std::vector<std::string>>()->composing(),
     "mode auto: the stage times a dataflow run measured (its vp-run --stats; repeatable, later ones override)")
    ("cost", po::value<std::vector<std::string>>()->composing(), "override a cost-model figure (name=value), repeatable")
    ("out-yaml", po::value<std::string>(), "write the mapping as YAML")
    ("out-bin", po::value<std::string>(), "write the mapping's binary form for the firmware")
    ("report", po::value<std::string>(), "write the report as text")
    ("report-json", po::value<std::string>(), "write the report as JSON")
    ("print-layers", "print the layers (our numbering beside the paper's) and exit")
    ("compare-modes", "map in all three modes, print them beside the paper's Fig. 5A and exit")
    ("seed", po::value<uint64_t>()->default_value(1), "seed of generated weights and input images")
    ("weights", po::value<std::string>(), "read weights and requantization from this file instead of the seed")
    ("weights-out", po::value<std::string>(), "write the weights and requantization used")
    ("reference", po::value<int>(), "run the golden reference model on this many seeded images")
    ("ref-out", po::value<std::string>(), "write the reference activations (with --reference)")
    ("ref-layers", po::value<std::string>()->default_value("last"), "activations written: last | all")
    ("threads", po::value<int>()->default_value(int(std::max(1u, std::thread::hardware_concurrency()))),
     "host threads of the reference run (results do not depend on it)")
    ("quiet,q", "print errors only");
  po::options_description hidden;
  hidden.add_options()("positional-words", po::value<std::vector<std::string>>());
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description positional;
  positional.add("positional-words", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "vp-map: error: " << e.what() << "\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << "vp-map: map a DNN onto the cluster array; golden reference model\n\n" << opts
              << "\nOutputs are written only when everything succeeded, each whole (a temporary renamed over it);\n"
                 "a symbolic link is written through to its target; an output that is an input, another output,\n"
                 "a directory or a device is refused. On an error (exit 1 or 2) nothing is written.\n";
    return 0;
  }
  const char* stage = "reading the inputs";
  try {
    // Every option checked before any work or output.
    if (vm.count("positional-words"))
      throw std::invalid_argument(fmt::format("unexpected argument '{}': vp-map takes options only",
                                              vm["positional-words"].as<std::vector<std::string>>().front()));
    const auto str = [&](const char* name) { return vm.count(name) ? vm[name].as<std::string>() : std::string(); };
    for (const char* name : {"network", "platform", "mode", "out-yaml", "out-bin", "report", "report-json", "weights",
                             "weights-out", "ref-out", "ref-layers"})
      if (vm.count(name) && str(name).empty())
        throw std::invalid_argument(fmt::format("--{} needs a value, got an empty one", name));
    const std::string which = str("ref-layers");
    if (which != "all" && which != "last")
      throw std::invalid_argument("--ref-layers: expected last or all, got '" + which + "'");
    if (vm.count("ref-out") && !vm.count("reference")) throw std::invalid_argument("--ref-out needs --reference N");
    if (vm["threads"].as<int>() < 1) throw std::invalid_argument("--threads needs at least one thread");
    const int n_ref = vm.count("reference") ? vm["reference"].as<int>() : 0;
    if (vm.count("reference") && n_ref < 1) throw std::invalid_argument("--reference needs at least one image");
    const std::string net_path = network_file(str("network"));
    vp::OutputPlan plan;
    plan.input("--network", net_path);
    plan.input("--platform", str("platform"));
    plan.input("--weights", str("weights"));
    const std::vector<std::string> calibrate =
        vm.count("calibrate") ? vm["calibrate"].as<std::vector<std::string>>() : std::vector<std::string>{};
    for (const auto& f : calibrate) plan.input("--calibrate", f);
    for (const char* name : {"out-yaml", "out-bin", "report", "report-json", "weights-out", "ref-out"})
      plan.output(std::string("--") + name, str(name));
    try {
      plan.check();
    } catch (const vp::OutputError& e) {
      throw std::invalid_argument(e.what());
    }
    Network net = Network::load(net_path);
    if (vm.count("print-layers")) {
      std::cout << layer_table(net);
      return 0;
    }
    if (n_ref > 0) {
      int64_t per_image = net.input.size();
      for (const auto& l : net.layers) per_image += l.out.size();
      if (per_image * n_ref > kMaxReferenceBytes)
        throw std::invalid_argument(fmt::format(
            "--reference {}: the reference run keeps {} bytes of activations per image, {} in all; the limit is {} "
            "(at most {} images of {})",
            n_ref, per_image, per_image * n_ref, kMaxReferenceBytes, kMaxReferenceBytes / per_image, net.name));
    }
    std::vector<std::string> sets = vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
    vp::Config cfg = vp::Config::load(str("platform"), sets);
    CostParams cost;
    if (vm.count("cost"))
      for (const auto& kv : vm["cost"].as<std::vector<std::string>>()) cost.set(kv);
    stage = "mapping";
    if (vm.count("compare-modes")) {
      std::vector<Mapping> maps;
      for (Mode md : {Mode::Naive, Mode::Replicate, Mode::Full}) maps.push_back(map_network(net, cfg, md, cost));
      std::cout << modes_table(maps);
      return 0;
    }
    if (str("mode") == "reload") {
      // The groups, and their mappings and weight chunks as the reload file
      // (docs/dataflow.md "Weight reloading"); the outputs of a single
      // mapping are refused, not written half-made.
      for (const char* name : {"report-json", "calibrate", "reference"})
        if (vm.count(name))
          throw std::invalid_argument(fmt::format(
              "--{} with --mode reload: reload mode writes the layer groups (--report, --out-yaml, --out-bin, "
              "--weights-out); this output is for a single mapping (docs/dataflow.md \"Weight reloading\")",
              name));
      // Mapped (with the cost model's estimates) where it can be; printed as a plan elsewhere.
      PlatformInfo pinfo = PlatformInfo::from(cfg);
      pinfo.ima = ImaParams::from(cfg, net);
      const bool files = vm.count("out-yaml") || vm.count("out-bin");
      const ReloadMapping rm = files || reload_alike(pinfo) ? map_reload(net, cfg, cost)
                                                            : ReloadMapping{plan_reload(net, cfg, cost), {}, {}, {}};
      Params params;
      if (vm.count("out-bin") || vm.count("weights-out")) {
        stage = "generating the weights";
        params = vm.count("weights") ? load_params(net, str("weights"))
                                     : network_params(net, ImaParams::from(cfg, net), vm["seed"].as<uint64_t>());
      }
      const std::string text = reload_report(rm.plan, net);
      stage = "writing the outputs";
      if (vm.count("out-yaml")) vp::write_output(str("out-yaml"), reload_yaml(rm, net));
      if (vm.count("out-bin")) {
        const auto bin = encode_reload(rm, net, params);
        vp::write_output(str("out-bin"), std::string(bin.begin(), bin.end()));
      }
      if (vm.count("weights-out")) save_params(net, params, str("weights-out"));
      if (vm.count("report")) vp::write_output(str("report"), text);
      if (!vm.count("quiet")) std::cout << text;
      return 0;
    }
    Mode mode = parse_mode(str("mode"));
    if (!calibrate.empty() && mode != Mode::Auto)
      throw std::invalid_argument("--calibrate calibrates mode auto, not " + str("mode"));
    for (const auto& f : calibrate) {
      Calibration c;
      try {
        c = read_calibration(f);
      } catch (const std::runtime_error& e) {  // bad input: exit 2 as other option errors
        throw std::invalid_argument(e.what());
      }
      if (c.network != net.name)
        throw std::invalid_argument(fmt::format("--calibrate {}: a run of network {}, not {}", f, c.network, net.name));
      for (const auto& [stage_name, factor] : c.factor) cost.calibration[stage_name] = factor;
    }
    Mapping m = map_network(net, cfg, mode, cost);

    // Weights are only needed for the binary form's quantization fields, the
    // weights file and the reference run.
    stage = "generating the weights";
    bool want_params = vm.count("weights") || vm.count("weights-out") || vm.count("reference") || vm.count("out-bin");
    ImaParams ima = ImaParams::from(cfg, net);
    Params params;
    if (want_params)
      params = vm.count("weights") ? load_params(net, str("weights")) : network_params(net, ima, vm["seed"].as<uint64_t>());
    stage = "running the reference model";
    std::vector<std::vector<Tensor>> acts;
    if (n_ref > 0) {
      Reference ref(net, params, ima);
      acts = run_batch(ref, net, vm["seed"].as<uint64_t>(), n_ref, vm["threads"].as<int>());
    }

    // Everything computed: now the outputs, each written whole.
    stage = "writing the outputs";
    std::string text = report_text(m, net);
    if (vm.count("out-yaml")) vp::write_output(str("out-yaml"), mapping_yaml(m, net));
    if (vm.count("out-bin")) {
      auto bin = encode_mapping(m, net, &params);
      vp::write_output(str("out-bin"), std::string(bin.begin(), bin.end()));
    }
    if (vm.count("report")) vp::write_output(str("report"), text);
    if (vm.count("report-json")) vp::write_output(str("report-json"), report_json(m, net).dump(2) + "\n");
    if (vm.count("weights-out")) save_params(net, params, str("weights-out"));
    if (vm.count("ref-out")) {
      std::vector<int> layers;
      if (which == "all")
        for (size_t i = 0; i < net.layers.size(); ++i) layers.push_back(int(i));
      else
        layers.push_back(int(net.layers.size()) - 1);
      save_activations(net, acts, layers, str("ref-out"));
    }
    if (!vm.count("quiet")) {
      std::cout << text;
      for (size_t i = 0; i < acts.size(); ++i) {
        const auto& last = acts[i].back().data;
        uint64_t h = 1469598103934665603ull;  // FNV-1a: a short fingerprint of the output
        for (int8_t v : last) h = (h ^ uint8_t(v)) * 1099511628211ull;
        std::cout << fmt::format("reference image {}: output {} values, fnv1a {:016x}\n", i, last.size(), h);
      }
    }
    return 0;
  } catch (const vp::ConfigError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const MappingError& e) {
    std::cerr << "vp-map: error: " << e.what() << "\n";
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "vp-map: error: " << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "vp-map: error: out of host memory while " << stage << "\n";
    return 1;
  } catch (const vp::OutputError& e) {
    std::cerr << "vp-map: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "vp-map: error: " << e.what() << "\n";
    return 1;
  }
}
