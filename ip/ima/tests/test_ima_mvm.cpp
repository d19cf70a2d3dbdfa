// The AVX2 MVM (contracts/ima_mvm_avx2.h) against the scalar definition
// (ima_mvm_scalar in contracts/ima_numerics.h): random weights and inputs with
// the int8 extremes, every row count up to 256, column windows of any width and
// offset, DAC clipping, ADC shifts. Exits 77 on a host without AVX2 (nothing to compare).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <random>
#include <vector>

#include "ima_numerics.h"

namespace {

#ifdef IMA_MVM_HAVE_AVX2
void require_avx2() {
  if (!ima_cpu_has_avx2()) std::exit(77);
}
#else
void require_avx2() { std::exit(77); }
#endif

// Weights and inputs mostly random, a quarter of them at -128 or 127 (the
// products that would saturate a 16-bit pair sum).
std::vector<int8_t> random_int8(std::mt19937& g, size_t n) {
  std::vector<int8_t> v(n);
  for (auto& x : v) {
    const unsigned k = g() % 8;
    x = k == 0 ? -128 : k == 1 ? 127 : static_cast<int8_t>(g());
  }
  return v;
}

}  // namespace

TEST_CASE("AVX2 MVM equals the scalar definition on random crossbars", "[ima][mvm]") {
  require_avx2();
  std::mt19937 g(20);
  const unsigned cols_total = 300;  // not a multiple of 16: windows end anywhere
  const std::vector<int8_t> w = random_int8(g, size_t(256) * cols_total);
  std::vector<int32_t> want(cols_total), got(cols_total);
  for (unsigned rows = 1; rows <= 256; ++rows) {
    const std::vector<int8_t> in = random_int8(g, rows);
    const unsigned col0 = g() % cols_total, ncols = 1 + g() % (cols_total - col0);
    const unsigned dac = g() % 4 == 0 ? 1 + g() % 8 : 8, adc = g() % 2 ? 32 : 1 + g() % 32, shift = g() % 12;
    ima_mvm_scalar(w.data(), cols_total, rows, col0, ncols, in.data(), dac, adc, shift, want.data());
    ima_mvm(w.data(), cols_total, rows, col0, ncols, in.data(), dac, adc, shift, got.data());
    INFO("rows " << rows << " col0 " << col0 << " ncols " << ncols << " dac " << dac << " adc " << adc);
    REQUIRE(std::equal(want.begin(), want.begin() + ncols, got.begin()));
  }
}

TEST_CASE("AVX2 MVM: all weights and inputs at -128 over 256 rows (largest sums)", "[ima][mvm]") {
  require_avx2();
  const std::vector<int8_t> w(size_t(256) * 256, -128), in(256, -128);
  std::vector<int32_t> want(256), got(256);
  ima_mvm_scalar(w.data(), 256, 256, 0, 256, in.data(), 8, 32, 0, want.data());
  ima_mvm(w.data(), 256, 256, 0, 256, in.data(), 8, 32, 0, got.data());
  CHECK(want[0] == 256 * 128 * 128);
  CHECK(want == got);
}
