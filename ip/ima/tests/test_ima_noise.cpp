// The crossbar noise model of contracts/ima_noise.h against its formulas
// (aihwkit's PCM model, docs/noise.md), on many draws with fixed seeds.
// Tolerances are a few standard errors of the estimate for the draw counts
// used, so a correct model passes and a wrong factor (e.g. a missing sqrt or
// a variance for a sigma) fails.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "config/config.hpp"
#include "config/errors.hpp"
#include "ima_noise.h"
#include "params/ip_params.hpp"

namespace {

ima_noise_params quiet() {  // enabled, every source off
  ima_noise_params p{};
  p.enabled = 1;
  p.seed = 7;
  p.gmax_us = 25.0;
  p.t0_s = 20.0;
  p.drift_s = 0.0;
  p.t_read_s = 250e-9;
  p.compensate = 0;
  return p;
}

struct Stats {
  double n = 0, sum = 0, sumsq = 0;
  void add(double v) { n += 1, sum += v, sumsq += v * v; }
  double mean() const { return sum / n; }
  double sd() const { return std::sqrt(sumsq / n - mean() * mean()); }
};

// Conductances (uS) of many devices programmed to target g.
template <class F>
Stats devices(const ima_noise_params& p, double g, int n, F f) {
  Stats s;
  for (int i = 0; i < n; ++i) {
    double gp, gt, rs;
    ima_noise_device(&p, ima_noise_mix(uint64_t(i) * 977 + 13), g, &gp, &gt, &rs);
    s.add(f(gp, gt, rs));
  }
  return s;
}

}  // namespace

TEST_CASE("noise: the Irwin-Hall Gaussian has mean 0, sigma 1, bounded tails", "[noise]") {
  Stats s;
  int32_t lo = 0, hi = 0;
  for (uint64_t k = 0; k < 200000; ++k) {
    const int32_t z = ima_noise_gauss16(ima_noise_mix(k), unsigned(k % 3));
    s.add(z / 65536.0);
    lo = std::min(lo, z), hi = std::max(hi, z);
  }
  CHECK(std::abs(s.mean()) < 0.01);  // standard error 0.0022
  CHECK(s.sd() == Approx(1.0).epsilon(0.01));
  CHECK(hi <= 6 * 65536);
  CHECK(lo >= -6 * 65536);
}

TEST_CASE("noise: programming noise sigma follows the PCM polynomial", "[noise]") {
  auto p = quiet();
  p.prog_scale = 1.0;
  for (double r : {0.5, 0.8, 1.0}) {
    const double g = r * p.gmax_us;
    const Stats s = devices(p, g, 40000, [](double gp, double, double) { return gp; });
    const double want = 0.26348 + 1.9650 * r - 1.1731 * r * r;  // uS at gmax = 25 uS
    CHECK(s.mean() == Approx(g).margin(0.03));                 // far from the clamp at 0
    CHECK(s.sd() == Approx(want).epsilon(0.02));
  }
  // gmax scales the polynomial (fitted at 25 uS).
  p.gmax_us = 50.0;
  const Stats s = devices(p, 25.0, 40000, [](double gp, double, double) { return gp; });
  CHECK(s.sd() == Approx((0.26348 + 1.9650 * 0.5 - 1.1731 * 0.25) * 2).epsilon(0.02));
}

TEST_CASE("noise: drift exponents have the fitted mean and spread, drift is monotone in time", "[noise]") {
  auto p = quiet();
  p.drift_scale = 1.0;
  p.drift_s = 86400.0;
  const double factor = std::log((p.drift_s + p.t0_s) / p.t0_s);
  // g = 0.01 gmax: mean -0.0155 ln 0.01 + 0.0244 = 0.0958, spread -0.0125 ln 0.01 - 0.0059 = 0.0517 -> 0.045.
  for (auto [r, mu, sd] : {std::tuple{0.5, 0.049, 0.008}, std::tuple{0.01, 0.09578, 0.045}}) {
    const Stats nu =
        devices(p, r * p.gmax_us, 40000, [&](double gp, double gt, double) { return -std::log(gt / gp) / factor; });
    // nu = |N(mu, sd)|: with mu / sd >= 2 the fold changes the mean by < 0.01 sd.
    CHECK(nu.mean() == Approx(mu).epsilon(0.01));
    CHECK(nu.sd() == Approx(sd).epsilon(0.03));
  }
  std::vector<int8_t> w(64 * 8);
  std::mt19937 g(3);
  for (auto& v : w) v = int8_t(std::uniform_int_distribution<int>(1, 127)(g));
  double last = 1e300;
  for (double t : {1.0, 3600.0, 86400.0, 2629800.0, 31557600.0}) {
    p.drift_s = t;
    std::vector<int32_t> weff(w.size());
    std::vector<uint64_t> var(w.size()), keys(64);
    ima_noise_program_block(&p, w.data(), 8, 64, 8, weff.data(), var.data(), keys.data());
    double sum = 0;
    for (int32_t v : weff) sum += v;
    CHECK(sum < last);
    last = sum;
  }
}

