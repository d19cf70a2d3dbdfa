// The firmware's fast requantization (firmware/dataflow/requant.h) against
// nm_requant, the definition: every shift, multipliers from 1 to INT32_MAX,
// accumulators at the extremes, around every rounding and saturation edge,
// and random ones. Host-only (the same C code the cores run).
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "dataflow/requant.h"

TEST_CASE("df_requant equals nm_requant on every path", "[dataflow][requant]") {
  uint64_t s = 12345;
  auto rnd = [&]() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return uint32_t(s >> 32);
  };
  const int32_t mults[] = {1, 3, 255, 12345, 23117, 32767, 65536, 1 << 20, 0x7FFFFFFF};
  size_t bad = 0, cases = 0, paths[3] = {0, 0, 0};
  for (uint32_t shift = 0; shift <= 62; ++shift)
    for (int32_t mult : mults)
      for (int relu = 0; relu <= 1; ++relu) {
        const df_requant_t q = df_requant_plan(mult, shift, relu);
        ++paths[q.path];
        std::vector<int32_t> accs = {0, 1, -1, INT32_MAX, INT32_MIN, INT32_MIN + 1, 127, -128};
        // Around the rounding and saturation edges of this (mult, shift).
        for (int64_t target : {-129LL, -128LL, -1LL, 0LL, 1LL, 126LL, 127LL, 128LL}) {
          // acc * mult + 2^(shift-1) = target * 2^shift (exact in int64 up to shift 54)
          const int64_t edge = shift > 54 ? 0 : (target * (1LL << shift) - (shift ? (1LL << (shift - 1)) : 0)) / mult;
          for (int64_t d = -2; d <= 2; ++d)
            if (edge + d >= INT32_MIN && edge + d <= INT32_MAX) accs.push_back(int32_t(edge + d));
        }
        for (int i = 0; i < 200; ++i) accs.push_back(int32_t(rnd()) >> (rnd() % 31));
        for (int32_t a : accs) {
          ++cases;
          bad += df_requant(a, &q) != nm_requant(a, mult, shift, relu);
        }
      }
  CHECK(bad == 0);
  CHECK(cases > 100000);
  CHECK(paths[DF_RQ_GENERIC] > 0);  // every path is exercised
  CHECK(paths[DF_RQ_HIGH32] > 0);
  CHECK(paths[DF_RQ_HIGH_SHIFT] > 0);
}

TEST_CASE("df_rqc (per-channel, 32-bit) equals nm_requant_ch wherever it plans", "[dataflow][requant]") {
  uint64_t s = 777;
  auto rnd = [&]() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return uint32_t(s >> 32);
  };
  const int32_t mults[] = {1, 3, 255, 23117, 65536, 1 << 20, (1 << 30) + 12345, 1518500250, 0x7FFFFFFF};
  const int32_t biases[] = {0, 1, -1, 37, -4000, 1 << 20, -(1 << 24), INT32_MAX, INT32_MIN, INT32_MAX - 5000};
  size_t bad = 0, cases = 0, planned = 0, mulh = 0, refused = 0;
  for (uint32_t shift = 0; shift <= 62; ++shift)
    for (int32_t mult : mults)
      for (int32_t bias : biases) {
        df_rqc_t p;
        if (!df_rqc_plan(&p, bias, mult, shift)) {
          ++refused;
          continue;
        }
        ++planned;
        mulh += p.t == DF_RQC_MULH;
        std::vector<int32_t> accs = {0, 1, -1, INT32_MAX, INT32_MIN, INT32_MIN + 1, p.lo, p.hi,
                                    p.lo > INT32_MIN ? p.lo - 1 : p.lo, p.hi < INT32_MAX ? p.hi + 1 : p.hi};
        for (int64_t target : {-257LL, -256LL, -129LL, -128LL, -1LL, 0LL, 1LL, 126LL, 127LL, 128LL, 255LL}) {
          const int64_t edge = shift > 54 ? 0 : (target * (1LL << shift) - (shift ? (1LL << (shift - 1)) : 0)) / mult;
          for (int64_t d = -2; d <= 2; ++d) {
            const int64_t a = edge + d - bias;
            if (a >= INT32_MIN && a <= INT32_MAX) accs.push_back(int32_t(a));
          }
        }
        for (int i = 0; i < 300; ++i) accs.push_back(int32_t(rnd()) >> (rnd() % 31));
        for (int32_t a : accs)
          for (int relu = 0; relu <= 1; ++relu)
            for (int32_t amax : {127, 60, 0}) {
              ++cases;
              const int32_t v = df_rqc(a, &p), lo = relu ? 0 : -128, hi = amax;
              const int8_t got = int8_t(v < lo ? lo : (v > hi ? hi : v));
              bad += got != nm_requant_ch(a, bias, mult, shift, relu, amax);
            }
      }
  CHECK(bad == 0);
  CHECK(cases > 500000);
  CHECK(mulh > 0);  // both forms are exercised, and some are refused (64-bit path)
  CHECK(planned > mulh);
  CHECK(refused > 0);
  // The shifts of 31-bit per-channel multipliers (mapping/src/params.cpp) up to 37 take the split.
  for (uint32_t shift = 22; shift <= 37; ++shift) {
    df_rqc_t p;
    REQUIRE(df_rqc_plan(&p, -1234, 0x7FFFFFFF, shift));
    CHECK(p.t != DF_RQC_MULH);
  }
}

