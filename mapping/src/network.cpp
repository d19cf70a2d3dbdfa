#include "network.hpp"

#include <cmath>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "config/config.hpp"
#include "config/suggest.hpp"
#include "paths/data_dirs.hpp"

namespace vp::map {

std::string network_file(const std::string& s) {
  if (s.find('/') != std::string::npos || s.find(".yaml") != std::string::npos) return s;
  return data_dir("networks") + "/" + s + ".yaml";
}

const char* op_name(Op op) {
  switch (op) {
    case Op::Conv: return "conv";
    case Op::FC: return "fc";
    case Op::MaxPool: return "maxpool";
    case Op::AvgPool: return "avgpool";
    case Op::Add: return "add";
    case Op::DwConv: return "dwconv";
  }
  return "?";
}

int64_t Layer::rows() const {
  if (op == Op::Conv) return int64_t(kernel) * kernel * in.c;
  if (op == Op::FC) return in.size();
  if (op == Op::DwConv) return int64_t(kernel) * kernel;
  return 0;
}

int64_t Layer::macs() const {
  if (op == Op::DwConv) return rows() * out.size();
  return analog() ? rows() * cols() * out.h * out.w : 0;
}

int64_t Network::macs() const {
  int64_t n = 0;
  for (const auto& l : layers) n += l.macs();
  return n;
}

int Network::index(const std::string& layer_name) const {
  for (size_t i = 0; i < layers.size(); ++i)
    if (layers[i].name == layer_name) return int(i);
  return -1;
}

std::vector<int> Network::consumers(int i) const {
  std::vector<int> out;
  for (size_t j = 0; j < layers.size(); ++j)
    for (int in : layers[j].inputs)
      if (in == i) out.push_back(int(j));
  return out;
}

namespace {

// Reads one document, reporting every mistake at its file:line:column.
class Reader {
 public:
  explicit Reader(std::string origin) : origin_(std::move(origin)) {}

  SourceLocation at(const YAML::Node& n) const {
    auto m = n.Mark();
    return {origin_, m.line + 1, m.column + 1};
  }
  [[noreturn]] void fail(const YAML::Node& n, const std::string& path, const std::string& msg) const {
    throw ConfigError(at(n), path, msg);
  }

  void check_keys(const YAML::Node& map, const std::string& path, const std::vector<std::string>& known) const {
    if (!map.IsMap()) fail(map, path, "expected a map of keys");
    std::set<std::string> seen;
    for (const auto& kv : map) {
      std::string key = kv.first.Scalar();
      std::string kpath = path.empty() ? key : path + "." + key;
      if (!seen.insert(key).second) fail(kv.first, kpath, "duplicate key");
      bool ok = false;
      for (const auto& k : known) ok = ok || k == key;
      if (!ok) {
        std::string hint = closest_match(key, known);
        fail(kv.first, kpath,
             hint.empty() ? fmt::format("unknown key (known here: {})", fmt::join(known, ", "))
                          : fmt::format("unknown key (did you mean '{}'?)", hint));
      }
    }
  }

  int64_t get_int(const YAML::Node& n, const std::string& path, int64_t lo, int64_t hi) const {
    if (!n.IsScalar()) fail(n, path, "expected an integer");
    int64_t v = 0;
    std::string s = n.Scalar();
    try {
      // Decimal only: C's base-0 rule would read 0300 as octal 192.
      size_t used = 0;
      v = std::stoll(s, &used, 10);
      if (used != s.size()) throw std::invalid_argument(s);
    } catch (const std::exception&) {
      fail(n, path, fmt::format("expected an integer, found '{}'", s));
    }
    if (v < lo || v > hi) fail(n, path, fmt::format("{} is out of range [{}, {}]", v, lo, hi));
    return v;
  }
  bool get_bool(const YAML::Node& n, const std::string& path) const {
    if (!n.IsScalar()) fail(n, path, "expected true or false");
    const std::string& s = n.Scalar();
    if (s == "true") return true;
    if (s == "false") return false;
    fail(n, path, fmt::format("expected true or false, found '{}'", s));
  }
  std::string get_string(const YAML::Node& n, const std::string& path) const {
    if (!n.IsScalar()) fail(n, path, "expected a string");
    return n.Scalar();
  }

