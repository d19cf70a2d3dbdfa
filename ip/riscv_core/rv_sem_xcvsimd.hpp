#pragma once
// Semantics of the CORE-V packed-SIMD instructions (CV32E40P v2 user manual,
// "SIMD"): 16-bit (.h) and 8-bit (.b) lanes, lane 0 in the low bits; .sc
// replicates rs2's lane 0, .sci the immediate. Same signature as
// rv_sem_xcv.hpp: (rs1, rs2, old rd, imm) -> new rd.
#include <cstdint>
#include <cstdlib>

#include "rv_sem_xcv.hpp"

namespace vp::rv::sem {

template <unsigned W> constexpr uint32_t kLaneMask = W == 16 ? 0xffffu : 0xffu;
template <unsigned W> inline uint32_t rep(uint32_t v) { return W == 16 ? (v & 0xffff) * 0x00010001u : (v & 0xff) * 0x01010101u; }
template <unsigned W> inline uint32_t lane(uint32_t v, unsigned k) { return (v >> (k * W)) & kLaneMask<W>; }
template <unsigned W> inline int32_t slane(uint32_t v, unsigned k) { return s32(sx(lane<W>(v, k), W)); }
// r[k] = f(a[k], b[k]) on unsigned lane values, truncated to the lane.
template <unsigned W, class F> inline uint32_t map2(uint32_t a, uint32_t b, F f) {
  uint32_t r = 0;
  for (unsigned k = 0; k < 32 / W; ++k) r |= (uint32_t(f(lane<W>(a, k), lane<W>(b, k))) & kLaneMask<W>) << (k * W);
  return r;
}
template <unsigned W> inline int32_t ssx(uint32_t v) { return s32(sx(v, W)); }
template <unsigned W> inline uint32_t shamt(uint32_t v) { return v & (W - 1); }

template <unsigned W> inline uint32_t v_add(uint32_t a, uint32_t b, uint32_t) { return map2<W>(a, b, [](uint32_t x, uint32_t y) { return x + y; }); }
template <unsigned W> inline uint32_t v_sub(uint32_t a, uint32_t b, uint32_t) { return map2<W>(a, b, [](uint32_t x, uint32_t y) { return x - y; }); }
template <unsigned W> inline uint32_t v_avg(uint32_t a, uint32_t b, uint32_t) {
  return map2<W>(a, b, [](uint32_t x, uint32_t y) { return uint32_t(ssx<W>((x + y) & kLaneMask<W>) >> 1); });
}
template <unsigned W> inline uint32_t v_avgu(uint32_t a, uint32_t b, uint32_t) {
  return map2<W>(a, b, [](uint32_t x, uint32_t y) { return ((x + y) & kLaneMask<W>) >> 1; });
}
template <unsigned W> inline uint32_t v_min(uint32_t a, uint32_t b, uint32_t) { return map2<W>(a, b, [](uint32_t x, uint32_t y) { return ssx<W>(x) < ssx<W>(y) ? x : y; }); }
template <unsigned W> inline uint32_t v_minu(uint32_t a, uint32_t b, uint32_t) { return map2<W>(a, b, [](uint32_t x, uint32_t y) { return x < y ? x : y; }); }
template <unsigned W> inline uint32_t v_max(uint32_t a, uint32_t b, uint32_t) { return map2<W>(a, b, [](uint32_t x, uint32_t y) { return ssx<W>(x) > ssx<W>(y) ? x : y; }); }
template <unsigned W> inline uint32_t v_maxu(uint32_t a, uint32_t b, uint32_t) { return map2<W>(a, b, [](uint32_t x, uint32_t y) { return x > y ? x : y; }); }
template <unsigned W> inline uint32_t v_srl(uint32_t a, uint32_t b, uint32_t) { return map2<W>(a, b, [](uint32_t x, uint32_t y) { return x >> shamt<W>(y); }); }
template <unsigned W> inline uint32_t v_sra(uint32_t a, uint32_t b, uint32_t) { return map2<W>(a, b, [](uint32_t x, uint32_t y) { return uint32_t(ssx<W>(x) >> shamt<W>(y)); }); }
template <unsigned W> inline uint32_t v_sll(uint32_t a, uint32_t b, uint32_t) { return map2<W>(a, b, [](uint32_t x, uint32_t y) { return x << shamt<W>(y); }); }
template <unsigned W> inline uint32_t v_or(uint32_t a, uint32_t b, uint32_t) { return a | b; }
template <unsigned W> inline uint32_t v_xor(uint32_t a, uint32_t b, uint32_t) { return a ^ b; }
template <unsigned W> inline uint32_t v_and(uint32_t a, uint32_t b, uint32_t) { return a & b; }
// Dot products: unsigned x unsigned, unsigned x signed, signed x signed; s*: + rd.
template <unsigned W, bool SA, bool SB> inline uint32_t dot(uint32_t a, uint32_t b) {
  uint32_t r = 0;
  for (unsigned k = 0; k < 32 / W; ++k) {
    const int64_t x = SA ? slane<W>(a, k) : int64_t(lane<W>(a, k)), y = SB ? slane<W>(b, k) : int64_t(lane<W>(b, k));
    r += u32(x * y);
  }
  return r;
}
template <unsigned W> inline uint32_t v_dotup(uint32_t a, uint32_t b, uint32_t) { return dot<W, false, false>(a, b); }
template <unsigned W> inline uint32_t v_dotusp(uint32_t a, uint32_t b, uint32_t) { return dot<W, false, true>(a, b); }
template <unsigned W> inline uint32_t v_dotsp(uint32_t a, uint32_t b, uint32_t) { return dot<W, true, true>(a, b); }
template <unsigned W> inline uint32_t v_sdotup(uint32_t a, uint32_t b, uint32_t d) { return d + dot<W, false, false>(a, b); }
template <unsigned W> inline uint32_t v_sdotusp(uint32_t a, uint32_t b, uint32_t d) { return d + dot<W, false, true>(a, b); }
template <unsigned W> inline uint32_t v_sdotsp(uint32_t a, uint32_t b, uint32_t d) { return d + dot<W, true, true>(a, b); }
// Comparisons: all ones in a lane where true.
#define VP_CV_CMP(NAME, EXPR)                                                                 \
  template <unsigned W> inline uint32_t NAME(uint32_t a, uint32_t b, uint32_t) {              \
    return map2<W>(a, b, [](uint32_t x, uint32_t y) { (void)x; (void)y; return (EXPR) ? ~0u : 0u; }); \
  }
VP_CV_CMP(v_cmpeq, x == y)
VP_CV_CMP(v_cmpne, x != y)
VP_CV_CMP(v_cmpgt, ssx<W>(x) > ssx<W>(y))
VP_CV_CMP(v_cmpge, ssx<W>(x) >= ssx<W>(y))
VP_CV_CMP(v_cmplt, ssx<W>(x) < ssx<W>(y))
VP_CV_CMP(v_cmple, ssx<W>(x) <= ssx<W>(y))
VP_CV_CMP(v_cmpgtu, x > y)
VP_CV_CMP(v_cmpgeu, x >= y)
VP_CV_CMP(v_cmpltu, x < y)
VP_CV_CMP(v_cmpleu, x <= y)
#undef VP_CV_CMP

// The six forms of a family (rv_insn_xcv.def RV_CV_SIMD).
#define VP_CV_SIMD(ID, F)                                                                                           \
  inline uint32_t ID##H(uint32_t a, uint32_t b, uint32_t d, int32_t) { return F<16>(a, b, d); }                     \
  inline uint32_t ID##B(uint32_t a, uint32_t b, uint32_t d, int32_t) { return F<8>(a, b, d); }                      \
  inline uint32_t ID##ScH(uint32_t a, uint32_t b, uint32_t d, int32_t) { return F<16>(a, rep<16>(b), d); }          \
  inline uint32_t ID##ScB(uint32_t a, uint32_t b, uint32_t d, int32_t) { return F<8>(a, rep<8>(b), d); }            \
  inline uint32_t ID##SciH(uint32_t a, uint32_t, uint32_t d, int32_t i) { return F<16>(a, rep<16>(uint32_t(i)), d); } \
  inline uint32_t ID##SciB(uint32_t a, uint32_t, uint32_t d, int32_t i) { return F<8>(a, rep<8>(uint32_t(i)), d); }
VP_CV_SIMD(CvAdd, v_add)
VP_CV_SIMD(CvSub, v_sub)
VP_CV_SIMD(CvAvg, v_avg)
VP_CV_SIMD(CvAvgu, v_avgu)
VP_CV_SIMD(CvMinV, v_min)
VP_CV_SIMD(CvMinuV, v_minu)
VP_CV_SIMD(CvMaxV, v_max)
VP_CV_SIMD(CvMaxuV, v_maxu)
VP_CV_SIMD(CvSrl, v_srl)
VP_CV_SIMD(CvSra, v_sra)
VP_CV_SIMD(CvSll, v_sll)
VP_CV_SIMD(CvOr, v_or)
VP_CV_SIMD(CvXor, v_xor)
VP_CV_SIMD(CvAnd, v_and)
VP_CV_SIMD(CvDotup, v_dotup)
VP_CV_SIMD(CvDotusp, v_dotusp)
VP_CV_SIMD(CvDotsp, v_dotsp)
VP_CV_SIMD(CvSdotup, v_sdotup)
VP_CV_SIMD(CvSdotusp, v_sdotusp)
VP_CV_SIMD(CvSdotsp, v_sdotsp)
VP_CV_SIMD(CvCmpeq, v_cmpeq)
VP_CV_SIMD(CvCmpne, v_cmpne)
VP_CV_SIMD(CvCmpgt, v_cmpgt)
VP_CV_SIMD(CvCmpge, v_cmpge)
VP_CV_SIMD(CvCmplt, v_cmplt)
VP_CV_SIMD(CvCmple, v_cmple)
VP_CV_SIMD(CvCmpgtu, v_cmpgtu)
VP_CV_SIMD(CvCmpgeu, v_cmpgeu)
VP_CV_SIMD(CvCmpltu, v_cmpltu)
VP_CV_SIMD(CvCmpleu, v_cmpleu)
#undef VP_CV_SIMD

inline uint32_t CvAbsH(uint32_t a, uint32_t, uint32_t, int32_t) { return map2<16>(a, 0, [](uint32_t x, uint32_t) { return uint32_t(std::abs(ssx<16>(x))); }); }
inline uint32_t CvAbsB(uint32_t a, uint32_t, uint32_t, int32_t) { return map2<8>(a, 0, [](uint32_t x, uint32_t) { return uint32_t(std::abs(ssx<8>(x))); }); }
// Lane moves (imm selects the lane).
inline uint32_t CvExtractH(uint32_t a, uint32_t, uint32_t, int32_t i) { return uint32_t(slane<16>(a, i & 1)); }
inline uint32_t CvExtractB(uint32_t a, uint32_t, uint32_t, int32_t i) { return uint32_t(slane<8>(a, i & 3)); }
inline uint32_t CvExtractuH(uint32_t a, uint32_t, uint32_t, int32_t i) { return lane<16>(a, i & 1); }
inline uint32_t CvExtractuB(uint32_t a, uint32_t, uint32_t, int32_t i) { return lane<8>(a, i & 3); }
template <unsigned W> inline uint32_t put_lane(uint32_t d, unsigned k, uint32_t v) {
  return (d & ~(kLaneMask<W> << (k * W))) | ((v & kLaneMask<W>) << (k * W));
}
inline uint32_t CvInsertH(uint32_t a, uint32_t, uint32_t d, int32_t i) { return put_lane<16>(d, i & 1, a); }
inline uint32_t CvInsertB(uint32_t a, uint32_t, uint32_t d, int32_t i) { return put_lane<8>(d, i & 3, a); }
inline uint32_t CvShuffleH(uint32_t a, uint32_t b, uint32_t, int32_t) {
  return lane<16>(a, b & 1) | lane<16>(a, (b >> 16) & 1) << 16;
}
inline uint32_t CvShuffleSciH(uint32_t a, uint32_t, uint32_t, int32_t i) { return lane<16>(a, i & 1) | lane<16>(a, (i >> 1) & 1) << 16; }
inline uint32_t CvShuffleB(uint32_t a, uint32_t b, uint32_t, int32_t) {
  uint32_t r = 0;
  for (unsigned k = 0; k < 4; ++k) r |= lane<8>(a, (b >> (8 * k)) & 3) << (8 * k);
  return r;
}
// shuffleIn.sci.b: lane 3 is rs1's lane n, lanes 2..0 picked by imm[5:4], [3:2], [1:0].
template <unsigned N> inline uint32_t shuffle_i(uint32_t a, int32_t i) {
  return lane<8>(a, i & 3) | lane<8>(a, (i >> 2) & 3) << 8 | lane<8>(a, (i >> 4) & 3) << 16 | lane<8>(a, N) << 24;
}
inline uint32_t CvShuffleI0(uint32_t a, uint32_t, uint32_t, int32_t i) { return shuffle_i<0>(a, i); }
inline uint32_t CvShuffleI1(uint32_t a, uint32_t, uint32_t, int32_t i) { return shuffle_i<1>(a, i); }
inline uint32_t CvShuffleI2(uint32_t a, uint32_t, uint32_t, int32_t i) { return shuffle_i<2>(a, i); }
inline uint32_t CvShuffleI3(uint32_t a, uint32_t, uint32_t, int32_t i) { return shuffle_i<3>(a, i); }
inline uint32_t CvShuffle2H(uint32_t a, uint32_t b, uint32_t d, int32_t) {
  uint32_t r = 0;
  for (unsigned k = 0; k < 2; ++k) {
    const uint32_t sel = b >> (16 * k);
    r |= lane<16>((sel & 2) ? a : d, sel & 1) << (16 * k);
  }
  return r;
}
inline uint32_t CvShuffle2B(uint32_t a, uint32_t b, uint32_t d, int32_t) {
  uint32_t r = 0;
  for (unsigned k = 0; k < 4; ++k) {
    const uint32_t sel = b >> (8 * k);
    r |= lane<8>((sel & 4) ? a : d, sel & 3) << (8 * k);
  }
  return r;
}
inline uint32_t CvPack(uint32_t a, uint32_t b, uint32_t, int32_t) { return (a << 16) | (b & 0xffff); }
inline uint32_t CvPackH(uint32_t a, uint32_t b, uint32_t, int32_t) { return (a & 0xffff0000u) | (b >> 16); }
inline uint32_t CvPackhiB(uint32_t a, uint32_t b, uint32_t d, int32_t) { return (d & 0xffff) | (a & 0xff) << 24 | (b & 0xff) << 16; }
inline uint32_t CvPackloB(uint32_t a, uint32_t b, uint32_t d, int32_t) { return (d & 0xffff0000u) | (a & 0xff) << 8 | (b & 0xff); }

// Complex numbers: lane 0 real, lane 1 imaginary.
template <unsigned Div> inline uint32_t cplxmul_r(uint32_t a, uint32_t b, uint32_t d) {
  const int64_t re = int64_t(slane<16>(a, 0)) * slane<16>(b, 0) - int64_t(slane<16>(a, 1)) * slane<16>(b, 1);
  return put_lane<16>(d, 0, u32(re >> (15 + Div)));
}
template <unsigned Div> inline uint32_t cplxmul_i(uint32_t a, uint32_t b, uint32_t d) {
  const int64_t im = int64_t(slane<16>(a, 0)) * slane<16>(b, 1) + int64_t(slane<16>(a, 1)) * slane<16>(b, 0);
  return put_lane<16>(d, 1, u32(im >> (15 + Div)));
}
inline uint32_t CvCplxmulR(uint32_t a, uint32_t b, uint32_t d, int32_t) { return cplxmul_r<0>(a, b, d); }
inline uint32_t CvCplxmulRDiv2(uint32_t a, uint32_t b, uint32_t d, int32_t) { return cplxmul_r<1>(a, b, d); }
inline uint32_t CvCplxmulRDiv4(uint32_t a, uint32_t b, uint32_t d, int32_t) { return cplxmul_r<2>(a, b, d); }
inline uint32_t CvCplxmulRDiv8(uint32_t a, uint32_t b, uint32_t d, int32_t) { return cplxmul_r<3>(a, b, d); }
inline uint32_t CvCplxmulI(uint32_t a, uint32_t b, uint32_t d, int32_t) { return cplxmul_i<0>(a, b, d); }
inline uint32_t CvCplxmulIDiv2(uint32_t a, uint32_t b, uint32_t d, int32_t) { return cplxmul_i<1>(a, b, d); }
inline uint32_t CvCplxmulIDiv4(uint32_t a, uint32_t b, uint32_t d, int32_t) { return cplxmul_i<2>(a, b, d); }
inline uint32_t CvCplxmulIDiv8(uint32_t a, uint32_t b, uint32_t d, int32_t) { return cplxmul_i<3>(a, b, d); }
inline uint32_t CvCplxconj(uint32_t a, uint32_t, uint32_t, int32_t) { return (a & 0xffff) | ((0u - lane<16>(a, 1)) & 0xffff) << 16; }
// ((x - y) & 0xffff) >>> s, per lane.
inline uint32_t h_shift(uint32_t v, unsigned s) { return uint32_t(ssx<16>(v & 0xffff) >> s) & 0xffff; }
template <unsigned S> inline uint32_t subrotmj(uint32_t a, uint32_t b) {
  return h_shift(lane<16>(a, 1) - lane<16>(b, 1), S) | h_shift(lane<16>(b, 0) - lane<16>(a, 0), S) << 16;
}
inline uint32_t CvSubrotmj(uint32_t a, uint32_t b, uint32_t, int32_t) { return subrotmj<0>(a, b); }
inline uint32_t CvSubrotmjDiv2(uint32_t a, uint32_t b, uint32_t, int32_t) { return subrotmj<1>(a, b); }
inline uint32_t CvSubrotmjDiv4(uint32_t a, uint32_t b, uint32_t, int32_t) { return subrotmj<2>(a, b); }
inline uint32_t CvSubrotmjDiv8(uint32_t a, uint32_t b, uint32_t, int32_t) { return subrotmj<3>(a, b); }
template <unsigned S, bool Sub> inline uint32_t addsub_div(uint32_t a, uint32_t b) {
  return map2<16>(a, b, [](uint32_t x, uint32_t y) { return h_shift(Sub ? x - y : x + y, S); });
}
inline uint32_t CvAddDiv2(uint32_t a, uint32_t b, uint32_t, int32_t) { return addsub_div<1, false>(a, b); }
inline uint32_t CvAddDiv4(uint32_t a, uint32_t b, uint32_t, int32_t) { return addsub_div<2, false>(a, b); }
inline uint32_t CvAddDiv8(uint32_t a, uint32_t b, uint32_t, int32_t) { return addsub_div<3, false>(a, b); }
inline uint32_t CvSubDiv2(uint32_t a, uint32_t b, uint32_t, int32_t) { return addsub_div<1, true>(a, b); }
inline uint32_t CvSubDiv4(uint32_t a, uint32_t b, uint32_t, int32_t) { return addsub_div<2, true>(a, b); }
inline uint32_t CvSubDiv8(uint32_t a, uint32_t b, uint32_t, int32_t) { return addsub_div<3, true>(a, b); }

}  // namespace vp::rv::sem
