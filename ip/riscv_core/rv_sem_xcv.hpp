#pragma once
// Semantics of the CORE-V ALU, bit-manipulation and multiply-accumulate
// instructions (CV32E40P v2 user manual, "CORE-V Instruction Set Custom
// Extensions"; shifts and rounding of the N/RN forms as its multiplier and
// ALU compute them: in 32 bits, arithmetic for signed forms, logical for
// unsigned ones). Each function takes rs1 (a), rs2 (b), the old rd (d) and
// the immediate as the interpreter's slot holds it (rv_interpreter.hpp) and
// returns the new rd; one per `gen` line of rv_insn_xcv.def.
#include <cstdint>

namespace vp::rv::sem {

inline int32_t s32(uint32_t v) { return static_cast<int32_t>(v); }
inline uint32_t u32(int64_t v) { return static_cast<uint32_t>(v); }
inline uint32_t sx(uint32_t v, unsigned bits) {  // sign-extend the low `bits` bits (1..32)
  return bits >= 32 ? v : u32((int64_t(v) << (64 - bits)) >> (64 - bits));
}
inline uint32_t lowmask(unsigned n) { return n >= 32 ? ~0u : (1u << n) - 1; }
inline uint32_t round_bit(uint32_t s) { return (1u << (s & 31)) >> 1; }  // 2^(s-1), 0 for s = 0
inline uint32_t asr(uint32_t v, uint32_t s) { return static_cast<uint32_t>(s32(v) >> (s & 31)); }
inline uint32_t lsr(uint32_t v, uint32_t s) { return v >> (s & 31); }

// ---- xcvalu ----
inline uint32_t CvAbs(uint32_t a, uint32_t, uint32_t, int32_t) { return s32(a) < 0 ? 0u - a : a; }
inline uint32_t CvSle(uint32_t a, uint32_t b, uint32_t, int32_t) { return s32(a) <= s32(b); }
inline uint32_t CvSleu(uint32_t a, uint32_t b, uint32_t, int32_t) { return a <= b; }
inline uint32_t CvMin(uint32_t a, uint32_t b, uint32_t, int32_t) { return s32(a) < s32(b) ? a : b; }
inline uint32_t CvMinu(uint32_t a, uint32_t b, uint32_t, int32_t) { return a < b ? a : b; }
inline uint32_t CvMax(uint32_t a, uint32_t b, uint32_t, int32_t) { return s32(a) < s32(b) ? b : a; }
inline uint32_t CvMaxu(uint32_t a, uint32_t b, uint32_t, int32_t) { return a < b ? b : a; }
inline uint32_t CvExths(uint32_t a, uint32_t, uint32_t, int32_t) { return sx(a, 16); }
inline uint32_t CvExthz(uint32_t a, uint32_t, uint32_t, int32_t) { return a & 0xffff; }
inline uint32_t CvExtbs(uint32_t a, uint32_t, uint32_t, int32_t) { return sx(a, 8); }
inline uint32_t CvExtbz(uint32_t a, uint32_t, uint32_t, int32_t) { return a & 0xff; }
// Clip to [-(bound+1), bound] (signed) or [0, bound] (unsigned).
inline uint32_t clip_s(uint32_t a, uint32_t bound) {
  const int64_t lo = -int64_t(bound) - 1, v = s32(a);
  return v <= lo ? u32(lo) : v >= int64_t(bound) ? bound : a;
}
inline uint32_t clip_u(uint32_t a, uint32_t bound) { return s32(a) <= 0 ? 0u : a >= bound ? bound : a; }
inline uint32_t CvClip(uint32_t a, uint32_t, uint32_t, int32_t i) { return clip_s(a, round_bit(uint32_t(i)) ? round_bit(uint32_t(i)) - 1 : 0); }
inline uint32_t CvClipu(uint32_t a, uint32_t, uint32_t, int32_t i) { return clip_u(a, round_bit(uint32_t(i)) ? round_bit(uint32_t(i)) - 1 : 0); }
inline uint32_t CvClipr(uint32_t a, uint32_t b, uint32_t, int32_t) { return clip_s(a, b & 0x7fffffffu); }
inline uint32_t CvClipur(uint32_t a, uint32_t b, uint32_t, int32_t) { return clip_u(a, b & 0x7fffffffu); }
// addN family: (rs1 +/- rs2 [+ 2^(Is3-1)]) >> Is3.
inline uint32_t CvAddN(uint32_t a, uint32_t b, uint32_t, int32_t i) { return asr(a + b, uint32_t(i)); }
inline uint32_t CvAdduN(uint32_t a, uint32_t b, uint32_t, int32_t i) { return lsr(a + b, uint32_t(i)); }
inline uint32_t CvAddRN(uint32_t a, uint32_t b, uint32_t, int32_t i) { return asr(a + b + round_bit(uint32_t(i)), uint32_t(i)); }
inline uint32_t CvAdduRN(uint32_t a, uint32_t b, uint32_t, int32_t i) { return lsr(a + b + round_bit(uint32_t(i)), uint32_t(i)); }
inline uint32_t CvSubN(uint32_t a, uint32_t b, uint32_t, int32_t i) { return asr(a - b, uint32_t(i)); }
inline uint32_t CvSubuN(uint32_t a, uint32_t b, uint32_t, int32_t i) { return lsr(a - b, uint32_t(i)); }
inline uint32_t CvSubRN(uint32_t a, uint32_t b, uint32_t, int32_t i) { return asr(a - b + round_bit(uint32_t(i)), uint32_t(i)); }
inline uint32_t CvSubuRN(uint32_t a, uint32_t b, uint32_t, int32_t i) { return lsr(a - b + round_bit(uint32_t(i)), uint32_t(i)); }
// Register forms: rd = (rd +/- rs1 [+ 2^(rs2[4:0]-1)]) >> rs2[4:0].
inline uint32_t CvAddNr(uint32_t a, uint32_t b, uint32_t d, int32_t) { return asr(d + a, b); }
inline uint32_t CvAdduNr(uint32_t a, uint32_t b, uint32_t d, int32_t) { return lsr(d + a, b); }
inline uint32_t CvAddRNr(uint32_t a, uint32_t b, uint32_t d, int32_t) { return asr(d + a + round_bit(b), b); }
inline uint32_t CvAdduRNr(uint32_t a, uint32_t b, uint32_t d, int32_t) { return lsr(d + a + round_bit(b), b); }
inline uint32_t CvSubNr(uint32_t a, uint32_t b, uint32_t d, int32_t) { return asr(d - a, b); }
inline uint32_t CvSubuNr(uint32_t a, uint32_t b, uint32_t d, int32_t) { return lsr(d - a, b); }
inline uint32_t CvSubRNr(uint32_t a, uint32_t b, uint32_t d, int32_t) { return asr(d - a + round_bit(b), b); }
inline uint32_t CvSubuRNr(uint32_t a, uint32_t b, uint32_t d, int32_t) { return lsr(d - a + round_bit(b), b); }

// ---- xcvbitmanip: fields [min(Is3+Is2,31):Is2]; the slot's imm is Is2 | Is3 << 5 ----
inline unsigned field_len(unsigned is3, unsigned is2) { return (is3 + is2 > 31 ? 31 : is3 + is2) - is2 + 1; }
inline uint32_t extract(uint32_t a, unsigned is3, unsigned is2, bool sign) {
  const unsigned n = field_len(is3, is2);
  const uint32_t v = (a >> is2) & lowmask(n);
  return sign ? sx(v, n) : v;
}
inline uint32_t field_mask(unsigned is3, unsigned is2) { return lowmask(field_len(is3, is2)) << is2; }
inline uint32_t CvExtract(uint32_t a, uint32_t, uint32_t, int32_t i) { return extract(a, (i >> 5) & 31, i & 31, true); }
inline uint32_t CvExtractu(uint32_t a, uint32_t, uint32_t, int32_t i) { return extract(a, (i >> 5) & 31, i & 31, false); }
inline uint32_t CvExtractr(uint32_t a, uint32_t b, uint32_t, int32_t) { return extract(a, (b >> 5) & 31, b & 31, true); }
inline uint32_t CvExtractur(uint32_t a, uint32_t b, uint32_t, int32_t) { return extract(a, (b >> 5) & 31, b & 31, false); }
inline uint32_t insert(uint32_t a, uint32_t d, unsigned is3, unsigned is2) {
  const uint32_t m = field_mask(is3, is2);
  return (d & ~m) | ((a << is2) & m);
}
inline uint32_t CvInsert(uint32_t a, uint32_t, uint32_t d, int32_t i) { return insert(a, d, (i >> 5) & 31, i & 31); }
inline uint32_t CvInsertr(uint32_t a, uint32_t b, uint32_t d, int32_t) { return insert(a, d, (b >> 5) & 31, b & 31); }
inline uint32_t CvBclr(uint32_t a, uint32_t, uint32_t, int32_t i) { return a & ~field_mask((i >> 5) & 31, i & 31); }
inline uint32_t CvBset(uint32_t a, uint32_t, uint32_t, int32_t i) { return a | field_mask((i >> 5) & 31, i & 31); }
inline uint32_t CvBclrr(uint32_t a, uint32_t b, uint32_t, int32_t) { return a & ~field_mask((b >> 5) & 31, b & 31); }
inline uint32_t CvBsetr(uint32_t a, uint32_t b, uint32_t, int32_t) { return a | field_mask((b >> 5) & 31, b & 31); }
inline uint32_t CvRor(uint32_t a, uint32_t b, uint32_t, int32_t) {
  const unsigned s = b & 31;
  return s ? (a >> s) | (a << (32 - s)) : a;
}
inline uint32_t CvFf1(uint32_t a, uint32_t, uint32_t, int32_t) { return a ? uint32_t(__builtin_ctz(a)) : 32; }
inline uint32_t CvFl1(uint32_t a, uint32_t, uint32_t, int32_t) { return a ? 31 - uint32_t(__builtin_clz(a)) : 32; }
inline uint32_t CvClb(uint32_t a, uint32_t, uint32_t, int32_t) { return a ? uint32_t(__builtin_clrsb(s32(a))) : 0; }
inline uint32_t CvCnt(uint32_t a, uint32_t, uint32_t, int32_t) { return uint32_t(__builtin_popcount(a)); }
// Bit reverse: drop the Is2 top bits, then reverse the order of the groups
// of Is3+1 bits (Is3 = 3 acts as 0) taken from the MSB; leftover low bits are lost.
inline uint32_t CvBitrev(uint32_t a, uint32_t, uint32_t, int32_t i) {
  const unsigned is2 = i & 31, is3 = (i >> 5) & 3;
  const unsigned g = is3 == 3 ? 1 : is3 + 1, n = 32 / g;
  const uint32_t v = a << is2;
  uint32_t r = 0;
  for (unsigned k = 0; k < n; ++k) r |= ((v >> (32 - g * (k + 1))) & lowmask(g)) << (g * k);
  return r;
}

// ---- xcvmac: 32x32 mac/msu and 16x16 forms (imm = Is3) ----
inline uint32_t CvMac(uint32_t a, uint32_t b, uint32_t d, int32_t) { return d + a * b; }
inline uint32_t CvMsu(uint32_t a, uint32_t b, uint32_t d, int32_t) { return d - a * b; }
inline uint32_t lo16s(uint32_t v) { return sx(v & 0xffff, 16); }
inline uint32_t hi16s(uint32_t v) { return sx(v >> 16, 16); }
inline uint32_t mul_n(uint32_t p, uint32_t d, int32_t i, bool round, bool sign) {
  const uint32_t s = d + p + (round ? round_bit(uint32_t(i)) : 0);
  return sign ? asr(s, uint32_t(i)) : lsr(s, uint32_t(i));
}
#define VP_CV_MUL16(NAME, PROD, ACC, ROUND, SIGN) \
  inline uint32_t NAME(uint32_t a, uint32_t b, uint32_t d, int32_t i) { (void)d; return mul_n(PROD, ACC, i, ROUND, SIGN); }
VP_CV_MUL16(CvMulsN, lo16s(a) * lo16s(b), 0, false, true)
VP_CV_MUL16(CvMulhhsN, hi16s(a) * hi16s(b), 0, false, true)
VP_CV_MUL16(CvMulsRN, lo16s(a) * lo16s(b), 0, true, true)
VP_CV_MUL16(CvMulhhsRN, hi16s(a) * hi16s(b), 0, true, true)
VP_CV_MUL16(CvMuluN, (a & 0xffff) * (b & 0xffff), 0, false, false)
VP_CV_MUL16(CvMulhhuN, (a >> 16) * (b >> 16), 0, false, false)
VP_CV_MUL16(CvMuluRN, (a & 0xffff) * (b & 0xffff), 0, true, false)
VP_CV_MUL16(CvMulhhuRN, (a >> 16) * (b >> 16), 0, true, false)
VP_CV_MUL16(CvMacsN, lo16s(a) * lo16s(b), d, false, true)
VP_CV_MUL16(CvMachhsN, hi16s(a) * hi16s(b), d, false, true)
VP_CV_MUL16(CvMacsRN, lo16s(a) * lo16s(b), d, true, true)
VP_CV_MUL16(CvMachhsRN, hi16s(a) * hi16s(b), d, true, true)
VP_CV_MUL16(CvMacuN, (a & 0xffff) * (b & 0xffff), d, false, false)
VP_CV_MUL16(CvMachhuN, (a >> 16) * (b >> 16), d, false, false)
VP_CV_MUL16(CvMacuRN, (a & 0xffff) * (b & 0xffff), d, true, false)
VP_CV_MUL16(CvMachhuRN, (a >> 16) * (b >> 16), d, true, false)
#undef VP_CV_MUL16

}  // namespace vp::rv::sem
