// Host side of the dataflow firmware: see workload.hpp.
#include "workload.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>
#include <unistd.h>

#include "mapping_binary.hpp"
#include "params/ip_params.hpp"
#include "dataset.hpp"
#include "reference.hpp"
#include "reload.hpp"

namespace vp::workload {

namespace {

uint64_t align4k(uint64_t v) { return (v + 0xFFF) & ~uint64_t(0xFFF); }

// The weights file (mapping/docs/binary-format.md, VPWT) as bytes.
std::vector<uint8_t> weights_bytes(const map::Network& net, const map::Params& p) {
  const std::string bytes = map::weights_file_bytes(net, p);
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

}  // namespace

std::vector<uint8_t> Prepared::boot_bytes() const {
  std::vector<uint8_t> b(sizeof boot);
  std::memcpy(b.data(), &boot, sizeof boot);
  return b;
}

map::Tensor Prepared::image(int i) const {
  return images.empty() ? map::make_image(net, seed, i) : images.at(size_t(i));
}

Prepared prepare(const map::Network& net, const Config& cfg, map::Mode mode, int batch, uint64_t seed,
                 map::CostParams cost, const std::string& dataset, bool reload) {
  Prepared p;
  p.net = net;
  p.ima = map::ImaParams::from(cfg, net);  // each analog layer's crossbar (mixed sizes)
  p.ima.noise = bind_ima_noise(cfg);
  cost.batch = batch;
  // Mapping first: a network that does not fit is refused before its weights
  // are generated (which costs time and memory in proportion to its size).
  std::vector<map::HbmBuffer> hbm_regions;
  map::ReloadMapping rm;
  if (reload) {
    rm = map::map_reload(p.net, cfg, cost);
    p.reload = true;
    p.groups = rm.groups;
    p.mapping = rm.groups.at(0);
    p.mapping.images_per_s = rm.plan.images_per_s;  // the cost model's, for the whole batch
    hbm_regions = rm.hbm;
  } else {
    p.mapping = map::map_network(p.net, cfg, mode, cost);
    hbm_regions = p.mapping.hbm;
  }
  p.params = map::network_params(p.net, p.ima, seed);
  p.batch = batch;
  p.seed = seed;
  if (!dataset.empty()) {
    const map::Dataset d = map::load_test_set(dataset, batch);
    p.dataset = d.dir;
    for (int i = 0; i < batch; ++i) p.images.push_back(map::dataset_image(p.net, d, i));
    p.labels = d.labels;
    if (!p.net.float_predictions_file.empty())
      p.float_predictions = map::load_predictions(p.net.float_predictions_file, batch);
  }
  const uint64_t hbm = uint64_t(cfg.get_int("memory_map.hbm_base"));
  const int last = int(p.net.layers.size()) - 1;
  int64_t end = 0, input = -1, output = -1;
  for (const auto& r : hbm_regions) {
    end = std::max(end, r.offset + r.size);
    if (r.layer == -1) input = r.offset;
    if (r.layer == last) output = r.offset;
  }
  if (input < 0 || output < 0)
    throw std::runtime_error(fmt::format("mapping of {} has no HBM input or output region", p.net.name));
  auto bin = reload ? map::encode_reload(rm, p.net, p.params) : map::encode_mapping(p.mapping, p.net, &p.params);
  if (reload) {  // the firmware's records of the groups, after the file (vprl_stat_t)
    p.reload_stats_at = bin.size();
    bin.resize(bin.size() + rm.groups.size() * sizeof(vprl_stat_t), 0);
  }
  auto wgt = weights_bytes(p.net, p.params);
  const uint64_t map_at = hbm + align4k(uint64_t(end)), wgt_at = map_at + align4k(bin.size());
  p.global.push_back({map_at, std::move(bin)});
  p.global.push_back({wgt_at, std::move(wgt)});
  for (int i = 0; i < batch; ++i) {
    map::Tensor img = p.image(i);
    p.global.push_back({hbm + uint64_t(input) + uint64_t(i) * img.data.size(),
                        std::vector<uint8_t>(img.data.begin(), img.data.end())});
  }
  p.output_addr = hbm + uint64_t(output);
  df_boot_t& b = p.boot;
  std::memset(&b, 0, sizeof b);
  b.magic = DF_BOOT_MAGIC, b.version = DF_BOOT_VERSION;
  b.mapping = uint32_t(map_at), b.mapping_bytes = uint32_t(p.global[0].bytes.size());
  if (reload) {  // the firmware points `mapping` at each group's in turn
    vprl_header_t h;
    vprl_group_t g0;
    std::memcpy(&h, p.global[0].bytes.data(), sizeof h);
    std::memcpy(&g0, p.global[0].bytes.data() + h.group_offset, sizeof g0);
    b.reload = uint32_t(map_at);
    p.reload_stats_at += map_at;
    b.mapping = uint32_t(map_at + g0.mapping_offset), b.mapping_bytes = g0.mapping_bytes;
  }
  b.weights = uint32_t(wgt_at), b.weights_bytes = uint32_t(p.global[1].bytes.size());
  b.hbm_base = uint32_t(hbm), b.batch = uint32_t(batch);
  b.dac_bits = uint16_t(p.ima.dac_bits), b.adc_bits = uint16_t(p.ima.adc_bits);
  return p;
}

struct GoldenModel::Refs {
  map::ImaParams ideal_ima;
  map::Reference ref, ideal;
  Refs(const Prepared& p, map::ImaParams ideal_params)
      : ideal_ima(std::move(ideal_params)), ref(p.net, p.params, p.ima), ideal(p.net, p.params, ideal_ima) {}
};

namespace {
map::ImaParams noise_free(map::ImaParams ima) {
  ima.noise.enabled = 0;
  return ima;
}
}  // namespace

GoldenModel::GoldenModel(const Prepared& p) : p_(p), refs_(std::make_unique<Refs>(p, noise_free(p.ima))) {}
GoldenModel::~GoldenModel() = default;

std::optional<GoldenModel::Image> GoldenModel::image(int i, const std::atomic<bool>* cancel) const {
  const size_t layers = p_.net.layers.size(), last = layers - 1;
  const auto input = p_.image(i);
  auto acts = refs_->ref.run(input, cancel);
  if (acts.empty()) return std::nullopt;
  Image g;
  if (p_.ima.noise.enabled != 0) {
    auto ideal_acts = refs_->ideal.run(input, cancel);
    if (ideal_acts.empty()) return std::nullopt;
    g.err_sum.assign(layers, 0.0), g.err_max.assign(layers, 0.0), g.err_n.assign(layers, 0);
    for (size_t li = 0; li < last; ++li)
      for (size_t k = 0; k < acts[li].data.size(); ++k) {
        const double e = std::abs(int(acts[li].data[k]) - int(ideal_acts[li].data[k]));
        g.err_sum[li] += e;
        g.err_max[li] = std::max(g.err_max[li], e);
        ++g.err_n[li];
      }
    g.ideal = std::move(ideal_acts[last].data);
  }
  g.want = std::move(acts[last].data);
  return g;
}

Golden GoldenModel::combine(std::vector<Image> images) const {
  Golden g;
  const size_t layers = p_.net.layers.size();
  g.err_sum.assign(layers, 0.0), g.err_max.assign(layers, 0.0), g.err_n.assign(layers, 0);
  for (Image& im : images) {
    for (size_t li = 0; li < im.err_n.size(); ++li) {
      g.err_sum[li] += im.err_sum[li];
      g.err_max[li] = std::max(g.err_max[li], im.err_max[li]);
      g.err_n[li] += im.err_n[li];
    }
    if (p_.ima.noise.enabled != 0) g.ideal.push_back(std::move(im.ideal));
    g.want.push_back(std::move(im.want));
  }
  return g;
}

Golden golden_outputs(const Prepared& p, const std::atomic<bool>* cancel) {
  const GoldenModel model(p);
  std::vector<GoldenModel::Image> images;
  for (int i = 0; i < p.batch; ++i) {
    auto im = model.image(i, cancel);
    if (!im) {
      Golden g;
      g.cancelled = true;
      return g;
    }
    images.push_back(std::move(*im));
  }
  return model.combine(std::move(images));
}

CheckResult check_outputs(const Prepared& p, const std::function<void(uint64_t, void*, size_t)>& read) {
  return check_outputs(p, golden_outputs(p), read);
}

CheckResult check_outputs(const Prepared& p, const Golden& golden,
                          const std::function<void(uint64_t, void*, size_t)>& read) {
  if (golden.cancelled || golden.want.size() != size_t(p.batch))
    throw std::logic_error("check_outputs: the golden outputs are incomplete");
  CheckResult c;
  const size_t last = p.net.layers.size() - 1;
  const map::Layer& l = p.net.layers[last];
  const size_t n = size_t(l.out.size());
  std::vector<int8_t> got(n);
  const bool noisy = p.ima.noise.enabled != 0;
  std::vector<double> err_sum = golden.err_sum, err_max = golden.err_max;
  std::vector<size_t> err_n = golden.err_n;
  int agree = 0, vp_right = 0, golden_right = 0, float_right = 0, ideal_right = 0;
  const auto argmax = [](const std::vector<int8_t>& v) { return std::max_element(v.begin(), v.end()) - v.begin(); };
  for (int i = 0; i < p.batch; ++i) {
    read(p.output_addr + uint64_t(i) * n, got.data(), n);
    const auto& want = golden.want[size_t(i)];
    if (!p.labels.empty()) {
      vp_right += argmax(got) == p.labels[size_t(i)];
      golden_right += argmax(want) == p.labels[size_t(i)];
      if (!p.float_predictions.empty()) float_right += p.float_predictions[size_t(i)] == p.labels[size_t(i)];
    }
    if (noisy) {
      const auto& ideal_last = golden.ideal[size_t(i)];
      agree += argmax(got) == argmax(ideal_last);
      if (!p.labels.empty()) ideal_right += argmax(ideal_last) == p.labels[size_t(i)];
      for (size_t k = 0; k < ideal_last.size(); ++k) {
        const double e = std::abs(int(got[k]) - int(ideal_last[k]));
        err_sum[last] += e;
        err_max[last] = std::max(err_max[last], e);
        ++err_n[last];
      }
    }
    for (size_t k = 0; k < n; ++k) {
      if (got[k] != want[k] && c.mismatches++ == 0)
        c.first = fmt::format("image {} y {} x {} channel {}: {} != expected {}", i, k / size_t(l.out.c) / size_t(l.out.w),
                              (k / size_t(l.out.c)) % size_t(l.out.w), k % size_t(l.out.c), int(got[k]), int(want[k]));
    }
    c.checked += n;
  }
  if (!p.labels.empty() && p.batch > 0) {
    c.accuracy = {{"dataset", p.dataset},
                  {"images", p.batch},
                  {"top1", double(vp_right) / p.batch},
                  {"golden_top1", double(golden_right) / p.batch},
                  {"float_top1", p.float_predictions.empty() ? nlohmann::json() : nlohmann::json(double(float_right) / p.batch)}};
    // With noise, the golden model is the noisy one (the VP equals it); the ideal one beside.
    if (noisy) c.accuracy["ideal_top1"] = double(ideal_right) / p.batch;
  }
  if (noisy && p.batch > 0) {
    c.noise["top1_agreement"] = double(agree) / p.batch;
    c.noise["images"] = p.batch;
    nlohmann::json layers = nlohmann::json::array();
    for (size_t li = 0; li < err_n.size(); ++li)
      layers.push_back({{"layer", p.net.layers[li].name},
                        {"mean_abs_error", err_n[li] ? err_sum[li] / double(err_n[li]) : 0.0},
                        {"max_abs_error", err_max[li]}});
    c.noise["last_layer_mean_abs_error"] = layers.back()["mean_abs_error"];
    c.noise["last_layer_max_abs_error"] = layers.back()["max_abs_error"];
    c.noise["layers"] = std::move(layers);
  }
  return c;
}

}  // namespace vp::workload
