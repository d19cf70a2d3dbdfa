#include "params.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/output_file.hpp"

#include <fmt/format.h>

#include "config/area.hpp"
#include "config/cluster_classes.hpp"
#include "numerics.h"
#include "weights_format.h"
#include "reference.hpp"

namespace vp::map {

ImaParams ImaParams::from(const Config& cfg) {
  ImaParams p;
  p.rows = int(cfg.get_int("cluster.ima.rows"));
  p.cols = int(cfg.get_int("cluster.ima.cols"));
  // On a heterogeneous platform: the smallest crossbar of the classes with an
  // IMA (each analog layer's own comes from from(cfg, net)).
  bool first = true;
  for (const auto& cls : cfg.get_string_list("cluster.classes")) {
    if (!cfg.get_bool(class_key(cfg, cls, "ima.present"))) continue;
    const int r = int(cfg.get_int(class_key(cfg, cls, "ima.rows"))), c = int(cfg.get_int(class_key(cfg, cls, "ima.cols")));
    if (first || int64_t(r) * c < int64_t(p.rows) * p.cols) p.rows = r, p.cols = c;
    first = false;
  }
  p.dac_bits = int(cfg.get_int("cluster.ima.dac_bits"));
  p.adc_bits = int(cfg.get_int("cluster.ima.adc_bits"));
  p.weight_bits = int(cfg.get_int("cluster.ima.weight_bits"));
  return p;
}

ImaParams ImaParams::from(const Config& cfg, const Network& net) {
  ImaParams p = from(cfg);
  p.layer_xbar = assign_crossbars(cfg, net);
  return p;
}

std::vector<ImaParams::Crossbar> assign_crossbars(const Config& cfg, const Network& net) {
  using Crossbar = ImaParams::Crossbar;
  // Per crossbar size: its clusters and the least area of one of them; the
  // cheapest cluster of all takes a reduction node.
  struct Size {
    Crossbar xbar;
    int clusters = 0;
    double area = 0;
  };
  std::vector<Size> sizes;
  const AreaParams a = bind_area(cfg);
  double cheapest = -1;
  for (unsigned id = 0; id < unsigned(cfg.get_int("cluster.count")); ++id) {
    const ClusterShape s = bind_cluster_shape(cfg, id);
    const double area = cluster_area(s, a);
    cheapest = cheapest < 0 ? area : std::min(cheapest, area);
    if (!s.ima_rows) continue;
    const Crossbar x{int(s.ima_rows), int(s.ima_cols)};
    auto it = std::find_if(sizes.begin(), sizes.end(), [&](const Size& z) { return z.xbar == x; });
    if (it == sizes.end()) it = sizes.insert(sizes.end(), Size{x, 0, area});
    it->clusters += 1, it->area = std::min(it->area, area);
  }
  if (sizes.size() < 2) return {};
  std::stable_sort(sizes.begin(), sizes.end(), [](const Size& u, const Size& v) {
    return int64_t(u.xbar.rows) * u.xbar.cols < int64_t(v.xbar.rows) * v.xbar.cols;
  });
  const size_t n = net.layers.size();
  auto chunks = [&](const Layer& l, const Size& z) {
    const int64_t r = (l.rows() + z.xbar.rows - 1) / z.xbar.rows, c = (l.cols() + z.xbar.cols - 1) / z.xbar.cols;
    return std::pair<int64_t, int64_t>{r, c};
  };
  auto crossbars = [&](const Layer& l, size_t k) { auto [r, c] = chunks(l, sizes[k]); return r * c; };
  auto cost = [&](const Layer& l, size_t k) {  // the crossbars, and a reduction node per column group of a row split
    auto [r, c] = chunks(l, sizes[k]);
    return double(r * c) * sizes[k].area + (r > 1 ? double(c) * cheapest : 0.0);
  };
  std::vector<int> pick(n, -1);
  std::vector<int64_t> need(sizes.size(), 0);
  for (size_t i = 0; i < n; ++i) {
    const Layer& l = net.layers[i];
    if (!l.analog()) continue;
    size_t best = 0;
    for (size_t k = 1; k < sizes.size(); ++k)
      if (cost(l, k) <= cost(l, best) * (1 + 1e-9)) best = k;  // ties: the larger crossbar, fewer partial sums
    pick[i] = int(best);
    need[best] += crossbars(l, best);
  }
  // A size short of clusters gives up layers: each time the move that costs least.
  for (;;) {
    double least = -1;
    size_t li = 0, to = 0;
    for (size_t i = 0; i < n; ++i) {
      if (pick[i] < 0 || need[size_t(pick[i])] <= sizes[size_t(pick[i])].clusters) continue;
      const Layer& l = net.layers[i];
      for (size_t k = 0; k < sizes.size(); ++k) {
        if (int(k) == pick[i] || need[k] + crossbars(l, k) > sizes[k].clusters) continue;
        const double extra = cost(l, k) - cost(l, size_t(pick[i]));
        if (least < 0 || extra < least) least = extra, li = i, to = k;
      }
    }
    if (least < 0) break;  // fits, or no move helps: the mapper names the shortfall
    need[size_t(pick[li])] -= crossbars(net.layers[li], size_t(pick[li]));
    need[to] += crossbars(net.layers[li], to);
    pick[li] = int(to);
  }
  std::vector<Crossbar> out(n);
  for (size_t i = 0; i < n; ++i)
    if (pick[i] >= 0) out[i] = sizes[size_t(pick[i])].xbar;
  return out;
}

void check_numerics(const Network& net, const ImaParams& ima) {
  // The int32 reduction must be exact: crossbars x largest ADC code < 2^31.
  const double largest = std::ldexp(1.0, std::min(ima.adc_bits, 32) - 1);
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& l = net.layers[i];
    if (l.analog() && double(ima.of(i).row_chunks(l)) * largest >= 2147483648.0)
      throw ConfigError(l.where, "layers." + l.name,
                        fmt::format("{} crossbar partial sums of {}-bit ADC codes can overflow the int32 reduction",
                                    ima.of(i).row_chunks(l), ima.adc_bits));
  }
}

