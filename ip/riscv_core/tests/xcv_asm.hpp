#pragma once
// Encoders of CORE-V instructions for the tests, from the encoding tables of
// the CV32E40P v2 user manual (field by field, independent of rv_insn_xcv.def).
#include <cstdint>

namespace xcv {

// custom-0 (0x0b): register-immediate post-increment loads, cv.beqimm/bneimm.
inline uint32_t ld_post_i(uint32_t f3, uint32_t rd, uint32_t rs1, int32_t imm) {
  return (uint32_t(imm) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | 0x0b;
}
inline uint32_t lb_pi(uint32_t rd, uint32_t rs1, int32_t i) { return ld_post_i(0, rd, rs1, i); }
inline uint32_t lbu_pi(uint32_t rd, uint32_t rs1, int32_t i) { return ld_post_i(4, rd, rs1, i); }
inline uint32_t lh_pi(uint32_t rd, uint32_t rs1, int32_t i) { return ld_post_i(1, rd, rs1, i); }
inline uint32_t lhu_pi(uint32_t rd, uint32_t rs1, int32_t i) { return ld_post_i(5, rd, rs1, i); }
inline uint32_t lw_pi(uint32_t rd, uint32_t rs1, int32_t i) { return ld_post_i(2, rd, rs1, i); }
inline uint32_t br_imm(bool ne, uint32_t rs1, int32_t imm5, int32_t off) {
  const uint32_t o = uint32_t(off);
  return (((o >> 12) & 1) << 31) | (((o >> 5) & 0x3f) << 25) | ((uint32_t(imm5) & 31) << 20) | (rs1 << 15) |
         ((ne ? 7u : 6u) << 12) | (((o >> 1) & 0xf) << 8) | (((o >> 11) & 1) << 7) | 0x0b;
}
// custom-1 (0x2b), funct3 011: register forms, funct7 selects the operation.
inline uint32_t r(uint32_t f7, uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (3 << 12) | (rd << 7) | 0x2b;
}
inline uint32_t st_post_i(uint32_t f3, uint32_t rs2, uint32_t rs1, int32_t imm) {
  const uint32_t i = uint32_t(imm);
  return ((i >> 5) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((i & 31) << 7) | 0x2b;
}
inline uint32_t sw_pi(uint32_t rs2, uint32_t rs1, int32_t i) { return st_post_i(2, rs2, rs1, i); }
inline uint32_t sb_pi(uint32_t rs2, uint32_t rs1, int32_t i) { return st_post_i(0, rs2, rs1, i); }
// Hardware loops: custom-1, funct3 100, funct4 in bits 11:8, L in bit 7.
inline uint32_t hwl(uint32_t f4, uint32_t l, uint32_t rs1, uint32_t uimm_l) {
  return (uimm_l << 20) | (rs1 << 15) | (4 << 12) | (f4 << 8) | (l << 7) | 0x2b;
}
inline uint32_t starti(uint32_t l, uint32_t off) { return hwl(0, l, 0, off >> 2); }
inline uint32_t start(uint32_t l, uint32_t rs1) { return hwl(1, l, rs1, 0); }
inline uint32_t endi(uint32_t l, uint32_t off) { return hwl(2, l, 0, off >> 2); }
inline uint32_t end(uint32_t l, uint32_t rs1) { return hwl(3, l, rs1, 0); }
inline uint32_t counti(uint32_t l, uint32_t n) { return hwl(4, l, 0, n); }
inline uint32_t count(uint32_t l, uint32_t rs1) { return hwl(5, l, rs1, 0); }
inline uint32_t setupi(uint32_t l, uint32_t n, uint32_t end_off) { return hwl(6, l, end_off >> 2, n); }
inline uint32_t setup(uint32_t l, uint32_t rs1, uint32_t end_off) { return hwl(7, l, rs1, end_off >> 2); }
// custom-2 (0x5b): f2 in bits 31:30, Is3/Luimm5 in 29:25.
inline uint32_t c2(uint32_t f2, uint32_t f3, uint32_t rd, uint32_t rs1, uint32_t rs2_or_is2, uint32_t is3) {
  return (f2 << 30) | (is3 << 25) | (rs2_or_is2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | 0x5b;
}
// custom-3 (0x7b): SIMD. f3: 0 .h, 1 .b, 4 .sc.h, 5 .sc.b, 6 .sci.h, 7 .sci.b.
inline uint32_t simd(uint32_t f5, uint32_t f, uint32_t f3, uint32_t rd, uint32_t rs1, uint32_t rs2, uint32_t b25 = 0) {
  return (f5 << 27) | (f << 26) | (b25 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | 0x7b;
}
inline uint32_t simd_i(uint32_t f5, uint32_t f, uint32_t f3, uint32_t rd, uint32_t rs1, int32_t imm6) {
  const uint32_t i = uint32_t(imm6) & 63;
  return simd(f5, f, f3, rd, rs1, i >> 1, i & 1);
}

}  // namespace xcv
