#pragma once
// RV32IMC + Zicsr as the decoder delivers it: one compact opcode per
// operation (compressed forms are expanded to these) with the fields already
// extracted. The executor turns it into a cache slot holding its handler.
#include <cstdint>

namespace vp::rv {

enum class Op : uint8_t {
  kUndecoded = 0,  // cache slot not filled yet (or invalidated by a store)
  kIllegal,
  kLui, kAuipc, kJal, kJalr,
  kBeq, kBne, kBlt, kBge, kBltu, kBgeu,
  kLb, kLh, kLw, kLbu, kLhu,
  kSb, kSh, kSw,
  kAddi, kSlti, kSltiu, kXori, kOri, kAndi, kSlli, kSrli, kSrai,
  kAdd, kSub, kSll, kSlt, kSltu, kXor, kSrl, kSra, kOr, kAnd,
  kMul, kMulh, kMulhsu, kMulhu, kDiv, kDivu, kRem, kRemu,
  kFence, kFenceI, kEcall, kEbreak, kMret, kWfi,
  kCsrrw, kCsrrs, kCsrrc, kCsrrwi, kCsrrsi, kCsrrci,
  kPageCross,  // sentinel slot past the end of a decode-cache page (never decoded)
  kCount
};

// Register index used as the destination when the instruction names x0:
// writes land in a scratch slot, so x0 reads as zero without a per-instruction reset.
constexpr uint8_t kZeroSink = 32;

struct Decoded {
  Op op = Op::kUndecoded;
  uint8_t rd = kZeroSink;  // kZeroSink for x0
  uint8_t rs1 = 0;         // 0 when the operation does not read it
  uint8_t rs2 = 0;         // 0 when the operation does not read it
  int32_t imm = 0;         // immediate; the CSR number for CSR ops
  uint8_t len = 4;         // 2 for a compressed instruction
  uint8_t uimm = 0;        // zimm of csrr*i (kept out of rs1: it is not a register read)
  uint8_t pad[2] = {0, 0};
  uint32_t raw = 0;        // the instruction word as fetched (16 bits for RVC), for mtval
};
static_assert(sizeof(Decoded) == 16, "one decoded instruction per 16 bytes");

// Decodes the instruction whose low bits are in `word` (only the low 16
// bits are used when they denote a compressed instruction).
Decoded decode(uint32_t word);

// Name of an operation, for traces and error reports.
const char* op_name(Op op);

inline bool is_compressed(uint32_t word) { return (word & 3) != 3; }

}  // namespace vp::rv