namespace {
// Calibration targets: the rms of a crossbar's ADC code is a quarter of its
// range, and the rms of an activation before ReLU is 32 of int8's 127, so
// 4-sigma values still fit and few values round to zero.
constexpr double kAdcRmsFraction = 0.25;
constexpr double kActivationRms = 32.0;

int log2_round(double v) { return int(std::lround(std::log2(v))); }
}  // namespace

Params generate_params(const Network& net, const ImaParams& ima, uint64_t seed) {
  check_numerics(net, ima);
  Params p;
  p.layers.resize(net.layers.size());
  Tensor image = make_image(net, seed ^ 0xCA11B4A7E5EEDull, 0);
  std::vector<Tensor> acts(net.layers.size());
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& l = net.layers[i];
    LayerParams& lp = p.layers[i];
    const ImaParams xb = ima.of(i);  // this layer's crossbar
    std::vector<const Tensor*> ins;
    std::vector<int32_t> acc;  // a weighted layer's accumulators
    for (int k : l.inputs) ins.push_back(k < 0 ? &image : &acts[size_t(k)]);
    if (l.weighted()) {
      SeededRandom rng(seed + 0x51ED5EEDull * (i + 1));
      lp.weights.resize(size_t(l.weights()));
      // A depthwise layer is digital: full int8 weights whatever the crossbars hold.
      const int wmax = l.analog() ? (1 << (ima.weight_bits - 1)) - 1 : 127;
      for (auto& w : lp.weights) w = rng.int8_in(-wmax, wmax);
      if (l.analog()) {
        // ADC gain: the exact crossbar sums' rms onto a quarter of the ADC range.
        // One pass over the weights: the exact sums, then their ADC codes (adc_accumulate).
        const std::vector<int32_t> raw = analog_partials(l, lp.weights, xb, *ins[0]);
        double sumsq = 0;
        for (int32_t v : raw) sumsq += double(v) * double(v);  // pixel, crossbar, column: the order of before
        double n = double(l.out.size()) * double(xb.row_chunks(l));
        double raw_rms = std::sqrt(sumsq / n);
        double adc_rms = kAdcRmsFraction * std::ldexp(1.0, ima.adc_bits - 1);
        lp.adc_shift = l.quant.adc_shift ? *l.quant.adc_shift
                                         : std::clamp(raw_rms > 0 ? log2_round(raw_rms / adc_rms) : 0, 0, 31);
        acc = adc_accumulate(l, raw, lp.adc_shift, xb);
      } else {
        acc = depthwise_accumulate(l, lp.weights, *ins[0]);  // exact, no ADC: adc_shift stays 0
      }
      // Requantization: the accumulators' rms onto kActivationRms, with a
      // 15-bit multiplier for precision (per layer), or a 31-bit one per
      // output channel (as TFLite's) plus a seeded bias of up to a quarter
      // of the channel's rms.
      const size_t C = size_t(l.cols());
      auto fit = [](double scale, int bits, int32_t* mult, int* shift) {
        *shift = std::clamp(bits - 1 - int(std::floor(std::log2(scale))), 0, 62);
        *mult = int32_t(std::clamp<long long>(std::llround(scale * std::ldexp(1.0, *shift)), 1, INT32_MAX));
      };
      double s = 0;
      for (int32_t a : acc) s += double(a) * double(a);
      double acc_rms = std::sqrt(s / double(acc.size()));
      // A DAC narrower than 8 bits takes activations of its own range: the target rms scales
      // with it (2 of a 4-bit DAC's 7), so the next layer's DAC clips as rarely as at 8 bits.
      const double act_rms = kActivationRms * std::ldexp(1.0, std::min(ima.dac_bits, 8) - 8);
      double scale = acc_rms > 0 ? act_rms / acc_rms : 1.0;
      int shift;
      int32_t mult;
      fit(scale, 15, &mult, &shift);
      lp.shift = l.quant.shift ? *l.quant.shift : shift;
      lp.mult = l.quant.mult ? *l.quant.mult : mult;
      if (net.per_channel_calibration && !l.quant.mult && !l.quant.shift) {
        SeededRandom brng(seed + 0xB1A5ull * (i + 1));
        lp.bias.resize(C), lp.ch_mult.resize(C), lp.ch_shift.resize(C);
        for (size_t c = 0; c < C; ++c) {
          double cs = 0;
          for (size_t k = c; k < acc.size(); k += C) cs += double(acc[k]) * double(acc[k]);
          const double rms = std::sqrt(cs / double(acc.size() / C));
          fit(rms > 0 ? act_rms / rms : 1.0, 31, &lp.ch_mult[c], &lp.ch_shift[c]);
          const int32_t b = int32_t(std::lround(rms / 4));
          lp.bias[c] = b > 0 ? int32_t(int64_t(brng.next() % uint64_t(2 * b + 1)) - b) : 0;
        }
        lp.mult = lp.ch_mult[0], lp.shift = lp.ch_shift[0];
        lp.compact();
      }
    }
    // A weighted layer's output from the accumulators computed above (the calibration image's).
    acts[i] = l.weighted() ? requantize(l, lp, acc) : run_layer(l, lp, xb, ins);
  }
  return p;
}

