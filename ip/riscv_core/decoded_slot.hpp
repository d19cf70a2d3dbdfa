#pragma once
// What the interpreter executes: one slot per halfword of code, holding the
// handler of the instruction that starts there and its operands, in pages of
// 1 KiB. How a decoded instruction becomes a slot is defined here once, for
// the interpreter's lazy decode (op_Undecoded) and for code decoded ahead of
// the run (SharedCode), so that both give the same slots.
#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "rv_isa.hpp"

namespace vp::rv {

constexpr unsigned kPageBits = 10;
constexpr uint32_t kPageBytes = 1u << kPageBits;
constexpr uint32_t kPageSlots = kPageBytes / 2;  // one slot per halfword (RVC)

// One executable instruction: the executor's handler for its operation and
// its operands (see RiscvCore::execute for how imm is used per operation).
struct Slot {
  const void* handler;
  int32_t imm;
  uint8_t rd, rs1, rs2, len;
};
static_assert(sizeof(Slot) == 16, "slot stepping assumes 16 bytes (8 per halfword)");

// The executor's handlers for a slot to decode, for the end of a page and
// for the end address of a hardware loop.
struct Handlers {
  const void* undecoded = nullptr;
  const void* page_cross = nullptr;
  const void* hwloop = nullptr;
  bool operator==(const Handlers& o) const {
    return undecoded == o.undecoded && page_cross == o.page_cross && hwloop == o.hwloop;
  }
};

// Every handler of one executor (RiscvCore::fast_handlers): per operation,
// for its 4-byte form and for its 2-byte (compressed) form (null: none).
struct HandlerTable {
  Handlers special;
  std::array<const void*, static_cast<size_t>(Op::kCount)> op{}, op_c{};
};

// What a slot keeps in its imm for each format (the handlers read it back):
// the instruction word for an illegal one, csr | uimm << 12 for CSR
// operations, the offset register of xcvmem register stores, packed
// immediates for the CORE-V forms that carry two.
inline int32_t slot_imm(const Decoded& d) {
  switch (info(d.op).fmt) {
    case Fmt::kIllegal: return static_cast<int32_t>(d.raw);
    case Fmt::kCsr: case Fmt::kCsrI: return (d.imm & 0xfff) | (int32_t(d.uimm) << 12);
    case Fmt::kStPostR: case Fmt::kStRR: return d.rs3;
    case Fmt::kHwlI: case Fmt::kHwlCnt: case Fmt::kHwlR: case Fmt::kHwlSetupI: case Fmt::kHwlSetup:
      return static_cast<int32_t>((uint32_t(d.imm) & 0xffff) | ((uint32_t(d.imm2) & 0x7fff) << 16) | (uint32_t(d.uimm) << 31));
    case Fmt::kBitI: return (d.imm & 31) | ((d.uimm & 31) << 5);
    case Fmt::kBrImm: return static_cast<int32_t>(static_cast<uint32_t>(d.imm) << 5) | (d.imm2 & 31);
    default: return d.imm;
  }
}

// The slot of a decoded instruction: a 2-byte one gets the handler compiled
// to step by 2 (the interpreter's STRIDE).
inline Slot make_slot(const Decoded& d, const HandlerTable& t) {
  const void* h = (d.len == 2 ? t.op_c : t.op)[static_cast<size_t>(d.op)];
  if (!h) throw std::logic_error("decoded_slot: no 2-byte handler for a compressed operation");
  return {h, slot_imm(d), d.rd, d.rs1, d.rs2, d.len};
}

// The end address a hardware-loop setup at `pc` gives its loop when that
// follows from the instruction alone (cv.endi, cv.setupi, cv.setup: as the
// interpreter's handlers compute it from the slot); false for the others.
inline bool static_loop_end(Op op, const Slot& s, uint32_t pc, uint32_t& end) {
  const uint32_t imm = static_cast<uint32_t>(s.imm);
  switch (op) {
    case Op::kCvEndi: end = pc + (imm & 0xffff); return true;
    case Op::kCvSetupi: case Op::kCvSetup: end = pc + ((imm >> 16) & 0x7fff); return true;
    default: return false;
  }
}

// One page of slots. Two sentinel slots follow it: sequential execution
// steps onto one of them (after a 2- or 4-byte instruction) and the executor
// looks up the next page there, so it never bounds-checks the pc on
// straight-line code.
struct CodePage {
  std::array<Slot, kPageSlots + 2> slot;
  std::array<Op, kPageSlots + 2> op;  // what was last decoded there (kUndecoded: never)
  bool shared = false;                // read-only (SharedCode): copied before any change
  explicit CodePage(const Handlers& h) {
    for (Slot& s : slot) s = {h.undecoded, 0, kZeroSink, 0, 0, 2};
    slot[kPageSlots].handler = slot[kPageSlots + 1].handler = h.page_cross;
    op.fill(Op::kUndecoded);
  }
};
static_assert(offsetof(CodePage, slot) == 0, "the executor's PC() takes a page's address as its first slot's");

}  // namespace vp::rv