TEST_CASE("noise: global drift compensation restores the mean weight", "[noise]") {
  auto p = quiet();
  p.drift_scale = 1.0;
  p.drift_s = 31557600.0;  // 1 y
  std::vector<int8_t> w(256 * 64, 100);  // g = 0.78 gmax: nu mean 0.049
  std::vector<int32_t> weff(w.size());
  std::vector<uint64_t> var(w.size()), keys(256);
  const auto mean = [&] {
    ima_noise_program_block(&p, w.data(), 64, 256, 64, weff.data(), var.data(), keys.data());
    double s = 0;
    for (int32_t v : weff) s += v;
    return s / double(weff.size()) / 256.0;
  };
  const double drifted = mean();
  CHECK(drifted < 100 * 0.6);  // (1y / 20 s)^-0.049 = 0.52
  p.compensate = 1;
  // Within 3 %: the scale uses the mean exponent, while the mean of
  // (t/t0)^-nu over the nu spread is larger (Jensen), 2 % here.
  CHECK(mean() == Approx(100.0).epsilon(0.03));
}

TEST_CASE("noise: per-crossbar measured drift compensation restores the mean weight", "[noise]") {
  auto p = quiet();
  p.prog_scale = p.drift_scale = 1.0;
  p.compensate = IMA_NOISE_COMP_MEASURED;
  std::mt19937 g(5);
  const unsigned rows = 200, cols = 64;
  std::vector<int8_t> w(size_t(rows) * cols);
  for (auto& v : w) v = int8_t(int(g() % 255) - 127);
  std::vector<int64_t> scratch(2 * cols);
  std::vector<int32_t> weff(w.size());
  std::vector<uint64_t> var(w.size()), keys(rows);
  // Mean |effective weight| over mean |weight| (the sign cancels in a plain mean).
  const auto gain = [&](double comp) {
    ima_noise_program_block_comp(&p, w.data(), cols, rows, cols, comp, weff.data(), var.data(), keys.data());
    double a = 0, b = 0;
    for (size_t i = 0; i < w.size(); ++i) a += std::abs(weff[(i % cols) * rows + i / cols]) / 256.0, b += std::abs(w[i]);
    return a / b;
  };
  p.drift_s = 0;
  CHECK(ima_noise_measured_compensation(&p, w.data(), cols, rows, cols, 56, scratch.data()) == 1.0);
  const double fresh = gain(1.0);  // programming noise only
  double last = 1.0;
  for (double t : {3600.0, 86400.0, 2629800.0, 31557600.0}) {  // 1 h .. 1 y: the scale grows with drift
    p.drift_s = t;
    const double c = ima_noise_measured_compensation(&p, w.data(), cols, rows, cols, 56, scratch.data());
    CHECK(c > last);
    last = c;
  }
  CHECK(gain(1.0) < 0.6 * fresh);  // uncompensated at 1 y: (1 y / 20 s)^-nu, nu about 0.05..0.1
  // Compensated: the mean magnitude as programmed, within 6 %: the readout is dominated by the
  // large conductances, which drift with smaller exponents than the small ones.
  CHECK(gain(last) == Approx(fresh).epsilon(0.06));
  CHECK(gain(last) > 0.9 * fresh);
}

