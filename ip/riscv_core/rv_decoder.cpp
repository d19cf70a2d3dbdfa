// RV32IMC + Zicsr decoder (RISC-V Unprivileged ISA 20191213, chapters 2, 7,
// 9, 16). Compressed instructions expand to their base equivalents here, so
// the executor knows only base operations.
#include <cstddef>

#include "rv_isa.hpp"

namespace vp::rv {
namespace {

inline uint32_t bits(uint32_t w, int hi, int lo) { return (w >> lo) & ((1u << (hi - lo + 1)) - 1); }
inline uint32_t bit(uint32_t w, int b) { return (w >> b) & 1; }
inline int32_t sext(uint32_t v, int width) {
  const uint32_t m = 1u << (width - 1);
  return static_cast<int32_t>((v ^ m) - m);
}

Decoded make(Op op, uint32_t rd, uint32_t rs1, uint32_t rs2, int32_t imm, uint32_t raw, uint8_t len) {
  Decoded d;
  d.op = op;
  d.rd = rd == 0 ? kZeroSink : static_cast<uint8_t>(rd);
  d.rs1 = static_cast<uint8_t>(rs1);
  d.rs2 = static_cast<uint8_t>(rs2);
  d.imm = imm;
  d.raw = raw;
  d.len = len;
  return d;
}

Decoded illegal(uint32_t raw, uint8_t len) {
  Decoded d;
  d.op = Op::kIllegal;
  d.raw = raw;
  d.len = len;
  return d;
}

Decoded decode32(uint32_t w) {
  const uint32_t rd = bits(w, 11, 7), f3 = bits(w, 14, 12), rs1 = bits(w, 19, 15), rs2 = bits(w, 24, 20);
  const uint32_t f7 = bits(w, 31, 25);
  const int32_t imm_i = static_cast<int32_t>(w) >> 20;
  const int32_t imm_s = static_cast<int32_t>((static_cast<int32_t>(w) >> 25) * 32) | static_cast<int32_t>(rd);
  const int32_t imm_b = sext((bit(w, 31) << 12) | (bit(w, 7) << 11) | (bits(w, 30, 25) << 5) | (bits(w, 11, 8) << 1), 13);
  const int32_t imm_u = static_cast<int32_t>(w & 0xfffff000u);
  const int32_t imm_j = sext((bit(w, 31) << 20) | (bits(w, 19, 12) << 12) | (bit(w, 20) << 11) | (bits(w, 30, 21) << 1), 21);
  auto bad = [&] { return illegal(w, 4); };
  switch (bits(w, 6, 0)) {
    case 0x37: return make(Op::kLui, rd, 0, 0, imm_u, w, 4);
    case 0x17: return make(Op::kAuipc, rd, 0, 0, imm_u, w, 4);
    case 0x6f: return make(Op::kJal, rd, 0, 0, imm_j, w, 4);
    case 0x67: return f3 == 0 ? make(Op::kJalr, rd, rs1, 0, imm_i, w, 4) : bad();
    case 0x63: {
      static const Op ops[8] = {Op::kBeq, Op::kBne, Op::kIllegal, Op::kIllegal,
                                Op::kBlt, Op::kBge, Op::kBltu, Op::kBgeu};
      if (ops[f3] == Op::kIllegal) return bad();
      Decoded d = make(ops[f3], 0, rs1, rs2, imm_b, w, 4);
      d.rd = kZeroSink;
      return d;
    }
    case 0x03: {
      static const Op ops[8] = {Op::kLb, Op::kLh, Op::kLw, Op::kIllegal,
                                Op::kLbu, Op::kLhu, Op::kIllegal, Op::kIllegal};
      return ops[f3] == Op::kIllegal ? bad() : make(ops[f3], rd, rs1, 0, imm_i, w, 4);
    }
    case 0x23: {
      static const Op ops[8] = {Op::kSb, Op::kSh, Op::kSw, Op::kIllegal,
                                Op::kIllegal, Op::kIllegal, Op::kIllegal, Op::kIllegal};
      return ops[f3] == Op::kIllegal ? bad() : make(ops[f3], 0, rs1, rs2, imm_s, w, 4);
    }
    case 0x13:
      switch (f3) {
        case 0: return make(Op::kAddi, rd, rs1, 0, imm_i, w, 4);
        case 2: return make(Op::kSlti, rd, rs1, 0, imm_i, w, 4);
        case 3: return make(Op::kSltiu, rd, rs1, 0, imm_i, w, 4);
        case 4: return make(Op::kXori, rd, rs1, 0, imm_i, w, 4);
        case 6: return make(Op::kOri, rd, rs1, 0, imm_i, w, 4);
        case 7: return make(Op::kAndi, rd, rs1, 0, imm_i, w, 4);
        case 1: return f7 == 0 ? make(Op::kSlli, rd, rs1, 0, static_cast<int32_t>(rs2), w, 4) : bad();
        default:  // 5
          if (f7 == 0) return make(Op::kSrli, rd, rs1, 0, static_cast<int32_t>(rs2), w, 4);
          if (f7 == 0x20) return make(Op::kSrai, rd, rs1, 0, static_cast<int32_t>(rs2), w, 4);
          return bad();
      }
    case 0x33: {
      static const Op base[8] = {Op::kAdd, Op::kSll, Op::kSlt, Op::kSltu, Op::kXor, Op::kSrl, Op::kOr, Op::kAnd};
      static const Op mext[8] = {Op::kMul, Op::kMulh, Op::kMulhsu, Op::kMulhu,
                                 Op::kDiv, Op::kDivu, Op::kRem, Op::kRemu};
      if (f7 == 0) return make(base[f3], rd, rs1, rs2, 0, w, 4);
      if (f7 == 1) return make(mext[f3], rd, rs1, rs2, 0, w, 4);
      if (f7 == 0x20 && f3 == 0) return make(Op::kSub, rd, rs1, rs2, 0, w, 4);
      if (f7 == 0x20 && f3 == 5) return make(Op::kSra, rd, rs1, rs2, 0, w, 4);
      return bad();
    }
    case 0x0f:
      if (f3 == 0) return make(Op::kFence, 0, 0, 0, 0, w, 4);
      if (f3 == 1) return make(Op::kFenceI, 0, 0, 0, 0, w, 4);
      return bad();
    case 0x73: {
      if (f3 == 0) {
        if (w == 0x00000073u) return make(Op::kEcall, 0, 0, 0, 0, w, 4);
        if (w == 0x00100073u) return make(Op::kEbreak, 0, 0, 0, 0, w, 4);
        if (w == 0x30200073u) return make(Op::kMret, 0, 0, 0, 0, w, 4);
        if (w == 0x10500073u) return make(Op::kWfi, 0, 0, 0, 0, w, 4);
        return bad();
      }
      static const Op ops[8] = {Op::kIllegal, Op::kCsrrw, Op::kCsrrs, Op::kCsrrc,
                                Op::kIllegal, Op::kCsrrwi, Op::kCsrrsi, Op::kCsrrci};
      if (ops[f3] == Op::kIllegal) return bad();
      const int32_t csr = static_cast<int32_t>(bits(w, 31, 20));
      if (f3 < 4) return make(ops[f3], rd, rs1, 0, csr, w, 4);
      Decoded d = make(ops[f3], rd, 0, 0, csr, w, 4);
      d.uimm = static_cast<uint8_t>(rs1);
      return d;
    }
    default:
      return bad();
  }
}

Decoded decode16(uint32_t w) {
  w &= 0xffff;
  auto bad = [&] { return illegal(w, 2); };
  const uint32_t f3 = bits(w, 15, 13);
  const uint32_t rdp = 8 + bits(w, 4, 2), rs1p = 8 + bits(w, 9, 7);  // x8..x15 forms
  const uint32_t rd = bits(w, 11, 7), rs2 = bits(w, 6, 2);
  const int32_t imm6 = sext((bit(w, 12) << 5) | bits(w, 6, 2), 6);
  switch (bits(w, 1, 0)) {
    case 0:
      switch (f3) {
        case 0: {
          const uint32_t nzuimm = (bits(w, 12, 11) << 4) | (bits(w, 10, 7) << 6) | (bit(w, 6) << 2) | (bit(w, 5) << 3);
          if (nzuimm == 0) return bad();  // includes the all-zero word
          return make(Op::kAddi, rdp, 2, 0, static_cast<int32_t>(nzuimm), w, 2);
        }
        case 2: {
          const uint32_t uimm = (bits(w, 12, 10) << 3) | (bit(w, 6) << 2) | (bit(w, 5) << 6);
          return make(Op::kLw, rdp, rs1p, 0, static_cast<int32_t>(uimm), w, 2);
        }
        case 6: {
          const uint32_t uimm = (bits(w, 12, 10) << 3) | (bit(w, 6) << 2) | (bit(w, 5) << 6);
          return make(Op::kSw, 0, rs1p, rdp, static_cast<int32_t>(uimm), w, 2);
        }
        default: return bad();  // C.FLD/C.FLW/C.FSD/C.FSW and reserved
      }
    case 1:
      switch (f3) {
        case 0: return make(Op::kAddi, rd, rd, 0, imm6, w, 2);  // C.ADDI, C.NOP
        case 1:
        case 5: {  // C.JAL (RV32), C.J
          const uint32_t off = (bit(w, 12) << 11) | (bit(w, 11) << 4) | (bits(w, 10, 9) << 8) | (bit(w, 8) << 10) |
                               (bit(w, 7) << 6) | (bit(w, 6) << 7) | (bits(w, 5, 3) << 1) | (bit(w, 2) << 5);
          return make(Op::kJal, f3 == 1 ? 1 : 0, 0, 0, sext(off, 12), w, 2);
        }
        case 2: return make(Op::kAddi, rd, 0, 0, imm6, w, 2);  // C.LI
        case 3:
          if (rd == 2) {  // C.ADDI16SP
            const uint32_t v = (bit(w, 12) << 9) | (bit(w, 6) << 4) | (bit(w, 5) << 6) | (bits(w, 4, 3) << 7) |
                               (bit(w, 2) << 5);
            if (v == 0) return bad();
            return make(Op::kAddi, 2, 2, 0, sext(v, 10), w, 2);
          } else {  // C.LUI
            if (imm6 == 0) return bad();
            return make(Op::kLui, rd, 0, 0, static_cast<int32_t>(static_cast<uint32_t>(imm6) << 12), w, 2);
          }
        case 4: {
          const uint32_t shamt = (bit(w, 12) << 5) | bits(w, 6, 2);
          switch (bits(w, 11, 10)) {
            case 0: return bit(w, 12) ? bad() : make(Op::kSrli, rs1p, rs1p, 0, static_cast<int32_t>(shamt), w, 2);
            case 1: return bit(w, 12) ? bad() : make(Op::kSrai, rs1p, rs1p, 0, static_cast<int32_t>(shamt), w, 2);
            case 2: return make(Op::kAndi, rs1p, rs1p, 0, imm6, w, 2);
            default: {
              if (bit(w, 12)) return bad();  // C.SUBW/C.ADDW are RV64
              static const Op ops[4] = {Op::kSub, Op::kXor, Op::kOr, Op::kAnd};
              return make(ops[bits(w, 6, 5)], rs1p, rs1p, rdp, 0, w, 2);
            }
          }
        }
        default: {  // 6: C.BEQZ, 7: C.BNEZ
          const uint32_t off = (bit(w, 12) << 8) | (bits(w, 11, 10) << 3) | (bits(w, 6, 5) << 6) |
                               (bits(w, 4, 3) << 1) | (bit(w, 2) << 5);
          return make(f3 == 6 ? Op::kBeq : Op::kBne, 0, rs1p, 0, sext(off, 9), w, 2);
        }
      }
    case 2:
      switch (f3) {
        case 0: {
          const uint32_t shamt = (bit(w, 12) << 5) | bits(w, 6, 2);
          if (bit(w, 12)) return bad();
          return make(Op::kSlli, rd, rd, 0, static_cast<int32_t>(shamt), w, 2);
        }
        case 2: {
          if (rd == 0) return bad();
          const uint32_t uimm = (bit(w, 12) << 5) | (bits(w, 6, 4) << 2) | (bits(w, 3, 2) << 6);
          return make(Op::kLw, rd, 2, 0, static_cast<int32_t>(uimm), w, 2);
        }
        case 4:
          if (!bit(w, 12)) {
            if (rs2 == 0) return rd == 0 ? bad() : make(Op::kJalr, 0, rd, 0, 0, w, 2);  // C.JR
            return make(Op::kAdd, rd, 0, rs2, 0, w, 2);                                    // C.MV
          }
          if (rs2 == 0) {
            if (rd == 0) return make(Op::kEbreak, 0, 0, 0, 0, w, 2);  // C.EBREAK
            return make(Op::kJalr, 1, rd, 0, 0, w, 2);                 // C.JALR
          }
          return make(Op::kAdd, rd, rd, rs2, 0, w, 2);  // C.ADD
        case 6: {
          const uint32_t uimm = (bits(w, 12, 9) << 2) | (bits(w, 8, 7) << 6);
          return make(Op::kSw, 0, 2, rs2, static_cast<int32_t>(uimm), w, 2);
        }
        default: return bad();  // floating-point forms
      }
    default:
      return bad();  // not reached: 32-bit forms go to decode32
  }
}

}  // namespace

Decoded decode(uint32_t word) {
  if (is_compressed(word)) return decode16(word);
  if ((word & 0x1c) == 0x1c) return illegal(word, 4);  // 48-bit and longer encodings
  return decode32(word);
}

const char* op_name(Op op) {
  static const char* const names[] = {
      "undecoded", "illegal", "lui", "auipc", "jal", "jalr", "beq", "bne", "blt", "bge", "bltu", "bgeu",
      "lb", "lh", "lw", "lbu", "lhu", "sb", "sh", "sw", "addi", "slti", "sltiu", "xori", "ori", "andi",
      "slli", "srli", "srai", "add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and",
      "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu", "fence", "fence.i", "ecall",
      "ebreak", "mret", "wfi", "csrrw", "csrrs", "csrrc", "csrrwi", "csrrsi", "csrrci", "page-cross"};
  static_assert(sizeof(names) / sizeof(names[0]) == static_cast<size_t>(Op::kCount), "one name per op");
  const auto i = static_cast<size_t>(op);
  return i < static_cast<size_t>(Op::kCount) ? names[i] : "?";
}

}  // namespace vp::rv
