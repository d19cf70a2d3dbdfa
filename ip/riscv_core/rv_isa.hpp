#pragma once
// The instruction set as the decoder delivers it: one compact opcode per
// operation (compressed forms are expanded to these) with the fields already
// extracted. Every operation and its properties come from rv_insn.def.
#include <cstdint>

namespace vp::rv {

enum class Op : uint16_t {
#define RV_INSN(ID, ...) k##ID,
#include "rv_insn.def"
#undef RV_INSN
  kCount
};

// The operations a compressed (2-byte) instruction decodes to. The
// interpreter compiles a 2-byte copy of the handlers that step to the next
// slot (STEPPING: their stride is a constant, rv_interpreter.hpp); the others
// jump or trap and read the length from the slot. test_riscv_decoder checks
// that every compressed encoding decodes to one of these.
#define RV_C_STEPPING(X) X(Lui) X(Addi) X(Andi) X(Slli) X(Srli) X(Srai) X(Add) X(Sub) X(Xor) X(Or) X(And) X(Lw) X(Sw) X(Beq) X(Bne)
#define RV_C_NONSTEPPING(X) X(Jal) X(Jalr) X(Ebreak) X(Illegal)

// Operand formats: which fields the decoder extracts and how they print.
enum class Fmt : uint8_t {
  kNone, kIllegal,
  kR,        // rd,rs1,rs2
  kR1,       // rd,rs1
  kI,        // rd,rs1,imm
  kShift,    // rd,rs1,shamt
  kLoad,     // rd,imm(rs1)
  kStore,    // rs2,imm(rs1)
  kBranch,   // rs1,rs2,target
  kU, kJal, kJalr,
  kCsr,      // rd,csr,rs1 (imm = csr)
  kCsrI,     // rd,csr,uimm (imm = csr, uimm = zimm)
  kFence,
  kLdPostI,  // rd,(rs1),imm          rs1 += imm after the access
  kLdPostR,  // rd,(rs1),rs2          rs1 += rs2
  kLdRR,     // rd,rs2(rs1)
  kStPostI,  // rs2,(rs1),imm
  kStPostR,  // rs2,(rs1),rs3         (rs3 in bits 11:7)
  kStRR,     // rs2,rs3(rs1)
  kHwlI,     // L,target              (imm = uimmL << 2, uimm = L)
  kHwlCnt,   // L,uimmL               (imm = uimmL, uimm = L)
  kHwlR,     // L,rs1                 (uimm = L)
  kHwlSetupI,  // L,uimmL,target      (imm = uimmL, imm2 = uimmS << 2, uimm = L)
  kHwlSetup,   // L,rs1,target        (imm2 = uimmL << 2, uimm = L)
  kRI5,      // rd,rs1,uimm5          (bits 24:20)
  kRRI5,     // rd,rs1,rs2,uimm5      (bits 29:25)
  kBitI,     // rd,rs1,Is3,Is2        (imm = Is2, uimm = Is3)
  kBrImm,    // rs1,simm5,target      (imm = offset, imm2 = simm5)
  kSimdI,    // rd,rs1,simm6
  kSimdIU,   // rd,rs1,uimm6
};

// Extensions; `core.isa` enables a set of them (mask of 1 << Ext).
enum class Ext : uint8_t { kI, kM, kXcvmem, kXcvhwlp, kXcvalu, kXcvbitmanip, kXcvmac, kXcvsimd, kXcvbi, kXcvelw };
constexpr uint32_t ext_bit(Ext e) { return 1u << static_cast<unsigned>(e); }
constexpr uint32_t kIsaRv32imc = ext_bit(Ext::kI) | ext_bit(Ext::kM);
constexpr uint32_t kIsaRv32imcXcv = kIsaRv32imc | ext_bit(Ext::kXcvmem) | ext_bit(Ext::kXcvhwlp) |
                                    ext_bit(Ext::kXcvalu) | ext_bit(Ext::kXcvbitmanip) | ext_bit(Ext::kXcvmac) |
                                    ext_bit(Ext::kXcvsimd) | ext_bit(Ext::kXcvbi) | ext_bit(Ext::kXcvelw);

// Timing classes (CV32E40P user manual, "Cycle counts per instruction type").
enum class Timing : uint8_t { kAlu, kMul, kMulh, kDiv, kLoad, kStore, kBranch, kJump, kCsr };

// Instruction flags.
constexpr uint8_t kSt = 1;      // the data access is a store
constexpr uint8_t kWrRs1 = 2;   // writes rs1 too (post-increment address)
constexpr uint8_t kRdRd = 4;    // reads rd (accumulators, inserts)

// One line of rv_insn.def.
struct InsnInfo {
  const char* name;
  const char* dis;
  uint32_t match, mask;
  Fmt fmt;
  uint8_t mem;  // data access bytes (0: none)
  uint8_t flags;
  Timing timing;
  Ext ext;
};
const InsnInfo& info(Op op);

// Register index used as the destination when the instruction names x0:
// writes land in a scratch slot, so x0 reads as zero without a per-instruction reset.
constexpr uint8_t kZeroSink = 32;

struct Decoded {
  Op op = Op::kUndecoded;
  uint8_t rd = kZeroSink;  // kZeroSink for x0
  uint8_t rs1 = 0;         // 0 when the operation does not read it
  uint8_t rs2 = 0;         // 0 when the operation does not read it
  uint8_t rs3 = 0;         // third source (xcvmem register stores: the offset register)
  int32_t imm = 0;         // immediate; the CSR number for CSR ops
  uint8_t len = 4;         // 2 for a compressed instruction
  uint8_t uimm = 0;        // zimm of csrr*i; Is3, loop number L (see Fmt)
  int16_t imm2 = 0;        // second immediate of some CORE-V forms (see Fmt)
  uint32_t raw = 0;        // the instruction word as fetched (16 bits for RVC), for mtval
};
static_assert(sizeof(Decoded) == 20, "decoded instruction layout");

// Decodes the instruction whose low bits are in `word` (only the low 16
// bits are used when they denote a compressed instruction). Operations of
// extensions outside `isa` (a mask of ext_bit) decode as illegal.
Decoded decode(uint32_t word, uint32_t isa = kIsaRv32imcXcv);

// Name of an operation, for traces and error reports.
inline const char* op_name(Op op) { return static_cast<unsigned>(op) < static_cast<unsigned>(Op::kCount) ? info(op).name : "?"; }

// The data access an instruction makes, given its source registers' values
// (post-increment forms access the unincremented address). False: none.
struct DataAccess {
  uint32_t addr = 0;
  unsigned size = 0;
  bool store = false;
};
template <class RegRead>
bool data_access(const Decoded& d, RegRead reg, DataAccess& a) {
  const InsnInfo& in = info(d.op);
  if (!in.mem) return false;
  a.size = in.mem;
  a.store = (in.flags & kSt) != 0;
  const uint32_t base = reg(d.rs1);
  switch (in.fmt) {
    case Fmt::kLdPostI: case Fmt::kLdPostR: case Fmt::kStPostI: case Fmt::kStPostR: a.addr = base; break;
    case Fmt::kLdRR: a.addr = base + reg(d.rs2); break;
    case Fmt::kStRR: a.addr = base + reg(d.rs3); break;
    default: a.addr = base + static_cast<uint32_t>(d.imm); break;
  }
  return true;
}

// Registers an instruction writes: rd (unless x0) and, for post-increment
// forms, rs1. Returns how many (0..2) it put in `regs`; with rd == rs1 the
// loaded value wins, so the register is listed once.
inline unsigned written_regs(const Decoded& d, uint8_t regs[2]) {
  if (d.op == Op::kIllegal || d.op == Op::kUndecoded) return 0;
  unsigned n = 0;
  const InsnInfo& in = info(d.op);
  if (d.rd != kZeroSink) regs[n++] = d.rd;
  if ((in.flags & kWrRs1) && d.rs1 != 0 && !(n && regs[0] == d.rs1)) regs[n++] = d.rs1;
  return n;
}

inline bool is_compressed(uint32_t word) { return (word & 3) != 3; }

}  // namespace vp::rv