Params network_params(const Network& net, const ImaParams& ima, uint64_t seed) {
  if (net.weights_file.empty()) return generate_params(net, ima, seed);
  check_numerics(net, ima);
  return load_params(net, net.weights_file);
}

void LayerParams::compact() {
  for (size_t c = 0; c < bias.size(); ++c)
    if (bias[c] != 0 || ch_mult[c] != mult || ch_shift[c] != shift) return;
  bias.clear(), ch_mult.clear(), ch_shift.clear();
}

std::vector<int8_t> crossbar_block(const Layer& l, const LayerParams& p, int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
  if (r0 < 0 || r1 > l.rows() || r0 > r1 || c0 < 0 || c1 > l.cols() || c0 > c1 ||
      p.weights.size() != size_t(l.weights()))
    throw std::invalid_argument(fmt::format("layer {}: block rows [{}, {}) cols [{}, {}) outside its {}x{} weights",
                                            l.name, r0, r1, c0, c1, l.rows(), l.cols()));
  std::vector<int8_t> out;
  out.reserve(size_t((r1 - r0) * (c1 - c0)));
  for (int64_t r = r0; r < r1; ++r)
    out.insert(out.end(), p.weights.begin() + r * l.cols() + c0, p.weights.begin() + r * l.cols() + c1);
  return out;
}

