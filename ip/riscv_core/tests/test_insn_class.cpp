// Instructions counted by class (insn_class.hpp) from the decode cache's
// edge profile: a hand-written program whose counts per class are known,
// run on one core, on two cores sharing the cache with quanta short enough
// to stop and resume them in the middle of loops, and on the debug step path.
#include <catch2/catch.hpp>

#include "core_debug.hpp"
#include "core_fixture.hpp"
#include "insn_class.hpp"
#include "xcv_asm.hpp"

namespace {
uint32_t r_type(uint32_t f7, uint32_t rs2, uint32_t rs1, uint32_t f3, uint32_t rd) {
  return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | 0x33;
}
uint32_t bne(uint32_t rs1, uint32_t rs2, int32_t off) {
  const uint32_t o = uint32_t(off);
  return (((o >> 12) & 1) << 31) | (((o >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (1u << 12) |
         (((o >> 1) & 0xf) << 8) | (((o >> 11) & 1) << 7) | 0x63;
}

// 30 instructions: a loop of 3 iterations (load, multiply, store, add, branch),
// a jump over a word never run, a hardware loop of 4 iterations (SIMD add,
// add), a CSR read, a divide, wfi.
const std::vector<uint32_t> kProgram = {
    addi(1, 0, 3), lui(3, 2),                                               // 0x00
    lw(2, 3, 0), r_type(1, 1, 2, 0, 4), sw(4, 3, 4), addi(1, 1, -1),        // 0x08: loop
    bne(1, 0, -16),                                                         // 0x18
    jal(0, 8), kIllegal,                                                    // 0x1c
    xcv::setupi(0, 4, 12), xcv::simd(0, 0, 1, 5, 5, 6), addi(7, 7, 1),      // 0x24: hardware loop
    csrrs(8, 0xf14, 0), r_type(1, 7, 7, 5, 9), kWfi};                       // 0x30

ClassCounts expected(uint64_t cores) {
  ClassCounts c{};
  auto set = [&](InsnClass k, uint64_t n) { c[size_t(k)] = n * cores; };
  set(InsnClass::kAlu, 10), set(InsnClass::kLoad, 3), set(InsnClass::kMul, 3), set(InsnClass::kStore, 3);
  set(InsnClass::kBranch, 3), set(InsnClass::kJump, 1), set(InsnClass::kHwloop, 1), set(InsnClass::kSimd, 4);
  set(InsnClass::kCsr, 1), set(InsnClass::kDiv, 1);
  return c;
}

ClassCounts counted(const Fixture& f) {
  std::vector<uint64_t> per_op;
  f.cores[0]->decode_cache()->op_counts(per_op);
  for (const auto& c : f.cores)
    if (c->step_decode_cache()) c->step_decode_cache()->op_counts(per_op);
  return class_counts(per_op);
}

std::string show(const ClassCounts& c) {
  std::string s;
  for (size_t k = 0; k < kInsnClasses; ++k) s += std::string(kInsnClassNames[k]) + "=" + std::to_string(c[k]) + " ";
  return s;
}

struct NopHook : CoreDebugHook {
  bool enter(RiscvCore&) override { return true; }
  void before(RiscvCore&) override {}
  void after(RiscvCore&, const StepInfo&) override {}
};
}  // namespace

TEST_CASE("the program's words decode to the classes the test expects") {
  CHECK(insn_class(decode(kProgram[3]).op) == InsnClass::kMul);
  CHECK(insn_class(decode(kProgram[9]).op) == InsnClass::kHwloop);
  CHECK(insn_class(decode(kProgram[10]).op) == InsnClass::kSimd);
  CHECK(insn_class(decode(kProgram[13]).op) == InsnClass::kDiv);
  CHECK(insn_class(decode(kProgram[14]).op) == InsnClass::kAlu);  // wfi
  CHECK(insn_class(decode(0x00008067).op) == InsnClass::kJump);   // ret
}

// Runs the program on `cores` cores and checks the counts per class.
void check_counts(unsigned cores, sc_time quantum, bool step) {
  Fixture f(cores, quantum, kBase, kIsaRv32imcXcv);
  f.ram.put(kBase, kProgram);
  NopHook hook;
  if (step) f.cores[0]->add_debug_hook(&hook);
  sc_core::sc_start(1000, SC_NS);
  REQUIRE(!f.group->error());
  uint64_t instret = 0;
  for (const auto& c : f.cores) {
    CHECK(c->sleeping());
    instret += c->instret();
  }
  const ClassCounts n = counted(f);
  INFO(show(n));
  CHECK(n == expected(cores));
  uint64_t sum = 0;
  for (uint64_t v : n) sum += v;
  CHECK(sum == instret);
  CHECK(instret == 30 * cores);
}

// (One simulation per test case: SystemC elaborates once per process.)
TEST_CASE("instructions are counted by class and add up to the retired ones: one core") {
  check_counts(1, sc_time(1000, SC_NS), false);
}
TEST_CASE("instructions are counted by class: two cores sharing the decode cache, stopped every 2 cycles") {
  check_counts(2, sc_time(2, SC_NS), false);
}
TEST_CASE("instructions are counted by class: the debug step path beside the fast path") {
  check_counts(2, sc_time(1000, SC_NS), true);
}
