// Mnemonic and operand format come from rv_insn.def; then the aliases
// objdump applies (binutils opcodes/riscv-opc.c: INSN_ALIAS entries), so a
// trace reads like `objdump -d` of the same program.
#include "rv_disasm.hpp"

#include <fmt/format.h>

namespace vp::rv {
namespace {

const char* const kAbi[32] = {"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
                              "a1",   "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
                              "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};

std::string csr_text(uint32_t csr) {
  const char* n = csr_name(csr);
  return n ? std::string(n) : fmt::format("{:#x}", csr);
}

std::string fence_set(uint32_t bits4) {
  std::string s;
  if (bits4 & 8) s += 'i';
  if (bits4 & 4) s += 'o';
  if (bits4 & 2) s += 'r';
  if (bits4 & 1) s += 'w';
  return s.empty() ? "0" : s;
}

}  // namespace

const char* abi_name(unsigned reg) { return reg < 32 ? kAbi[reg] : "?"; }

const char* csr_name(uint32_t csr) {
  switch (csr) {
    case 0x300: return "mstatus";
    case 0x301: return "misa";
    case 0x304: return "mie";
    case 0x305: return "mtvec";
    case 0x310: return "mstatush";
    case 0x320: return "mcountinhibit";
    case 0x340: return "mscratch";
    case 0x341: return "mepc";
    case 0x342: return "mcause";
    case 0x343: return "mtval";
    case 0x344: return "mip";
    case 0xb00: return "mcycle";
    case 0xb02: return "minstret";
    case 0xb80: return "mcycleh";
    case 0xb82: return "minstreth";
    case 0xc00: return "cycle";
    case 0xc01: return "time";
    case 0xc02: return "instret";
    case 0xc80: return "cycleh";
    case 0xc81: return "timeh";
    case 0xc82: return "instreth";
    case 0xf11: return "mvendorid";
    case 0xf12: return "marchid";
    case 0xf13: return "mimpid";
    case 0xf14: return "mhartid";
    case 0xf15: return "mconfigptr";
    default: break;
  }
  static char names[3][29][16];  // mhpmcounter3..31(h), mhpmevent3..31
  auto numbered = [](int kind, uint32_t n, const char* fmt_text) -> const char* {
    char* s = names[kind][n - 3];
    if (!s[0]) fmt::format_to_n(s, sizeof(names[0][0]) - 1, fmt::runtime(fmt_text), n);
    return s;
  };
  if (csr >= 0xb03 && csr <= 0xb1f) return numbered(0, csr - 0xb00, "mhpmcounter{}");
  if (csr >= 0xb83 && csr <= 0xb9f) return numbered(1, csr - 0xb80, "mhpmcounter{}h");
  if (csr >= 0x323 && csr <= 0x33f) return numbered(2, csr - 0x320, "mhpmevent{}");
  return nullptr;
}

std::string disassemble(uint32_t word, uint32_t pc) { return disassemble(decode(word), pc); }

std::string disassemble(const Decoded& d, uint32_t pc) {
  const InsnInfo& en = info(static_cast<size_t>(d.op) < static_cast<size_t>(Op::kCount) ? d.op : Op::kUndecoded);
  const unsigned rd = d.rd == kZeroSink ? 0 : d.rd, rs1 = d.rs1, rs2 = d.rs2;
  const char *RD = kAbi[rd], *RS1 = kAbi[rs1], *RS2 = kAbi[rs2];
  const int32_t imm = d.imm;
  const uint32_t target = pc + static_cast<uint32_t>(imm);
  const bool compressed = d.len == 2;

  // objdump's aliases first: the first matching rule names the instruction.
  switch (d.op) {
    case Op::kIllegal:
      if (d.raw == 0 && compressed) return "unimp";
      return compressed ? fmt::format(".2byte {:#x}", d.raw) : fmt::format(".4byte {:#x}", d.raw);
    case Op::kAddi:
      if (rd == 0 && rs1 == 0 && imm == 0) return "nop";
      if (rs1 == 0) return fmt::format("li {},{}", RD, imm);
      if (imm == 0 && !compressed) return fmt::format("mv {},{}", RD, RS1);
      break;
    case Op::kAndi:
      if (imm == 255) return fmt::format("zext.b {},{}", RD, RS1);
      break;
    case Op::kXori:
      if (imm == -1) return fmt::format("not {},{}", RD, RS1);
      break;
    case Op::kSltiu:
      if (imm == 1) return fmt::format("seqz {},{}", RD, RS1);
      break;
    case Op::kAdd:
      if (compressed && rs1 == 0) return fmt::format("mv {},{}", RD, RS2);  // c.mv
      break;
    case Op::kSub:
      if (rs1 == 0) return fmt::format("neg {},{}", RD, RS2);
      break;
    case Op::kSltu:
      if (rs1 == 0) return fmt::format("snez {},{}", RD, RS2);
      break;
    case Op::kSlt:
      if (rs2 == 0) return fmt::format("sltz {},{}", RD, RS1);
      if (rs1 == 0) return fmt::format("sgtz {},{}", RD, RS2);
      break;
    case Op::kJal:
      if (rd == 0) return fmt::format("j {:x}", target);
      if (rd == 1) return fmt::format("jal {:x}", target);
      break;
    case Op::kJalr:
      if (imm == 0 && rd == 0 && rs1 == 1) return "ret";
      if (imm == 0 && rd == 0) return fmt::format("jr {}", RS1);
      if (imm == 0 && rd == 1) return fmt::format("jalr {}", RS1);
      if (imm == 0) return fmt::format("jalr {},{}", RD, RS1);
      break;
    case Op::kBeq:
      if (rs2 == 0) return fmt::format("beqz {},{:x}", RS1, target);
      break;
    case Op::kBne:
      if (rs2 == 0) return fmt::format("bnez {},{:x}", RS1, target);
      break;
    case Op::kBlt:
      if (rs2 == 0) return fmt::format("bltz {},{:x}", RS1, target);
      if (rs1 == 0) return fmt::format("bgtz {},{:x}", RS2, target);
      break;
    case Op::kBge:
      if (rs2 == 0) return fmt::format("bgez {},{:x}", RS1, target);
      if (rs1 == 0) return fmt::format("blez {},{:x}", RS2, target);
      break;
    case Op::kCsrrs:
      if (rs1 == 0) {
        switch (imm & 0xfff) {  // the counter reads have names of their own
          case 0xc00: return fmt::format("rdcycle {}", RD);
          case 0xc01: return fmt::format("rdtime {}", RD);
          case 0xc02: return fmt::format("rdinstret {}", RD);
          case 0xc80: return fmt::format("rdcycleh {}", RD);
          case 0xc81: return fmt::format("rdtimeh {}", RD);
          case 0xc82: return fmt::format("rdinstreth {}", RD);
          default: return fmt::format("csrr {},{}", RD, csr_text(uint32_t(imm) & 0xfff));
        }
      }
      if (rd == 0) return fmt::format("csrs {},{}", csr_text(uint32_t(imm) & 0xfff), RS1);
      break;
    case Op::kCsrrw:
      if (d.raw == 0xc0001073u) return "unimp";  // csrw cycle,zero: the canonical 32-bit unimp
      if (rd == 0) return fmt::format("csrw {},{}", csr_text(uint32_t(imm) & 0xfff), RS1);
      break;
    case Op::kCsrrc:
      if (rd == 0) return fmt::format("csrc {},{}", csr_text(uint32_t(imm) & 0xfff), RS1);
      break;
    case Op::kCsrrwi:
      if (rd == 0) return fmt::format("csrw {},{}", csr_text(uint32_t(imm) & 0xfff), d.uimm);
      break;
    case Op::kCsrrsi:
      if (rd == 0) return fmt::format("csrs {},{}", csr_text(uint32_t(imm) & 0xfff), d.uimm);
      break;
    case Op::kCsrrci:
      if (rd == 0) return fmt::format("csrc {},{}", csr_text(uint32_t(imm) & 0xfff), d.uimm);
      break;
    case Op::kFence:
      if (((d.raw >> 20) & 0xff) == 0xff) return "fence";
      break;
    default: break;
  }

  const char* m = en.dis;
  const char* RS3 = kAbi[d.rs3 & 31];
  const uint32_t target2 = pc + static_cast<uint32_t>(d.imm2);
  switch (en.fmt) {
    case Fmt::kNone: case Fmt::kIllegal: return m;
    case Fmt::kR1: return fmt::format("{} {},{}", m, RD, RS1);
    case Fmt::kRI5: case Fmt::kSimdI: case Fmt::kSimdIU: return fmt::format("{} {},{},{}", m, RD, RS1, imm);
    case Fmt::kRRI5: return fmt::format("{} {},{},{},{}", m, RD, RS1, RS2, imm);
    case Fmt::kBitI: return fmt::format("{} {},{},{},{}", m, RD, RS1, d.uimm, imm);
    case Fmt::kLdPostI: return fmt::format("{} {},({}),{}", m, RD, RS1, imm);
    case Fmt::kLdPostR: return fmt::format("{} {},({}),{}", m, RD, RS1, RS2);
    case Fmt::kLdRR: return fmt::format("{} {},{}({})", m, RD, RS2, RS1);
    case Fmt::kStPostI: return fmt::format("{} {},({}),{}", m, RS2, RS1, imm);
    case Fmt::kStPostR: return fmt::format("{} {},({}),{}", m, RS2, RS1, RS3);
    case Fmt::kStRR: return fmt::format("{} {},{}({})", m, RS2, RS3, RS1);
    case Fmt::kHwlI: return fmt::format("{} {},{:x}", m, d.uimm, target);
    case Fmt::kHwlCnt: return fmt::format("{} {},{}", m, d.uimm, imm);
    case Fmt::kHwlR: return fmt::format("{} {},{}", m, d.uimm, RS1);
    case Fmt::kHwlSetupI: return fmt::format("{} {},{},{:x}", m, d.uimm, imm, target2);
    case Fmt::kHwlSetup: return fmt::format("{} {},{},{:x}", m, d.uimm, RS1, target2);
    case Fmt::kBrImm: return fmt::format("{} {},{},{:x}", m, RS1, d.imm2, target);
    case Fmt::kR: return fmt::format("{} {},{},{}", m, RD, RS1, RS2);
    case Fmt::kI: return fmt::format("{} {},{},{}", m, RD, RS1, imm);
    case Fmt::kShift: return fmt::format("{} {},{},{:#x}", m, RD, RS1, uint32_t(imm));
    case Fmt::kLoad: return fmt::format("{} {},{}({})", m, RD, imm, RS1);
    case Fmt::kStore: return fmt::format("{} {},{}({})", m, RS2, imm, RS1);
    case Fmt::kBranch: return fmt::format("{} {},{},{:x}", m, RS1, RS2, target);
    case Fmt::kU: return fmt::format("{} {},{:#x}", m, RD, uint32_t(imm) >> 12);
    case Fmt::kJal: return fmt::format("{} {},{:x}", m, RD, target);
    case Fmt::kJalr: return fmt::format("{} {},{}({})", m, RD, imm, RS1);
    case Fmt::kCsr: return fmt::format("{} {},{},{}", m, RD, csr_text(uint32_t(imm) & 0xfff), RS1);
    case Fmt::kCsrI: return fmt::format("{} {},{},{}", m, RD, csr_text(uint32_t(imm) & 0xfff), d.uimm);
    case Fmt::kFence:
      return fmt::format("{} {},{}", m, fence_set((d.raw >> 24) & 15), fence_set((d.raw >> 20) & 15));
  }
  return m;
}

}  // namespace vp::rv