  Network read(const YAML::Node& root) {
    Network net;
    net.origin = origin_;
    if (!root || root.IsNull()) throw ConfigError({origin_, 1, 1}, "", "empty network file");
    check_keys(root, "", {"name", "input", "layers", "calibration", "weights", "float_predictions", "input_scale"});
    auto beside = [&](const char* key) {
      const std::string f = get_string(root[key], key);
      if (f.empty()) fail(root[key], key, "expected a file name");
      const auto slash = origin_.rfind('/');
      return f[0] == '/' || slash == std::string::npos ? f : origin_.substr(0, slash + 1) + f;
    };
    if (root["weights"]) net.weights_file = beside("weights");
    if (root["float_predictions"]) net.float_predictions_file = beside("float_predictions");
    if (root["input_scale"]) {
      const YAML::Node n = root["input_scale"];
      double v = 0;
      try {
        v = n.as<double>();
      } catch (const YAML::Exception&) {
        fail(n, "input_scale", "expected a positive number");
      }
      if (!(v > 0) || !std::isfinite(v)) fail(n, "input_scale", "expected a positive number");
      net.input_scale = v;
    }
    if (root["name"]) net.name = get_string(root["name"], "name");
    if (root["calibration"]) {
      const std::string c = get_string(root["calibration"], "calibration");
      if (c != "per-layer" && c != "per-channel")
        fail(root["calibration"], "calibration", fmt::format("unknown calibration '{}' (per-layer or per-channel)", c));
      net.per_channel_calibration = c == "per-channel";
    }
    if (!root["input"]) fail(root, "input", "missing required key (the input image: channels, height, width)");
    const YAML::Node in = root["input"];
    check_keys(in, "input", {"channels", "height", "width"});
    for (const char* k : {"channels", "height", "width"})
      if (!in[k]) fail(in, std::string("input.") + k, "missing required key");
    net.input = {int(get_int(in["channels"], "input.channels", 1, 65535)),
                 int(get_int(in["height"], "input.height", 1, 65535)),
                 int(get_int(in["width"], "input.width", 1, 65535))};
    if (net.input.size() > kMaxActivationValues)
      fail(in, "input", fmt::format("{}x{}x{} (CxHxW) is {} values; an image has at most {}", net.input.c, net.input.h,
                                    net.input.w, net.input.size(), kMaxActivationValues));
    if (!root["layers"] || !root["layers"].IsSequence() || root["layers"].size() == 0)
      fail(root["layers"] ? root["layers"] : root, "layers", "expected a non-empty list of layers");
    const YAML::Node layers = root["layers"];
    for (size_t i = 0; i < layers.size(); ++i) net.layers.push_back(layer(net, layers[i], i));
    return net;
  }