// Weights file: contracts/weights_format.h (VPWT), written field by field in
// little-endian order whatever the host's byte order.
namespace {
void put32(std::string& f, uint32_t v) {
  const char b[4] = {char(uint8_t(v)), char(uint8_t(v >> 8)), char(uint8_t(v >> 16)), char(uint8_t(v >> 24))};
  f.append(b, 4);
}
}  // namespace

static_assert(kMaxLayerName < VPWT_NAME_BYTES, "a layer name and its NUL fit a weights record");

void save_params(const Network& net, const Params& p, const std::string& path) {
  write_output(path, weights_file_bytes(net, p));  // OutputError: vp-map exit 1
}

std::string weights_file_bytes(const Network& net, const Params& p) {
  // Appended to a string sized up front: ResNet-18's 12 MB, a byte stream's
  // per-call cost was ~10 % of the dataflow job's setup.
  std::string f;
  uint32_t n = 0;
  size_t size = 4 * sizeof(uint32_t);
  for (const auto& l : net.layers)
    if (l.weighted()) {
      n += 1;
      size += vpwt_record_bytes(uint32_t(l.rows()), uint32_t(l.cols()));
    }
  f.reserve(size);
  put32(f, VPWT_MAGIC);
  put32(f, VPWT_VERSION);
  put32(f, n);
  put32(f, 0);
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& l = net.layers[i];
    if (!l.weighted()) continue;
    char name[VPWT_NAME_BYTES] = {};
    std::strncpy(name, l.name.c_str(), sizeof name - 1);
    f.append(name, sizeof name);
    const LayerParams& lp = p.layers[i];
    for (uint32_t v : {uint32_t(l.rows()), uint32_t(l.cols()), uint32_t(lp.adc_shift), uint32_t(lp.mult),
                       uint32_t(lp.shift), uint32_t(lp.uniform())})
      put32(f, v);
    f.append(reinterpret_cast<const char*>(lp.weights.data()), lp.weights.size());
    const size_t padded = vpwt_weight_bytes(uint32_t(l.rows()), uint32_t(l.cols()));
    if (padded > lp.weights.size()) f.append(padded - lp.weights.size(), '\0');
    for (size_t c = 0; c < size_t(l.cols()); ++c)
      for (int32_t v : {lp.bias_of(c), lp.mult_of(c), int32_t(lp.shift_of(c))}) put32(f, uint32_t(v));
  }
  return f;
}

