// vp-map: maps a network onto a platform (mapping YAML, binary form, report)
// and runs the golden reference model. Usage: mapping/README.md.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "mapper.hpp"
#include "mapping_binary.hpp"
#include "mapping_yaml.hpp"
#include "reference.hpp"
#include "report.hpp"

namespace po = boost::program_options;
using namespace vp::map;

namespace {

// Whole-file writes go through a temporary so a failure leaves nothing half-written.
void write_file(const std::string& path, const std::string& data) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw std::runtime_error("cannot write " + path);
    f.write(data.data(), long(data.size()));
    if (!f) throw std::runtime_error("write failed: " + path);
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description opts("vp-map options");
  opts.add_options()
    ("help,h", "this help")
    ("network,n", po::value<std::string>()->default_value("resnet18"), "network YAML file, or a name in mapping/networks/")
    ("platform,p", po::value<std::string>()->default_value("mpaimc-512"), "platform YAML file or built-in name")
    ("set", po::value<std::vector<std::string>>()->composing(), "override a platform key (key.path=value), repeatable")
    ("mode,m", po::value<std::string>()->default_value("full"), "naive | replicate | full (Fig. 5A)")
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
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, opts), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "vp-map: error: " << e.what() << "\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << "vp-map: map a DNN onto the cluster array; golden reference model\n\n" << opts;
    return 0;
  }
  try {
    Network net = Network::load(network_file(vm["network"].as<std::string>()));
    if (vm.count("print-layers")) {
      std::cout << layer_table(net);
      return 0;
    }
    std::vector<std::string> sets = vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
    vp::Config cfg = vp::Config::load(vm["platform"].as<std::string>(), sets);
    CostParams cost;
    if (vm.count("cost"))
      for (const auto& kv : vm["cost"].as<std::vector<std::string>>()) cost.set(kv);
    if (vm.count("compare-modes")) {
      std::vector<Mapping> maps;
      for (Mode md : {Mode::Naive, Mode::Replicate, Mode::Full}) maps.push_back(map_network(net, cfg, md, cost));
      std::cout << modes_table(maps);
      return 0;
    }
    Mode mode = parse_mode(vm["mode"].as<std::string>());
    Mapping m = map_network(net, cfg, mode, cost);

    // Weights are only needed for the binary form's quantization fields, the
    // weights file and the reference run.
    bool want_params = vm.count("weights") || vm.count("weights-out") || vm.count("reference") || vm.count("out-bin");
    ImaParams ima = ImaParams::from(cfg);
    Params params;
    if (want_params)
      params = vm.count("weights") ? load_params(net, vm["weights"].as<std::string>())
                                   : generate_params(net, ima, vm["seed"].as<uint64_t>());
    std::vector<std::vector<Tensor>> acts;
    if (vm.count("reference")) {
      int n = vm["reference"].as<int>();
      if (n < 1) throw std::invalid_argument("--reference needs at least one image");
      Reference ref(net, params, ima);
      acts = run_batch(ref, net, vm["seed"].as<uint64_t>(), n, vm["threads"].as<int>());
    }

    std::string text = report_text(m, net);
    if (vm.count("out-yaml")) write_file(vm["out-yaml"].as<std::string>(), mapping_yaml(m, net));
    if (vm.count("out-bin")) {
      auto bin = encode_mapping(m, net, &params);
      write_file(vm["out-bin"].as<std::string>(), std::string(bin.begin(), bin.end()));
    }
    if (vm.count("report")) write_file(vm["report"].as<std::string>(), text);
    if (vm.count("report-json")) write_file(vm["report-json"].as<std::string>(), report_json(m, net).dump(2) + "\n");
    if (vm.count("weights-out")) save_params(net, params, vm["weights-out"].as<std::string>());
    if (vm.count("ref-out")) {
      if (acts.empty()) throw std::invalid_argument("--ref-out needs --reference N");
      std::string which = vm["ref-layers"].as<std::string>();
      std::vector<int> layers;
      if (which == "all")
        for (size_t i = 0; i < net.layers.size(); ++i) layers.push_back(int(i));
      else if (which == "last")
        layers.push_back(int(net.layers.size()) - 1);
      else
        throw std::invalid_argument("--ref-layers: expected last or all, got '" + which + "'");
      save_activations(net, acts, layers, vm["ref-out"].as<std::string>());
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
  } catch (const std::exception& e) {
    std::cerr << "vp-map: error: " << e.what() << "\n";
    return 1;
  }
}
