// Decoder: 32-bit words by the match/mask lines of rv_insn.def; compressed
// instructions (RISC-V Unprivileged ISA 20191213, chapter 16) expand to their
// base equivalents here, so the executor knows only table operations.
#include <cstddef>
#include <vector>

#include "rv_isa.hpp"

namespace vp::rv {
namespace {

constexpr InsnInfo kInfo[] = {
#define RV_INSN(ID, NAME, DIS, MATCH, MASK, FMT, MEM, FLAGS, TIMING, EXT, SHAPE) \
  {NAME, DIS, (MATCH), (MASK), Fmt::k##FMT, MEM, FLAGS, Timing::TIMING, Ext::EXT},
#include "rv_insn.def"
#undef RV_INSN
};
static_assert(sizeof(kInfo) / sizeof(kInfo[0]) == static_cast<size_t>(Op::kCount), "one entry per op");

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

// The operations of rv_insn.def, bucketed by major opcode (bits 6:2) in
// table order, so the first matching line wins.
struct Buckets {
  std::vector<uint16_t> by_major[32];
  Buckets() {
    for (unsigned i = 0; i < static_cast<unsigned>(Op::kCount); ++i) {
      const InsnInfo& in = kInfo[i];
      if (in.mask == 0) continue;  // internal operation
      by_major[(in.match >> 2) & 31].push_back(static_cast<uint16_t>(i));
    }
  }
};

Decoded decode32(uint32_t w, uint32_t isa) {
  static const Buckets buckets;
  const InsnInfo* in = nullptr;
  Op op = Op::kIllegal;
  for (uint16_t i : buckets.by_major[(w >> 2) & 31]) {
    if ((w & kInfo[i].mask) == kInfo[i].match) {
      in = &kInfo[i];
      op = static_cast<Op>(i);
      break;
    }
  }
  if (!in || !(isa & ext_bit(in->ext))) return illegal(w, 4);
  const uint32_t rd = bits(w, 11, 7), rs1 = bits(w, 19, 15), rs2 = bits(w, 24, 20);
  const int32_t imm_i = static_cast<int32_t>(w) >> 20;
  const int32_t imm_s = static_cast<int32_t>((static_cast<int32_t>(w) >> 25) * 32) | static_cast<int32_t>(rd);
  const int32_t imm_b = sext((bit(w, 31) << 12) | (bit(w, 7) << 11) | (bits(w, 30, 25) << 5) | (bits(w, 11, 8) << 1), 13);
  const uint32_t imm6 = (rs2 << 1) | bit(w, 25);
  switch (in->fmt) {
    case Fmt::kR: return make(op, rd, rs1, rs2, 0, w, 4);
    case Fmt::kR1: return make(op, rd, rs1, 0, 0, w, 4);
    case Fmt::kI: case Fmt::kLoad: case Fmt::kJalr: case Fmt::kLdPostI: return make(op, rd, rs1, 0, imm_i, w, 4);
    case Fmt::kShift: case Fmt::kRI5: return make(op, rd, rs1, 0, static_cast<int32_t>(rs2), w, 4);
    case Fmt::kStore: case Fmt::kStPostI: return make(op, 0, rs1, rs2, imm_s, w, 4);
    case Fmt::kBranch: return make(op, 0, rs1, rs2, imm_b, w, 4);
    case Fmt::kU: return make(op, rd, 0, 0, static_cast<int32_t>(w & 0xfffff000u), w, 4);
    case Fmt::kJal:
      return make(op, rd, 0, 0,
                  sext((bit(w, 31) << 20) | (bits(w, 19, 12) << 12) | (bit(w, 20) << 11) | (bits(w, 30, 21) << 1), 21),
                  w, 4);
    case Fmt::kCsr: return make(op, rd, rs1, 0, static_cast<int32_t>(bits(w, 31, 20)), w, 4);
    case Fmt::kCsrI: {
      Decoded d = make(op, rd, 0, 0, static_cast<int32_t>(bits(w, 31, 20)), w, 4);
      d.uimm = static_cast<uint8_t>(rs1);
      return d;
    }
    case Fmt::kNone: case Fmt::kFence: case Fmt::kIllegal: return make(op, 0, 0, 0, 0, w, 4);
    case Fmt::kLdPostR: case Fmt::kLdRR: return make(op, rd, rs1, rs2, 0, w, 4);
    case Fmt::kStPostR: case Fmt::kStRR: {
      Decoded d = make(op, 0, rs1, rs2, 0, w, 4);
      d.rs3 = static_cast<uint8_t>(rd);
      return d;
    }
    case Fmt::kHwlI: case Fmt::kHwlCnt: case Fmt::kHwlR: case Fmt::kHwlSetupI: case Fmt::kHwlSetup: {
      const uint32_t uimm_l = bits(w, 31, 20);
      Decoded d = make(op, 0, 0, 0, 0, w, 4);
      d.uimm = static_cast<uint8_t>(bit(w, 7));
      if (in->fmt == Fmt::kHwlR || in->fmt == Fmt::kHwlSetup) d.rs1 = static_cast<uint8_t>(rs1);
      if (in->fmt == Fmt::kHwlI) d.imm = static_cast<int32_t>(uimm_l << 2);
      if (in->fmt == Fmt::kHwlCnt || in->fmt == Fmt::kHwlSetupI) d.imm = static_cast<int32_t>(uimm_l);
      if (in->fmt == Fmt::kHwlSetupI) d.imm2 = static_cast<int16_t>(rs1 << 2);
      if (in->fmt == Fmt::kHwlSetup) d.imm2 = static_cast<int16_t>(uimm_l << 2);
      return d;
    }
    case Fmt::kRRI5: return make(op, rd, rs1, rs2, static_cast<int32_t>(bits(w, 29, 25)), w, 4);
    case Fmt::kBitI: {
      Decoded d = make(op, rd, rs1, 0, static_cast<int32_t>(rs2), w, 4);
      d.uimm = static_cast<uint8_t>(bits(w, 29, 25));
      return d;
    }
    case Fmt::kBrImm: {
      Decoded d = make(op, 0, rs1, 0, imm_b, w, 4);
      d.imm2 = static_cast<int16_t>(sext(rs2, 5));
      return d;
    }
    case Fmt::kSimdI: return make(op, rd, rs1, 0, sext(imm6, 6), w, 4);
    case Fmt::kSimdIU: return make(op, rd, rs1, 0, static_cast<int32_t>(imm6), w, 4);
  }
  return illegal(w, 4);
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

const InsnInfo& info(Op op) { return kInfo[static_cast<unsigned>(op)]; }

Decoded decode(uint32_t word, uint32_t isa) {
  if (is_compressed(word)) return decode16(word);
  if ((word & 0x1c) == 0x1c) return illegal(word, 4);  // 48-bit and longer encodings
  return decode32(word, isa);
}

}  // namespace vp::rv
