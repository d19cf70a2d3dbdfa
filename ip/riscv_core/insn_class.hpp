#pragma once
// Instruction classes for energy (docs/energy.md): each operation's class
// follows from its line of rv_insn.def (timing class and extension), so an
// instruction added there is classified with no change here.
#include <array>
#include <cstdint>
#include <vector>

#include "rv_isa.hpp"

namespace vp::rv {

enum class InsnClass : uint8_t { kAlu, kMul, kDiv, kLoad, kStore, kBranch, kJump, kCsr, kSimd, kHwloop, kCount };
constexpr size_t kInsnClasses = static_cast<size_t>(InsnClass::kCount);
// Names in --stats (`instructions_by_class`) and in the energy keys (`core_<name>_pj`).
constexpr std::array<const char*, kInsnClasses> kInsnClassNames = {
    "alu", "mul", "div", "load", "store", "branch", "jump", "csr", "simd", "hwloop"};

// CORE-V SIMD (dot products included) and hardware-loop set-up are classes of
// their own; CORE-V multiply-accumulate counts as a multiply; the rest by
// timing class (ecall, ebreak, mret and fence.i time as jumps, wfi as ALU).
constexpr InsnClass insn_class(Timing t, Ext x) {
  if (x == Ext::kXcvsimd) return InsnClass::kSimd;
  if (x == Ext::kXcvhwlp) return InsnClass::kHwloop;
  if (x == Ext::kXcvmac) return InsnClass::kMul;
  switch (t) {
    case Timing::kMul: case Timing::kMulh: return InsnClass::kMul;
    case Timing::kDiv: return InsnClass::kDiv;
    case Timing::kLoad: return InsnClass::kLoad;
    case Timing::kStore: return InsnClass::kStore;
    case Timing::kBranch: return InsnClass::kBranch;
    case Timing::kJump: return InsnClass::kJump;
    case Timing::kCsr: return InsnClass::kCsr;
    case Timing::kAlu: break;
  }
  return InsnClass::kAlu;
}
inline InsnClass insn_class(Op op) { return insn_class(info(op).timing, info(op).ext); }

using ClassCounts = std::array<uint64_t, kInsnClasses>;
// Folds per-operation counts (indexed by Op, DecodeCache::op_counts) into classes.
inline ClassCounts class_counts(const std::vector<uint64_t>& per_op) {
  ClassCounts c{};
  for (size_t i = 0; i < per_op.size() && i < static_cast<size_t>(Op::kCount); ++i)
    c[static_cast<size_t>(insn_class(static_cast<Op>(i)))] += per_op[i];
  return c;
}

}  // namespace vp::rv