TEST_CASE("noise: the measured compensation depends on the crossbar's content, not on its row order", "[noise]") {
  auto p = quiet();
  p.prog_scale = p.drift_scale = 1.0;
  p.drift_s = 86400.0;
  std::mt19937 g(9);
  const unsigned rows = 40, cols = 24, zeros = 30;
  std::vector<int8_t> w(size_t(rows) * cols);
  for (auto& v : w) v = int8_t(g());
  std::vector<int64_t> scratch(2 * cols);
  const double c = ima_noise_measured_compensation(&p, w.data(), cols, rows, cols, zeros, scratch.data());
  // The same crossbar as the IMA holds it: empty rows given explicitly, rows in another order,
  // inside a wider array (stride), the block's columns a window of it.
  const unsigned wide = cols + 8;
  std::vector<int8_t> xbar(size_t(rows + zeros) * wide, 0);
  for (unsigned i = 0; i < rows; ++i)
    for (unsigned j = 0; j < cols; ++j) xbar[size_t(zeros + rows - 1 - i) * wide + 5 + j] = w[size_t(i) * cols + j];
  // Columns outside the window hold other weights: they do not count.
  for (unsigned i = 0; i < rows + zeros; ++i) xbar[size_t(i) * wide] = int8_t(i + 1), xbar[size_t(i) * wide + 30] = -3;
  CHECK(ima_noise_measured_compensation(&p, xbar.data() + 5, wide, rows + zeros, cols, 0, scratch.data()) == c);
  CHECK(c > 1.0);
  // Other content, another scale.
  w[0] = int8_t(w[0] == 127 ? 0 : 127);
  CHECK(ima_noise_measured_compensation(&p, w.data(), cols, rows, cols, zeros, scratch.data()) != c);
}

TEST_CASE("noise: read noise per MVM has the 1/f sigma", "[noise]") {
  auto p = quiet();
  p.read_scale = 1.0;
  p.drift_s = 3600.0;
  const double r = 0.5, g = r * p.gmax_us;
  // Per device: |g| Qs(g) sqrt(ln((t + t_read) / (2 t_read))), t = drift + t0.
  const double qs = std::min(0.2, 0.0088 / std::pow(r, 0.65));
  const double rel = qs * std::sqrt(std::log((p.drift_s + p.t0_s + p.t_read_s) / (2 * p.t_read_s)));
  const Stats one = devices(p, g, 10, [](double, double gt, double rs) { return rs / gt; });
  CHECK(one.mean() == Approx(rel).epsilon(1e-12));
  // Through the MVM: inputs +-10, so the exact sum varies but sum x^2 var
  // does not; residual sigma = sqrt(sum_i (10 sigma_i)^2), sigma_i in weight units.
  const unsigned rows = 128;
  std::vector<int8_t> w(rows), in(rows);
  std::mt19937 gen(5);
  double want2 = 0;
  for (auto& v : w) {
    v = int8_t(std::uniform_int_distribution<int>(32, 127)(gen));
    const double rr = v / 128.0;
    const double q = std::min(0.2, 0.0088 / std::pow(rr, 0.65));
    const double sigma = v * q * std::sqrt(std::log((p.drift_s + p.t0_s + p.t_read_s) / (2 * p.t_read_s)));
    want2 += 100 * sigma * sigma;
  }
  std::vector<int32_t> weff(rows);
  std::vector<uint64_t> var(rows), keys(rows);
  ima_noise_program_block(&p, w.data(), 1, rows, 1, weff.data(), var.data(), keys.data());
  Stats res;
  for (int k = 0; k < 20000; ++k) {
    int64_t exact = 0;
    for (unsigned i = 0; i < rows; ++i) {
      in[i] = int8_t(gen() & 1 ? 10 : -10);
      exact += int64_t(w[i]) * in[i];
    }
    int32_t out;
    ima_mvm_noisy(&p, weff.data(), var.data(), keys.data(), rows, 1, in.data(), 8, 32, 0, &out);
    res.add(double(out - exact));
  }
  const double want = std::sqrt(want2);
  CHECK(std::abs(res.mean()) < 0.05 * want);
  CHECK(res.sd() == Approx(want).epsilon(0.03));
}

TEST_CASE("noise: ADC output noise has its sigma in ADC codes", "[noise]") {
  auto p = quiet();
  p.adc_noise = 0.01;
  const unsigned rows = 16;
  std::vector<int8_t> w(rows), in(rows);
  for (unsigned r = 0; r < rows; ++r) w[r] = int8_t(r);  // distinct rows (row 0 has weight 0)
  std::vector<int32_t> weff(rows);
  std::vector<uint64_t> var(rows), keys(rows);
  ima_noise_program_block(&p, w.data(), 1, rows, 1, weff.data(), var.data(), keys.data());
  Stats s;
  std::mt19937 gen(9);
  for (int k = 0; k < 20000; ++k) {
    int64_t exact = 0;
    for (unsigned r = 0; r < rows; ++r) {
      in[r] = int8_t(std::uniform_int_distribution<int>(-127, 127)(gen));
      exact += int64_t(w[r]) * in[r];
    }
    int32_t out;
    ima_mvm_noisy(&p, weff.data(), var.data(), keys.data(), rows, 1, in.data(), 8, 16, 2, &out);
    s.add(out - std::floor((exact + 2) / 4.0));  // the ideal code, (acc + 2) >> 2
  }
  CHECK(std::abs(s.mean()) < 5.0);  // standard error 2.3
  CHECK(s.sd() == Approx(0.01 * 32768).epsilon(0.03));  // shift 2 scales in and out: codes
}