TEST_CASE("df_avg (reciprocal) equals nm_average_mode for every count and every sum it plans", "[dataflow][requant]") {
  // Exhaustive: every count up to 300, every sum of that many int8 values, both roundings.
  size_t bad = 0, planned = 0, cases = 0;
  for (uint32_t mode : {uint32_t(NM_AVG_HALF_UP), uint32_t(NM_AVG_HALF_EVEN)})
    for (int32_t n = 1; n <= 300; ++n) {
      df_avg_t a;
      df_avg_plan(&a, n, mode);
      planned += a.m != 0;
      for (int32_t sum = -128 * n; sum <= 127 * n; ++sum, ++cases) bad += df_avg(sum, &a) != nm_average_mode(sum, n, mode);
    }
  CHECK(bad == 0);
  CHECK(cases > 20000000);
  CHECK(planned == 128 + 256);  // every count up to 128 (half up) and 256 (half even) takes the reciprocal
}

// The CORE-V requantization loop (kernels_xcv.h) step by step: clamp (cv.clipr,
// or cv.clipur with ReLU when the plan drops the clips), mul, cv.addRNr, clip.
static int8_t xcv_rq_emulated(int32_t acc, const xcv_rq_t& x, int relu) {
  const auto clip = [](int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : (v > hi ? hi : v); };
  const int32_t b = x.noclip ? x.hb : x.bound;
  const int64_t a = relu && x.noclip ? clip(acc, 0, b) : clip(acc, -int64_t(b) - 1, b);
  const int64_t p = a * x.mult;
  REQUIRE(p >= INT32_MIN);  // the 32-bit product and rounding the cores compute
  REQUIRE(p + (int64_t(1) << x.shift) <= INT32_MAX);
  const int64_t v = (p + (x.shift ? int64_t(1) << (x.shift - 1) : 0)) >> x.shift;
  if (x.noclip) {
    REQUIRE(v >= (relu ? 0 : -128));
    REQUIRE(v <= 127);
    return int8_t(v);
  }
  return int8_t(clip(v, relu ? 0 : -128, 127));
}

TEST_CASE("xcv_rq_plan (the CORE-V 32-bit requantization) equals nm_requant", "[dataflow][requant]") {
  uint64_t s = 99;
  auto rnd = [&]() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return uint32_t(s >> 32);
  };
  size_t bad = 0, cases = 0, ok = 0, noclip = 0;
  for (uint32_t shift = 0; shift <= 24; ++shift)
    for (int i = 0; i < 60; ++i) {
      const int32_t mult = i < 8 ? int32_t(1) << (i * 2) : int32_t(1 + rnd() % (i < 30 ? 70000u : 0x7FFFFFFFu));
      const xcv_rq_t x = xcv_rq_plan(mult, shift);
      if (!x.ok) continue;
      ++ok;
      noclip += x.noclip;
      std::vector<int32_t> accs = {0, 1, -1, INT32_MAX, INT32_MIN, x.bound, -x.bound - 1, x.hb, -x.hb - 1, x.hb + 1, -x.hb - 2};
      for (int64_t target : {-129LL, -128LL, -127LL, -1LL, 0LL, 1LL, 126LL, 127LL, 128LL}) {
        const int64_t edge = (target * (1LL << shift) - (shift ? (1LL << (shift - 1)) : 0)) / mult;
        for (int64_t d = -2; d <= 2; ++d)
          if (edge + d >= INT32_MIN && edge + d <= INT32_MAX) accs.push_back(int32_t(edge + d));
      }
      for (int k = 0; k < 200; ++k) accs.push_back(int32_t(rnd()) >> (rnd() % 31));
      for (int32_t a : accs)
        for (int relu = 0; relu <= 1; ++relu, ++cases) bad += xcv_rq_emulated(a, x, relu) != nm_requant(a, mult, shift, relu);
    }
  CHECK(bad == 0);
  CHECK(ok > 500);
  CHECK(noclip > 100);  // many plans drop the clips
  CHECK(noclip < ok);   // and some keep them
}

