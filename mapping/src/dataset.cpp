#include "dataset.hpp"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include <fmt/format.h>

namespace vp::map {

std::string dataset_dir(const std::string& name_or_dir) {
  if (name_or_dir == "fashion-mnist") return "/usr/share/datasets/fashion-mnist";
  return name_or_dir;
}

namespace {

// The whole of an IDX file, gunzipped when its name ends in .gz (the first of
// `base`.gz and `base` that exists).
std::string read_idx(const std::string& dir, const std::string& base) {
  for (const std::string& path : {dir + "/" + base + ".gz", dir + "/" + base}) {
    if (!std::ifstream(path)) continue;
    gzFile f = gzopen(path.c_str(), "rb");  // reads plain files unchanged too
    if (!f) throw DatasetError(fmt::format("{}: cannot open", path));
    std::string out;
    char buf[1 << 16];
    int n;
    while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, size_t(n));
    const bool bad = n < 0;
    gzclose(f);
    if (bad) throw DatasetError(fmt::format("{}: not a readable gzip file", path));
    return out;
  }
  throw DatasetError(fmt::format("{}: no {}.gz or {} (a data set folder holds the MNIST-format test files)", dir,
                                 base, base));
}

uint32_t be32(const std::string& s, size_t at) {
  return uint32_t(uint8_t(s[at])) << 24 | uint32_t(uint8_t(s[at + 1])) << 16 | uint32_t(uint8_t(s[at + 2])) << 8 |
         uint32_t(uint8_t(s[at + 3]));
}

}  // namespace

Dataset load_test_set(const std::string& name_or_dir, int n) {
  Dataset d;
  d.dir = dataset_dir(name_or_dir);
  const std::string img = read_idx(d.dir, "t10k-images-idx3-ubyte"), lab = read_idx(d.dir, "t10k-labels-idx1-ubyte");
  if (img.size() < 16 || be32(img, 0) != 0x803)
    throw DatasetError(fmt::format("{}/t10k-images-idx3-ubyte: not an IDX file of uint8 images", d.dir));
  if (lab.size() < 8 || be32(lab, 0) != 0x801)
    throw DatasetError(fmt::format("{}/t10k-labels-idx1-ubyte: not an IDX file of uint8 labels", d.dir));
  const uint64_t count = be32(img, 4), rows = be32(img, 8), cols = be32(img, 12);
  if (count != be32(lab, 4) || img.size() != 16 + count * rows * cols || lab.size() != 8 + count)
    throw DatasetError(fmt::format("{}: the test images and labels disagree in count or size", d.dir));
  if (n < 1 || uint64_t(n) > count)
    throw DatasetError(fmt::format("{}: {} images asked, the test set has {}", d.dir, n, count));
  d.rows = int(rows), d.cols = int(cols);
  for (int i = 0; i < n; ++i) {
    const auto* p = reinterpret_cast<const uint8_t*>(img.data()) + 16 + uint64_t(i) * rows * cols;
    d.images.emplace_back(p, p + rows * cols);
    d.labels.push_back(uint8_t(lab[8 + size_t(i)]));
  }
  return d;
}

Tensor dataset_image(const Network& net, const Dataset& d, int i) {
  if (net.input.c != 1 || net.input.h != d.rows || net.input.w != d.cols)
    throw DatasetError(fmt::format("{}: images are 1x{}x{}, network {} takes {}x{}x{} (CxHxW)", d.dir, d.rows, d.cols,
                                   net.name, net.input.c, net.input.h, net.input.w));
  if (!(net.input_scale > 0))
    throw DatasetError(fmt::format("network {} ({}) has no input_scale: its input's quantization is unknown", net.name,
                                   net.origin));
  Tensor t(net.input);
  const auto& px = d.images.at(size_t(i));
  for (size_t k = 0; k < px.size(); ++k)
    t.data[k] = int8_t(std::clamp(std::nearbyint(double(px[k]) / 255.0 / net.input_scale), -128.0, 127.0));
  return t;
}

std::vector<int> load_predictions(const std::string& path, int n) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw DatasetError(fmt::format("{}: cannot read the float model's predictions", path));
  std::vector<int> out;
  char c;
  while (int(out.size()) < n && f.get(c)) out.push_back(uint8_t(c));
  if (int(out.size()) < n)
    throw DatasetError(fmt::format("{}: {} predictions, {} images asked", path, out.size(), n));
  return out;
}

}  // namespace vp::map