TEST_CASE("noise: every source at zero gives the ideal MVM bit for bit", "[noise]") {
  auto p = quiet();
  p.drift_s = 31557600.0;  // drift time alone changes nothing without drift
  p.compensate = 1;
  std::mt19937 g(11);
  for (auto [rows, cols, dac, adc, shift] : {std::tuple{256u, 256u, 8u, 8u, 6u}, std::tuple{100u, 33u, 5u, 12u, 0u},
                                             std::tuple{27u, 32u, 8u, 32u, 0u}}) {
    std::vector<int8_t> w(size_t(rows) * cols), in(rows);
    for (auto& v : w) v = int8_t(g());
    for (auto& v : in) v = int8_t(g());
    std::vector<int32_t> weff(w.size()), ideal(cols), noisy(cols);
    std::vector<uint64_t> var(w.size()), keys(rows);
    ima_noise_program_block(&p, w.data(), cols, rows, cols, weff.data(), var.data(), keys.data());
    ima_mvm(w.data(), cols, rows, 0, cols, in.data(), dac, adc, shift, ideal.data());
    ima_mvm_noisy(&p, weff.data(), var.data(), keys.data(), rows, cols, in.data(), dac, adc, shift, noisy.data());
    CHECK(noisy == ideal);
  }
}

TEST_CASE("noise: draws are deterministic, seeded, and independent of zero-padded rows", "[noise]") {
  ima_noise_params p = quiet();
  p.prog_scale = p.drift_scale = p.read_scale = 1.0;
  p.adc_noise = 0.005;
  p.drift_s = 86400.0;
  p.compensate = 1;
  std::mt19937 g(2);
  const unsigned rows = 27, cols = 32;
  std::vector<int8_t> w(rows * cols), in(rows);
  for (auto& v : w) v = int8_t(g());
  for (auto& v : in) v = int8_t(g());
  const auto run = [&](const ima_noise_params& q, unsigned row0, unsigned n, std::vector<int8_t> x) {
    std::vector<int32_t> weff(n * cols), out(cols);
    std::vector<uint64_t> var(n * cols), keys(n);
    ima_noise_program_block(&q, w.data() + row0 * cols, cols, n, cols, weff.data(), var.data(), keys.data());
    ima_mvm_noisy(&q, weff.data(), var.data(), keys.data(), n, cols, x.data() + row0, 8, 8, 4, out.data());
    return out;
  };
  const auto a = run(p, 0, rows, in);
  CHECK(run(p, 0, rows, in) == a);
  // Rows 0..8 with zero input: driving only rows 9..26 gives the same outputs.
  auto padded = in;
  std::fill(padded.begin(), padded.begin() + 9, 0);
  CHECK(run(p, 9, rows - 9, padded) == run(p, 0, rows, padded));
  ima_noise_params other = p;
  other.seed = 8;
  CHECK(run(other, 0, rows, in) != a);
}

TEST_CASE("noise: bad values are located configuration errors", "[noise]") {
  using vp::Config;
  CHECK_THROWS_AS(Config::load("cluster-1", {"cluster.ima.noise.gmax=-1"}), vp::ConfigError);
  CHECK_THROWS_AS(Config::load("cluster-1", {"cluster.ima.noise.bogus=1"}), vp::ConfigError);
  for (const char* bad : {"cluster.ima.noise.drift_time=-1s", "cluster.ima.noise.drift_time=3 weeks"}) {
    const Config cfg = Config::load("cluster-1", {bad});
    CHECK_THROWS_WITH(vp::bind_ima_noise(cfg), Catch::Contains("cluster.ima.noise.drift_time"));
  }
  CHECK(vp::parse_drift_time("1month").value() == Approx(365.25 * 86400 / 12));
  CHECK(vp::parse_drift_time("1.5h").value() == Approx(5400.0));
  CHECK_FALSE(vp::parse_drift_time("1 h").has_value());
}
