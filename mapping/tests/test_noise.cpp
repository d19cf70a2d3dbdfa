// The golden model with crossbar noise (contracts/ima_noise.h): zero noise is
// the ideal model bit for bit, noise changes outputs, and the draws are
// deterministic and independent of the host thread count.
#include <catch2/catch.hpp>

#include "reference.hpp"

using namespace vp::map;

namespace {
Network tiny() { return Network::load(std::string(std::getenv("VP_SOURCE_DIR")) + "/mapping/networks/resnet-tiny.yaml"); }

ima_noise_params noise_on() {
  ima_noise_params n{};
  n.enabled = 1;
  n.seed = 3;
  n.gmax_us = 25.0;
  n.t0_s = 20.0;
  n.drift_s = 86400.0;
  n.t_read_s = 250e-9;
  n.compensate = 1;
  n.prog_scale = n.drift_scale = n.read_scale = 1.0;
  n.adc_noise = 0.005;
  return n;
}
}  // namespace

TEST_CASE("golden model: zero noise equals the ideal model bit for bit", "[noise]") {
  const Network net = tiny();
  ImaParams ideal;
  const Params params = generate_params(net, ideal, 1);
  ImaParams zero = ideal;
  zero.noise = noise_on();
  zero.noise.prog_scale = zero.noise.drift_scale = zero.noise.read_scale = zero.noise.adc_noise = 0;
  const auto a = run_batch(Reference(net, params, ideal), net, 1, 3, 1);
  const auto b = run_batch(Reference(net, params, zero), net, 1, 3, 1);
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t l = 0; l < a[i].size(); ++l) CHECK(a[i][l].data == b[i][l].data);
}

TEST_CASE("golden model: noise is deterministic, seeded and thread-count independent", "[noise]") {
  const Network net = tiny();
  ImaParams ideal;
  const Params params = generate_params(net, ideal, 1);
  ImaParams noisy = ideal;
  noisy.noise = noise_on();
  const Reference ref(net, params, noisy);
  const auto a = run_batch(ref, net, 1, 4, 1);
  const auto b = run_batch(Reference(net, params, noisy), net, 1, 4, 3);
  const auto ideal_out = run_batch(Reference(net, params, ideal), net, 1, 4, 1);
  size_t differ = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].back().data == b[i].back().data);
    for (size_t k = 0; k < a[i].back().data.size(); ++k) differ += a[i].back().data[k] != ideal_out[i].back().data[k];
  }
  CHECK(differ > 0);
  noisy.noise.seed = 4;
  CHECK(run_batch(Reference(net, params, noisy), net, 1, 1, 1)[0].back().data != a[0].back().data);
}
