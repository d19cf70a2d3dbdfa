// The dataflow runtime (firmware/dataflow/runtime.c) on one cluster: the host
// maps a one-layer network with the real mapper, places the mapping binary,
// the weights file and a batch of images in the HBM, writes the boot record,
// and the firmware (dataflow.elf) must produce the golden reference's output
// for every image, bit for bit, with exactly one MVM per output pixel.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>

#include <unistd.h>

#include "cluster_harness.hpp"
#include "config/config.hpp"
#include "dataflow/boot.h"
#include "mapper.hpp"
#include "mapping_binary.hpp"
#include "params.hpp"
#include "reference.hpp"

using namespace vp::map;

namespace {

std::vector<uint8_t> weights_file(const Network& net, const Params& p) {
  const std::string path = std::string(VP_TEST_BINARY_DIR) + "/df_weights_" + std::to_string(::getpid()) + ".bin";
  save_params(net, p, path);
  std::ifstream f(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::remove(path.c_str());
  return bytes;
}

struct Outcome {
  dftest::RunResult run;
  size_t mismatches = 0, checked = 0;
  uint64_t mvms = 0;
};

// Maps `net_text` on cluster-1, runs `batch` seeded images through the
// dataflow firmware and compares the last layer with the reference.
Outcome run_network(const std::string& net_text, int batch, uint64_t seed = 3) {
  Network net = Network::from_string(net_text, "test.yaml");
  auto cfg = vp::Config::load("cluster-1");
  ImaParams ima = ImaParams::from(cfg);
  Params params = generate_params(net, ima, seed);
  Mapping m = map_network(net, cfg, Mode::Naive);
  auto bin = encode_mapping(m, net, &params);
  auto wgt = weights_file(net, params);

  dftest::FlatStore mem;
  const uint64_t hbm = uint64_t(cfg.get_int("memory_map.hbm_base"));
  int64_t end = 0, input = -1, output = -1;
  const int last = int(net.layers.size()) - 1;
  for (const auto& r : m.hbm) {
    end = std::max(end, r.offset + r.size);
    if (r.layer == -1) input = r.offset;
    if (r.layer == last) output = r.offset;
  }
  REQUIRE(input >= 0);
  REQUIRE(output >= 0);
  // The mapping and the weights go after the mapper's HBM regions.
  const uint64_t map_at = hbm + ((uint64_t(end) + 0xFFF) & ~uint64_t(0xFFF));
  const uint64_t wgt_at = map_at + ((bin.size() + 0xFFF) & ~size_t(0xFFF));
  mem.write(map_at, bin.data(), bin.size());
  mem.write(wgt_at, wgt.data(), wgt.size());
  std::vector<std::vector<Tensor>> want;
  for (int i = 0; i < batch; ++i) {
    Tensor img = make_image(net, seed, i);
    mem.write(hbm + uint64_t(input) + uint64_t(i) * img.data.size(), img.data.data(), img.data.size());
    want.push_back(Reference(net, params, ima).run(img));
  }
  df_boot_t boot;
  std::memset(&boot, 0, sizeof boot);
  boot.magic = DF_BOOT_MAGIC, boot.version = DF_BOOT_VERSION;
  boot.mapping = uint32_t(map_at), boot.mapping_bytes = uint32_t(bin.size());
  boot.weights = uint32_t(wgt_at), boot.weights_bytes = uint32_t(wgt.size());
  boot.hbm_base = uint32_t(hbm), boot.batch = uint32_t(batch);
  boot.dac_bits = uint16_t(ima.dac_bits), boot.adc_bits = uint16_t(ima.adc_bits);
  std::vector<uint8_t> boot_bytes(sizeof boot);
  std::memcpy(boot_bytes.data(), &boot, sizeof boot);

  Outcome o;
  o.run = dftest::run_cluster("dataflow", mem, {}, 100.0, {{DF_BOOT_SYMBOL, boot_bytes}});
  const Layer& l = net.layers[size_t(last)];
  for (int i = 0; i < batch; ++i) {
    auto got = mem.read_vec<int8_t>(hbm + uint64_t(output) + uint64_t(i) * uint64_t(l.out.size()), size_t(l.out.size()));
    const auto& w = want[size_t(i)][size_t(last)].data;
    for (size_t k = 0; k < w.size(); ++k) {
      if (got[k] != w[k] && o.mismatches < 8)  // where, for the log
        std::cout << "mismatch image " << i << " y " << k / l.out.c / l.out.w << " x " << (k / l.out.c) % l.out.w
                  << " c " << k % l.out.c << ": " << int(got[k]) << " != " << int(w[k]) << "\n";
      o.mismatches += got[k] != w[k];
    }
    o.checked += w.size();
  }
  o.mvms = o.run.stats.value("ima_jobs", uint64_t(0));
  std::cout << o.run.console;
  return o;
}

}  // namespace

TEST_CASE("HBM -> conv 3x3/1 pad 1 on one cluster -> HBM, 3 images, bit-exact", "[dataflow][runtime]") {
  // 20 columns in tiles of 8: a narrower last tile; padding on every side.
  auto o = run_network(
      "input: {channels: 16, height: 12, width: 20}\nlayers:\n"
      "  - {name: conv, op: conv, out_channels: 24, kernel: 3, stride: 1, padding: 1, relu: true}\n",
      3);
  INFO(o.run.console << o.run.error);
  REQUIRE(o.run.error.empty());
  CHECK(o.run.exit_code == 0);
  CHECK(o.checked == 3u * 24 * 12 * 20);
  CHECK(o.mismatches == 0);
  CHECK(o.mvms == 3u * 12 * 20);  // one MVM per output pixel, none repeated
}

TEST_CASE("HBM -> conv 3x3/2 pad 1 and odd sizes -> HBM, bit-exact", "[dataflow][runtime]") {
  auto o = run_network(
      "input: {channels: 8, height: 15, width: 23}\nlayers:\n"
      "  - {name: conv, op: conv, out_channels: 20, kernel: 3, stride: 2, padding: 1, relu: false}\n",
      2);
  INFO(o.run.console << o.run.error);
  REQUIRE(o.run.error.empty());
  CHECK(o.run.exit_code == 0);
  CHECK(o.checked == 2u * 20 * 8 * 12);
  CHECK(o.mismatches == 0);
  CHECK(o.mvms == 2u * 8 * 12);
}

TEST_CASE("HBM -> fully connected layer on the crossbar -> HBM, bit-exact", "[dataflow][runtime]") {
  auto o = run_network(
      "input: {channels: 16, height: 4, width: 4}\nlayers:\n"
      "  - {name: fc, op: fc, out_channels: 40, relu: false}\n",
      4);
  INFO(o.run.console << o.run.error);
  REQUIRE(o.run.error.empty());
  CHECK(o.run.exit_code == 0);
  CHECK(o.mismatches == 0);
  CHECK(o.mvms == 4u);
}

TEST_CASE("a cluster without a boot record stops with a clear error", "[dataflow][runtime]") {
  dftest::FlatStore mem;
  auto r = dftest::run_cluster("dataflow", mem);
  INFO(r.console << r.error);
  CHECK(r.exit_code == 10);  // DF_ERR_BOOT
  CHECK_THAT(r.console, Catch::Contains("no boot record"));
}