TEST_CASE("df_rq16 (per-channel with 16x16 multiplies) equals nm_requant_ch wherever it plans", "[dataflow][requant]") {
  // Every accumulator the clamp lets through (the whole range [-(r + 1), r]
  // and one beyond each end), the int32 extremes and random ones, for every
  // shift the plan takes. Comparing the codes clamped to [-128, 127] is
  // enough: every ReLU / act_max clamp lies inside that one.
  uint64_t s = 4242;
  auto rnd = [&]() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return uint32_t(s >> 32);
  };
  const int32_t mults[] = {1, 23117, 65535, 65536 + 32768, (1 << 30) + 12345, 1518500250, 0x7FFF7FFF, 0x7FFFFFFF};
  const int32_t biases[] = {0, 1, -1, -4000, 3000, 8191, -8192, 16384, -16385, INT32_MIN};
  size_t bad = 0, cases = 0, planned = 0, refused = 0;
  for (uint32_t shift = 0; shift <= 62; ++shift)
    for (int32_t mult : mults)
      for (int32_t bias : biases) {
        df_rq16_t p;
        if (!df_rq16_plan(&p, bias, mult, shift)) {
          ++refused;
          continue;
        }
        ++planned;
        auto check = [&](int32_t acc) {
          ++cases;
          const int32_t v = df_rq16(acc, &p);
          bad += int8_t(v < -128 ? -128 : (v > 127 ? 127 : v)) != nm_requant_ch(acc, bias, mult, shift, 0, 127);
        };
        for (int32_t acc = -p.r - 2; acc <= p.r + 1; ++acc) check(acc);
        for (int32_t acc : {INT32_MIN, INT32_MIN + 1, INT32_MAX, INT32_MAX - 1}) check(acc);
        for (int i = 0; i < 300; ++i) check(int32_t(rnd()) >> (rnd() % 31));
      }
  CHECK(bad == 0);
  CHECK(planned > 300);
  CHECK(refused > 0);
  // ResNet-18's per-channel multipliers (31 bits) with shifts 30..37 and small biases take this form.
  for (uint32_t shift = 30; shift <= 37; ++shift) {
    df_rq16_t p;
    CHECK(df_rq16_plan(&p, -1234, 0x7FFF0000, shift));
  }
}

TEST_CASE("xcv_rq_plan_top (ReLU with act_max, no clips) equals nm_requant_ch", "[dataflow][requant]") {
  // The ReLU form clamps acc to [0, hb] and nothing after: every code must be
  // nm_requant_ch's with act_max = top, over the whole clamped range and beyond.
  uint64_t s = 31;
  auto rnd = [&]() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return uint32_t(s >> 32);
  };
  size_t bad = 0, ok = 0;
  for (uint32_t shift = 1; shift <= 23; ++shift)
    for (int i = 0; i < 40; ++i)
      for (int32_t top : {0, 1, 6, 60, 100, 126}) {
        const int32_t mult = int32_t(1 + rnd() % (i < 20 ? 70000u : 0x7FFFFFFFu));
        const xcv_rq_t x = xcv_rq_plan_top(mult, shift, top);
        if (!x.ok) continue;
        REQUIRE(x.noclip);
        ++ok;
        const auto run = [&](int32_t acc) {
          const int64_t a = acc < 0 ? 0 : (acc > x.hb ? x.hb : acc);  // cv.clipur
          REQUIRE(a * mult + (int64_t(1) << shift) <= INT32_MAX);
          return int8_t((a * mult + (int64_t(1) << (shift - 1))) >> shift);
        };
        for (int32_t acc = -3; acc <= x.hb + 3 && acc < 200000; ++acc) bad += run(acc) != nm_requant_ch(acc, 0, mult, shift, 1, top);
        for (int32_t acc : {INT32_MIN, INT32_MAX, x.hb, x.hb + 1}) bad += run(acc) != nm_requant_ch(acc, 0, mult, shift, 1, top);
      }
  CHECK(bad == 0);
  CHECK(ok > 1000);
}
