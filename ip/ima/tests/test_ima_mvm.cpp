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
    const unsigned dac = g() % 4 == 0 ? 1 + g() % 16 : 8, adc = g() % 2 ? 32 : 1 + g() % 32, shift = g() % 2 ? g() % 12 : g() % 32;
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

TEST_CASE("AVX2 MVM of up to four vectors on one crossbar equals the scalar definition", "[ima][mvm]") {
  require_avx2();
  std::mt19937 g(21);
  const unsigned cols_total = 300;
  const std::vector<int8_t> w = random_int8(g, size_t(256) * cols_total);
  for (unsigned rows = 1; rows <= 256; rows += 1 + g() % 7) {
    const unsigned nv = 1 + g() % 4;
    std::vector<std::vector<int8_t>> in(nv);
    std::vector<std::vector<int32_t>> want(nv, std::vector<int32_t>(cols_total)), got = want;
    const int8_t* ins[4];
    int32_t* outs[4];
    for (unsigned v = 0; v < nv; ++v) {
      in[v] = random_int8(g, rows);
      // Zero runs (ReLU outputs): a row pair is skipped only when it is zero in every vector.
      for (unsigned r = 0; r < rows; ++r)
        if (g() % 3 == 0) in[v][r] = 0;
      ins[v] = in[v].data(), outs[v] = got[v].data();
    }
    const unsigned col0 = g() % cols_total, ncols = 1 + g() % (cols_total - col0);
    const unsigned dac = g() % 4 == 0 ? 1 + g() % 16 : 8, adc = g() % 2 ? 32 : 1 + g() % 32, shift = g() % 2 ? g() % 12 : g() % 32;
    for (unsigned v = 0; v < nv; ++v)
      ima_mvm_scalar(w.data(), cols_total, rows, col0, ncols, in[v].data(), dac, adc, shift, want[v].data());
    ima_mvm_multi(w.data(), cols_total, rows, col0, ncols, ins, nv, dac, adc, shift, outs);
    INFO("rows " << rows << " vectors " << nv << " col0 " << col0 << " ncols " << ncols << " dac " << dac);
    for (unsigned v = 0; v < nv; ++v) REQUIRE(std::equal(want[v].begin(), want[v].begin() + ncols, got[v].begin()));
  }
}
