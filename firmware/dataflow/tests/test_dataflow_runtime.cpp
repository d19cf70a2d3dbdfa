// The dataflow runtime (firmware/dataflow/, runtime.h) on one cluster: the host
// side (platform/workload) maps a one-layer network with the real mapper and
// places the mapping binary, the weights file and a batch of images in the
// HBM, the boot record goes into L1, and the firmware (dataflow.elf) must
// produce the golden reference's output for every image, bit for bit, with
// exactly one MVM per output pixel.
#include <catch2/catch.hpp>

#include <iostream>

#include "cluster_harness.hpp"
#include "workload.hpp"

namespace {

struct Outcome {
  cluster_test::RunResult run;
  vp::workload::CheckResult check;
  uint64_t mvms = 0;
};

Outcome run_network(const std::string& net_text, int batch, uint64_t seed = 3) {
  auto net = vp::map::Network::from_string(net_text, "test.yaml");
  auto cfg = vp::Config::load("cluster-1");
  auto p = vp::workload::prepare(net, cfg, vp::map::Mode::Naive, batch, seed);
  cluster_test::FlatStore mem;
  for (const auto& g : p.global) mem.write(g.addr, g.bytes.data(), g.bytes.size());
  Outcome o;
  o.run = cluster_test::run_cluster("dataflow", mem, {}, 100.0, {{DF_BOOT_SYMBOL, p.boot_bytes()}});
  o.check = vp::workload::check_outputs(p, [&](uint64_t a, void* d, size_t n) { mem.read(a, d, n); });
  o.mvms = o.run.stats.value("ima_jobs", uint64_t(0));
  const double ima_ns = o.run.stats.value("ima_compute_ns", 0.0);
  std::cout << o.run.console << "IMA computing " << ima_ns << " ns of " << o.run.end_ns << " ns\n";
  return o;
}

}  // namespace

TEST_CASE("HBM -> conv 3x3/1 pad 1 on one cluster -> HBM, 3 images, bit-exact", "[dataflow][runtime]") {
  // 20 columns in tiles of 8: a narrower last tile; padding on every side.
  auto o = run_network(
      "input: {channels: 16, height: 12, width: 20}\nlayers:\n"
      "  - {name: conv, op: conv, out_channels: 24, kernel: 3, stride: 1, padding: 1, relu: true}\n",
      3);
  INFO(o.run.console << o.run.error << o.check.first);
  REQUIRE(o.run.error.empty());
  CHECK(o.run.exit_code == 0);
  CHECK(o.check.checked == 3u * 24 * 12 * 20);
  CHECK(o.check.mismatches == 0);
  CHECK(o.mvms == 3u * 12 * 20);  // one MVM per output pixel, none repeated
}

TEST_CASE("HBM -> conv 3x3/2 pad 1 and odd sizes -> HBM, bit-exact", "[dataflow][runtime]") {
  auto o = run_network(
      "input: {channels: 8, height: 15, width: 23}\nlayers:\n"
      "  - {name: conv, op: conv, out_channels: 20, kernel: 3, stride: 2, padding: 1, relu: false}\n",
      2);
  INFO(o.run.console << o.run.error << o.check.first);
  REQUIRE(o.run.error.empty());
  CHECK(o.run.exit_code == 0);
  CHECK(o.check.checked == 2u * 20 * 8 * 12);
  CHECK(o.check.mismatches == 0);
  CHECK(o.mvms == 2u * 8 * 12);
}

TEST_CASE("HBM -> fully connected layer on the crossbar -> HBM, bit-exact", "[dataflow][runtime]") {
  auto o = run_network(
      "input: {channels: 16, height: 4, width: 4}\nlayers:\n"
      "  - {name: fc, op: fc, out_channels: 40, relu: false}\n",
      4);
  INFO(o.run.console << o.run.error << o.check.first);
  REQUIRE(o.run.error.empty());
  CHECK(o.run.exit_code == 0);
  CHECK(o.check.checked == 4u * 40);
  CHECK(o.check.mismatches == 0);
  CHECK(o.mvms == 4u);
}

TEST_CASE("a cluster without a boot record stops with a clear error", "[dataflow][runtime]") {
  cluster_test::FlatStore mem;
  auto r = cluster_test::run_cluster("dataflow", mem);
  INFO(r.console << r.error);
  // A refusal is a firmware fault naming the core, its pc, the code (DF_ERR_BOOT) and the message.
  CHECK_THAT(r.error, Catch::Contains("(cluster 0, core 0): firmware fault (code 10) at pc 0x1c"));
  CHECK_THAT(r.error, Catch::Contains(": cluster 0: dataflow: no boot record"));
}

TEST_CASE("weights that do not match the mapping are a located error", "[dataflow][runtime]") {
  auto net = vp::map::Network::from_string(
      "input: {channels: 16, height: 4, width: 4}\nlayers:\n  - {name: fc, op: fc, out_channels: 40}\n", "t.yaml");
  auto cfg = vp::Config::load("cluster-1");
  auto p = vp::workload::prepare(net, cfg, vp::map::Mode::Naive, 1, 1);
  p.global[1].bytes[16] = 'x';  // the record's layer name
  cluster_test::FlatStore mem;
  for (const auto& g : p.global) mem.write(g.addr, g.bytes.data(), g.bytes.size());
  auto r = cluster_test::run_cluster("dataflow", mem, {}, 100.0, {{DF_BOOT_SYMBOL, p.boot_bytes()}});
  INFO(r.console << r.error);
  CHECK_THAT(r.error, Catch::Contains("firmware fault (code 13)"));  // DF_ERR_WEIGHTS
  CHECK_THAT(r.error, Catch::Contains(": cluster 0: dataflow: weights record 0 is xc"));
}

TEST_CASE("HBM -> max-pool 3x3/2 pad 1 -> HBM, 5 images, bit-exact", "[dataflow][runtime]") {
  auto o = run_network(
      "input: {channels: 16, height: 12, width: 20}\nlayers:\n"
      "  - {name: mp, op: maxpool, kernel: 3, stride: 2, padding: 1}\n",
      5);
  INFO(o.run.console << o.run.error << o.check.first);
  REQUIRE(o.run.error.empty());
  CHECK(o.run.exit_code == 0);
  CHECK(o.check.checked == 5u * 16 * 6 * 10);
  CHECK(o.check.mismatches == 0);
  CHECK(o.run.stats.value("dma_transfers", uint64_t(0)) >= 2u * 5 * 2);  // a window in and a tile out per tile
}

TEST_CASE("HBM -> global average pool -> HBM, bit-exact", "[dataflow][runtime]") {
  auto o = run_network(
      "input: {channels: 64, height: 8, width: 8}\nlayers:\n"
      "  - {name: gap, op: avgpool, global: true}\n",
      3);
  INFO(o.run.console << o.run.error << o.check.first);
  REQUIRE(o.run.error.empty());
  CHECK(o.run.exit_code == 0);
  CHECK(o.check.checked == 3u * 64);
  CHECK(o.check.mismatches == 0);
}