 private:
  Layer layer(const Network& net, const YAML::Node& n, size_t i) {
    std::string path = fmt::format("layers.{}", i);
    check_keys(n, path, {"name", "paper", "op", "input", "out_channels", "kernel", "stride",
                         "padding", "global", "relu", "quant", "rounding"});
    Layer l;
    l.where = at(n);
    if (!n["name"]) fail(n, path + ".name", "missing required key");
    l.name = get_string(n["name"], path + ".name");
    if (l.name.empty() || l.name == "input") fail(n["name"], path + ".name", "'" + l.name + "' is not a layer name");
    if (l.name.size() > kMaxLayerName)
      fail(n["name"], path + ".name",
           fmt::format("'{}' has {} characters; layer names have at most {} (the mapping and weights formats keep "
                       "that many)",
                       l.name, l.name.size(), kMaxLayerName));
    if (net.index(l.name) >= 0) fail(n["name"], path + ".name", fmt::format("layer '{}' is defined twice", l.name));
    path = "layers." + l.name;
    if (n["paper"]) l.paper = get_string(n["paper"], path + ".paper");
    if (!n["op"]) fail(n, path + ".op", "missing required key (conv, fc, maxpool, avgpool, add, dwconv)");
    std::string op = get_string(n["op"], path + ".op");
    static const std::map<std::string, Op> ops = {{"conv", Op::Conv}, {"fc", Op::FC}, {"maxpool", Op::MaxPool},
                                                  {"avgpool", Op::AvgPool}, {"add", Op::Add},
                                                  {"dwconv", Op::DwConv}};
    auto it = ops.find(op);
    if (it == ops.end()) {
      std::vector<std::string> names;
      for (const auto& kv : ops) names.push_back(kv.first);
      std::string hint = closest_match(op, names);
      fail(n["op"], path + ".op", fmt::format("unknown op '{}'{}", op, hint.empty() ? fmt::format(" (one of {})", fmt::join(names, ", ")) : fmt::format(" (did you mean '{}'?)", hint)));
    }
    l.op = it->second;

    // Inputs: by default the previous layer (or the image for the first).
    std::vector<std::pair<std::string, YAML::Node>> in_names;
    if (n["input"]) {
      const YAML::Node in = n["input"];
      if (in.IsSequence())
        for (const auto& e : in) in_names.push_back({get_string(e, path + ".input"), e});
      else
        in_names.push_back({get_string(in, path + ".input"), in});
    }
    if (in_names.empty()) {
      l.inputs.push_back(net.layers.empty() ? -1 : int(net.layers.size()) - 1);
    } else {
      for (const auto& [name, node] : in_names) {
        if (name == "input") { l.inputs.push_back(-1); continue; }
        int idx = net.index(name);
        if (idx < 0) {
          std::vector<std::string> names{"input"};
          for (const auto& p : net.layers) names.push_back(p.name);
          std::string hint = closest_match(name, names);
          fail(node, path + ".input", fmt::format("unknown layer '{}'{} (inputs must be defined earlier)", name,
                                                  hint.empty() ? "" : fmt::format(", did you mean '{}'?", hint)));
        }
        l.inputs.push_back(idx);
      }
    }
    size_t want = l.op == Op::Add ? 2 : 1;
    if (l.inputs.size() != want)
      fail(n["input"] ? n["input"] : n, path + ".input", fmt::format("{} takes {} input(s), found {}", op, want, l.inputs.size()));
    auto shape_of = [&](int idx) { return idx < 0 ? net.input : net.layers[size_t(idx)].out; };
    l.in = shape_of(l.inputs[0]);

    auto opt_int = [&](const char* key, int64_t lo, int64_t hi, int64_t dflt) {
      return n[key] ? get_int(n[key], path + "." + key, lo, hi) : dflt;
    };
    auto forbid = [&](std::initializer_list<const char*> keys) {
      for (const char* k : keys)
        if (n[k]) fail(n[k], path + "." + k, fmt::format("not a parameter of op '{}'", op));
    };
    l.relu = n["relu"] ? get_bool(n["relu"], path + ".relu") : false;
    if (l.analog()) {
      if (!n["out_channels"]) fail(n, path + ".out_channels", "missing required key");
      l.out_channels = int(get_int(n["out_channels"], path + ".out_channels", 1, 65535));
    } else {
      forbid({"out_channels"});
    }
    if (l.op == Op::FC || l.op == Op::Add) forbid({"kernel", "stride", "padding"});
    if (l.op != Op::AvgPool) forbid({"global"});
    if (!l.weighted() && l.op != Op::Add) forbid({"quant"});
    if (l.op != Op::AvgPool) forbid({"rounding"});
    if (l.op == Op::MaxPool || l.op == Op::AvgPool) forbid({"relu"});

    switch (l.op) {
      case Op::Conv:
      case Op::DwConv:
      case Op::MaxPool:
      case Op::AvgPool: {
        l.global = n["global"] ? get_bool(n["global"], path + ".global") : false;  // avgpool only (forbidden above)
        if (l.global) {
          forbid({"kernel", "stride", "padding"});
          if (l.in.h != l.in.w) fail(n["global"], path + ".global", fmt::format("a global pool needs a square input, found {}x{}", l.in.h, l.in.w));
          l.kernel = l.in.h, l.stride = 1, l.padding = 0;
        } else {
          if (!n["kernel"]) fail(n, path + ".kernel", "missing required key");
          l.kernel = int(get_int(n["kernel"], path + ".kernel", 1, 255));
          l.stride = int(opt_int("stride", 1, 255, 1));
          l.padding = int(opt_int("padding", 0, l.kernel - 1, 0));
        }
        int oh = (l.in.h + 2 * l.padding - l.kernel) / l.stride + 1;
        int ow = (l.in.w + 2 * l.padding - l.kernel) / l.stride + 1;
        if (l.in.h + 2 * l.padding < l.kernel || l.in.w + 2 * l.padding < l.kernel)
          fail(n, path, fmt::format("kernel {} is larger than the padded input {}x{}", l.kernel, l.in.h + 2 * l.padding, l.in.w + 2 * l.padding));
        l.out = {l.op == Op::Conv ? l.out_channels : l.in.c, oh, ow};
        break;
      }
      case Op::FC:
        l.out = {l.out_channels, 1, 1};
        break;
      case Op::Add: {
        Shape b = shape_of(l.inputs[1]);
        if (b.c != l.in.c || b.h != l.in.h || b.w != l.in.w)
          fail(n["input"], path + ".input", fmt::format("add needs equal shapes, found {}x{}x{} and {}x{}x{} (CxHxW)",
                                                       l.in.c, l.in.h, l.in.w, b.c, b.h, b.w));
        l.out = l.in;
        break;
      }
    }
    // Sizes the host allocates per image and per layer, checked before anything is.
    if (l.out.size() > kMaxActivationValues)
      fail(n, path, fmt::format("output {}x{}x{} (CxHxW) is {} values; a layer's output has at most {}", l.out.c,
                                l.out.h, l.out.w, l.out.size(), kMaxActivationValues));
    if (l.weights() > kMaxLayerWeights)
      fail(n, path, fmt::format("{} x {} = {} weights; a layer has at most {}", l.rows(), l.cols(), l.weights(),
                                kMaxLayerWeights));
    if (n["quant"]) {
      const YAML::Node q = n["quant"];
      if (l.op == Op::Add) {
        check_keys(q, path + ".quant", {"mult_a", "mult_b", "shift", "act_max", "act_min"});
        if (q["mult_a"]) l.quant.mult_a = int32_t(get_int(q["mult_a"], path + ".quant.mult_a", 0, 32767));
        if (q["mult_b"]) l.quant.mult_b = int32_t(get_int(q["mult_b"], path + ".quant.mult_b", 0, 32767));
        if (q["shift"]) l.quant.shift = int(get_int(q["shift"], path + ".quant.shift", 0, 31));
      } else {
        if (l.op == Op::DwConv)  // digital: no ADC
          check_keys(q, path + ".quant", {"mult", "shift", "act_max", "act_min"});
        else
          check_keys(q, path + ".quant", {"adc_shift", "mult", "shift", "act_max", "act_min"});
        if (q["adc_shift"]) l.quant.adc_shift = int(get_int(q["adc_shift"], path + ".quant.adc_shift", 0, 31));
        if (q["mult"]) l.quant.mult = int32_t(get_int(q["mult"], path + ".quant.mult", 1, INT32_MAX));
        if (q["shift"]) l.quant.shift = int(get_int(q["shift"], path + ".quant.shift", 0, 62));
      }
      if (q["act_max"]) l.quant.act_max = int(get_int(q["act_max"], path + ".quant.act_max", l.relu ? 0 : -128, 127));
      if (q["act_min"])  // Clip's lower bound: above the ReLU floor (or -128), at most the upper bound
        l.quant.act_min = int(get_int(q["act_min"], path + ".quant.act_min", l.relu ? 0 : -128, l.quant.act_max));
    }
    if (n["rounding"]) {
      const std::string r = get_string(n["rounding"], path + ".rounding");
      if (r == "half_even")
        l.avg_rounding = 1;  // NM_AVG_HALF_EVEN
      else if (r != "half_up")
        fail(n["rounding"], path + ".rounding", fmt::format("unknown rounding '{}' (half_up or half_even)", r));
    }
    return l;
  }

  std::string origin_;
};

}  // namespace

Network Network::from_string(const std::string& text, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError({origin, e.mark.line + 1, e.mark.column + 1}, "", "YAML syntax: " + e.msg);
  }
  return Reader(origin).read(root);
}

Network Network::load(const std::string& path) { return from_string(read_input_file(path, "network file"), path); }

}  // namespace vp::map
