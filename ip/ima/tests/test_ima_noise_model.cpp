// The IMA with cluster.ima.noise on: its outputs are ima_mvm_noisy() of the
// block it programs (the function the golden model uses), with 32-bit
// outputs so nothing is lost; with every source at zero they are ima_mvm().
#include <catch2/catch.hpp>

#include <random>

#include "ima_bench.hpp"
#include "ima_noise.h"

using namespace imatest;

namespace {

void check(const std::vector<std::string>& ov, bool ideal) {
  Bench tb("tb", vp::Config::load("cluster-1", ov));
  const unsigned R = tb.ima.rows(), C = tb.ima.cols();
  std::mt19937 g(21);
  std::vector<int8_t> w(size_t(R) * C), in(4 * 100);
  for (auto& v : w) v = int8_t(g());
  for (auto& v : in) v = int8_t(g());
  tb.ima.load_weights(0, 0, R, C, w.data());
  tb.l1.write(0x100, reinterpret_cast<const uint8_t*>(in.data()), in.size());
  JobRegs j;
  j.src = kL1 + 0x100, j.src_stride = 100, j.dst = kL1 + 0x4000, j.dst_stride = 4 * 40;
  j.row0 = 30, j.rows = 100, j.col0 = 7, j.cols = 40, j.jobs = 4, j.out_size = 4;
  tb.body = [&] {
    tb.trigger(j);
    tb.wait_idle();
  };
  sc_start();
  const ima_noise_params p = vp::bind_ima_noise(vp::Config::load("cluster-1", ov));
  std::vector<int32_t> weff(size_t(j.rows) * j.cols), want(j.cols);
  std::vector<uint64_t> var(weff.size()), keys(j.rows);
  // Per-crossbar compensation: reference reads of the job's columns over all the crossbar's rows.
  double comp = ima_noise_compensation(&p);
  if (p.compensate == IMA_NOISE_COMP_MEASURED) {
    std::vector<int64_t> scratch(2 * size_t(j.cols));
    comp = ima_noise_measured_compensation(&p, w.data() + j.col0, C, R, j.cols, 0, scratch.data());
    if (p.drift_scale > 0 && p.drift_s > 0) CHECK(comp > 1.0);  // drift lowers the conductances: the scale restores them
  }
  ima_noise_program_block_comp(&p, w.data() + size_t(j.row0) * C + j.col0, C, j.rows, j.cols, comp, weff.data(),
                               var.data(), keys.data());
  const unsigned adc = unsigned(vp::Config::load("cluster-1", ov).get_int("cluster.ima.adc_bits"));
  for (unsigned k = 0; k < j.jobs; ++k) {
    if (ideal)
      ima_mvm(w.data() + size_t(j.row0) * C, C, j.rows, j.col0, j.cols, in.data() + k * 100, 8, adc, 0, want.data());
    else
      ima_mvm_noisy(&p, weff.data(), var.data(), keys.data(), j.rows, j.cols, in.data() + k * 100, 8, adc, 0,
                    want.data());
    std::vector<int32_t> got(j.cols);
    std::memcpy(got.data(), tb.l1.data() + 0x4000 + k * j.dst_stride, 4 * j.cols);
    CHECK(got == want);
  }
}

}  // namespace

TEST_CASE("IMA with noise computes the shared noisy MVM", "[ima][noise]") {
  check({"cluster.ima.adc_bits=16", "cluster.ima.noise.enabled=true", "cluster.ima.noise.drift_time=1month",
         "cluster.ima.noise.adc_noise=0.01"},
        false);
}

TEST_CASE("IMA with noise and the global drift compensation computes the shared noisy MVM", "[ima][noise]") {
  check({"cluster.ima.adc_bits=16", "cluster.ima.noise.enabled=true", "cluster.ima.noise.drift_time=1y",
         "cluster.ima.noise.compensation_method=global"},
        false);
}

TEST_CASE("IMA with every noise source at zero is the ideal IMA bit for bit", "[ima][noise]") {
  check({"cluster.ima.adc_bits=16", "cluster.ima.noise.enabled=true", "cluster.ima.noise.prog_noise_scale=0",
         "cluster.ima.noise.drift_scale=0", "cluster.ima.noise.read_noise_scale=0", "cluster.ima.noise.adc_noise=0"},
        true);
}