Params load_params(const Network& net, const std::string& path) {
  std::istringstream f(read_input_file(path, "weights file"));
  auto where = [&](long off) { return SourceLocation{fmt::format("{}: byte {}", path, off), 0, 0}; };
  auto get32 = [&](const std::string& what) {
    long off = long(f.tellg());
    unsigned char b[4];
    if (!f.read(reinterpret_cast<char*>(b), 4))
      throw ConfigError(where(off), "", fmt::format("file ends inside {}", what));
    return uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
  };
  if (get32("the header") != VPWT_MAGIC) throw ConfigError(where(0), "", "not a weights file (magic is not VPWT)");
  uint32_t version = get32("the header");
  if (version != VPWT_VERSION)
    throw ConfigError(where(4), "", fmt::format("weights format version {} (this tool reads {})", version, VPWT_VERSION));
  uint32_t n = get32("the header");
  get32("the header");
  uint32_t want = 0;
  for (const auto& l : net.layers) want += l.weighted();
  if (n != want)
    throw ConfigError(where(8), "", fmt::format("{} weight records for a network with {} layers with weights", n, want));
  Params p;
  p.layers.resize(net.layers.size());
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& l = net.layers[i];
    if (!l.weighted()) continue;
    long off = long(f.tellg());
    char name[VPWT_NAME_BYTES + 1] = {};
    if (!f.read(name, VPWT_NAME_BYTES)) throw ConfigError(where(off), "", "file ends inside a record name");
    if (l.name != name)
      throw ConfigError(where(off), "", fmt::format("record for layer '{}' where the network has '{}'", name, l.name));
    uint32_t rows = get32("a record"), cols = get32("a record");
    if (rows != l.rows() || cols != l.cols())
      throw ConfigError(where(off), "", fmt::format("layer {}: {}x{} weights where the network needs {}x{}", l.name,
                                                    rows, cols, l.rows(), l.cols()));
    LayerParams& lp = p.layers[i];
    lp.adc_shift = int(get32("a record"));
    lp.mult = int32_t(get32("a record"));
    lp.shift = int(get32("a record"));
    const uint32_t uniform = get32("a record");
    if (lp.adc_shift < 0 || lp.adc_shift > 31 || lp.shift < 0 || lp.shift > 62 || lp.mult < 1 || uniform > 1)
      throw ConfigError(where(off), "", fmt::format("layer {}: adc_shift {}, mult {}, shift {}, uniform {} out of range",
                                                    l.name, lp.adc_shift, lp.mult, lp.shift, uniform));
    lp.weights.resize(size_t(l.weights()));
    if (!f.read(reinterpret_cast<char*>(lp.weights.data()), long(lp.weights.size())))
      throw ConfigError(where(off), "", fmt::format("file ends inside the weights of layer {}", l.name));
    for (size_t k = lp.weights.size(); k < vpwt_weight_bytes(rows, cols); ++k)
      if (f.get() == EOF) throw ConfigError(where(off), "", fmt::format("file ends inside the weights of layer {}", l.name));
    const size_t C = size_t(cols);
    lp.bias.resize(C), lp.ch_mult.resize(C), lp.ch_shift.resize(C);
    const std::string channels = "the channel records of layer " + l.name;
    for (size_t c = 0; c < C; ++c) {
      const long at = long(f.tellg());
      lp.bias[c] = int32_t(get32(channels));
      lp.ch_mult[c] = int32_t(get32(channels));
      lp.ch_shift[c] = int(get32(channels));
      if (lp.ch_mult[c] < 1 || lp.ch_shift[c] < 0 || lp.ch_shift[c] > 62)
        throw ConfigError(where(at), "", fmt::format("layer {} channel {}: mult {}, shift {} out of range (1..2^31-1, 0..62)",
                                                     l.name, c, lp.ch_mult[c], lp.ch_shift[c]));
    }
    lp.compact();
    if (uniform != uint32_t(lp.uniform()))
      throw ConfigError(where(off), "", fmt::format("layer {}: the record says uniform {} but its channels {}", l.name,
                                                    uniform, lp.uniform() ? "are uniform" : "differ"));
  }
  if (f.peek() != EOF) throw ConfigError(where(long(f.tellg())), "", "trailing bytes after the last record");
  return p;
}

}  // namespace vp::map
