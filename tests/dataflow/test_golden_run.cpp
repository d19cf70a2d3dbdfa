// The golden model beside the simulation (platform/workload/golden_run.hpp):
// whichever thread computes which image, at whatever time get() is called,
// the outputs are golden_outputs()' to the byte, with and without noise; a
// run that never asks for them stops it.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "golden_run.hpp"

namespace {

// Two analog layers on mpaimc-8, so the noise statistics have a layer before the last.
vp::workload::Prepared job(bool noise, int batch) {
  auto net = vp::map::Network::from_string(
      "name: two-conv\ninput: {channels: 16, height: 12, width: 12}\nlayers:\n"
      "  - {name: a, op: conv, out_channels: 24, kernel: 3, stride: 1, padding: 1, relu: true}\n"
      "  - {name: b, op: conv, out_channels: 16, kernel: 3, stride: 1, padding: 1, relu: true}\n",
      "two_conv.yaml");
  std::vector<std::string> set;
  if (noise) set = {"cluster.ima.noise.enabled=true"};
  return vp::workload::prepare(net, vp::Config::load("mpaimc-8", set), vp::map::Mode::Full, batch, 3);
}

void same(const vp::workload::Golden& a, const vp::workload::Golden& b) {
  CHECK_FALSE(a.cancelled);
  CHECK(a.want == b.want);
  CHECK(a.ideal == b.ideal);
  CHECK(a.err_sum == b.err_sum);
  CHECK(a.err_max == b.err_max);
  CHECK(a.err_n == b.err_n);
}

}  // namespace

TEST_CASE("the golden model beside the run gives golden_outputs' bytes whenever it is asked", "[golden]") {
  for (bool noise : {false, true}) {
    auto p = std::make_shared<const vp::workload::Prepared>(job(noise, 6));
    const auto want = vp::workload::golden_outputs(*p);
    REQUIRE(want.want.size() == 6);
    REQUIRE(want.ideal.size() == (noise ? 6u : 0u));
    if (noise) REQUIRE(want.err_n[0] > 0);
    INFO("noise " << noise);
    {  // asked at once: the caller computes most images, the thread maybe one
      vp::workload::GoldenRun run(p);
      same(run.get(), want);
    }
    {  // asked late: the thread has computed some or all
      vp::workload::GoldenRun run(p);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      same(run.get(), want);
    }
  }
}

TEST_CASE("a golden model is cancelled between layers", "[golden]") {
  auto p = std::make_shared<const vp::workload::Prepared>(job(false, 4));
  std::atomic<bool> cancel{true};
  CHECK(vp::workload::golden_outputs(*p, &cancel).cancelled);
  CHECK_FALSE(vp::workload::GoldenModel(*p).image(0, &cancel).has_value());
  cancel = false;
  CHECK(vp::workload::GoldenModel(*p).image(0, &cancel).has_value());
  { vp::workload::GoldenRun unasked(p); }  // cancelled and joined (a hang would time the test out)
}
