// CORE-V instructions executed by the core inside SystemC: post-increment
// loads and stores, hardware loops (counts 0 and 1, nesting, large counts,
// compressed last instructions, branches in the body, zero overhead), the
// load-use stall after a post-increment load, immediate branches, the step
// path inside hardware loops, and the illegal-instruction trap of an rv32imc core.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "core_fixture.hpp"
#include "sim/simulation_error.hpp"
#include "xcv_asm.hpp"

namespace {
uint32_t r_type(uint32_t f7, uint32_t rs2, uint32_t rs1, uint32_t f3, uint32_t rd) {
  return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | 0x33;
}
uint32_t add(uint32_t rd, uint32_t rs1, uint32_t rs2) { return r_type(0, rs2, rs1, 0, rd); }
uint32_t andi(uint32_t rd, uint32_t rs1, int32_t imm) { return i_type(0x13, rd, 7, rs1, imm); }
uint32_t beq(uint32_t rs1, uint32_t rs2, int32_t off) {
  const uint32_t o = uint32_t(off);
  return (((o >> 12) & 1) << 31) | (((o >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (((o >> 1) & 0xf) << 8) |
         (((o >> 11) & 1) << 7) | 0x63;
}
// Programs end in wfi: the core sleeps, so its counters stop.
Fixture xcv_fixture(unsigned n = 1) { return Fixture(n, sc_time(1000, SC_NS), kBase, kIsaRv32imcXcv); }
}  // namespace

TEST_CASE("post-increment and register-register loads and stores") {
  Fixture f(1, sc_time(1000, SC_NS), kBase, kIsaRv32imcXcv);
  f.ram.put(0x1800, {0x11111111u, 0x80000002u, 0x000000ffu});
  f.ram.put(kBase, {lui(1, 2), addi(1, 1, -0x800), addi(7, 0, -6), addi(8, 0, 8), lui(9, 2), addi(9, 9, -0x700),
                    addi(10, 0, -4), addi(11, 0, 8),
                    xcv::lw_pi(2, 1, 4),          // x2 = [0x1800], x1 = 0x1804
                    xcv::lh_pi(3, 1, 2),          // x3 = sext([0x1804]h) = 2, x1 = 0x1806
                    xcv::r(0x01, 4, 1, 7),        // cv.lh x4,(x1),x7: x4 = sext(0x8000), x1 = 0x1800
                    xcv::r(0x0c, 5, 1, 8),        // cv.lbu x5,x8(x1): [0x1808] = 0xff, x1 unchanged
                    xcv::lb_pi(6, 1, 8),          // x6 = sext([0x1800]b) = 0x11, x1 = 0x1808
                    xcv::lw_pi(1, 1, 4),          // rd == rs1: the loaded value wins
                    xcv::sw_pi(2, 9, 4),          // [0x1900] = x2, x9 = 0x1904
                    xcv::r(0x10, 10, 9, 3),       // cv.sb x3,(x9),x10: [0x1904]b = 2, x9 = 0x1900
                    xcv::r(0x16, 11, 9, 4),       // cv.sw x4,x11(x9): [0x1908] = x4
                    kWfi});
  sc_core::sc_start(1000, SC_NS);
  RiscvCore& c = *f.cores[0];
  REQUIRE(!f.group->error());
  CHECK(c.reg(2) == 0x11111111u);
  CHECK(c.reg(3) == 2);
  CHECK(c.reg(4) == 0xffff8000u);
  CHECK(c.reg(5) == 0xffu);
  CHECK(c.reg(6) == 0x11u);
  CHECK(c.reg(1) == 0x000000ffu);
  CHECK(f.ram.word(0x1900) == 0x11111111u);
  CHECK((f.ram.word(0x1904) & 0xff) == 2);
  CHECK(c.reg(9) == 0x1900);
  CHECK(f.ram.word(0x1908) == 0xffff8000u);
}

TEST_CASE("a post-increment load stalls a use of its data, not of its address") {
  Fixture f(1, sc_time(1000, SC_NS), kBase, kIsaRv32imcXcv);
  f.ram.put(kBase, {lui(1, 2), addi(1, 1, -0x800),
                    xcv::lw_pi(2, 1, 4), add(3, 1, 1),   // uses the incremented address: no stall
                    xcv::lw_pi(4, 1, 4), add(5, 4, 4),   // uses the loaded data: 1 stall
                    kWfi});
  sc_core::sc_start(1000, SC_NS);
  RiscvCore& c = *f.cores[0];
  CHECK(c.instret() == 7);
  CHECK(c.cycles() == c.instret() + 1);
}

TEST_CASE("a load stalls an instruction that reads the loaded register as its accumulator") {
  Fixture f(1, sc_time(1000, SC_NS), kBase, kIsaRv32imcXcv);
  f.ram.put(0x1800, {5u});
  f.ram.put(kBase, {lui(1, 2), addi(1, 1, -0x800), addi(6, 0, 3), addi(7, 0, 4),
                    lw(5, 1, 0), xcv::r(0x48, 5, 6, 7),   // cv.mac x5,x6,x7 right after loading x5: 1 stall
                    lw(8, 1, 0), xcv::r(0x48, 9, 6, 7),   // accumulator not the loaded register: none
                    kWfi});
  sc_core::sc_start(1000, SC_NS);
  RiscvCore& c = *f.cores[0];
  CHECK(c.reg(5) == 17);
  CHECK(c.reg(9) == 12);
  CHECK(c.instret() == 9);
  CHECK(c.cycles() == c.instret() + 1);
}

TEST_CASE("a hardware loop runs its body count times at no cost per iteration") {
  // count = 5 + (hartid & 1): core 1 runs one more iteration than core 0.
  auto f = xcv_fixture(2);
  f.ram.put(kBase, {csrrs(5, 0xf14, 0), andi(5, 5, 1), addi(5, 5, 5),
                    xcv::setup(0, 5, 16),  // body 0x1010..0x1018, end 0x101c
                    addi(1, 1, 1), addi(2, 2, 2), addi(3, 3, 3), kWfi});
  sc_core::sc_start(1000, SC_NS);
  RiscvCore &c0 = *f.cores[0], &c1 = *f.cores[1];
  CHECK(c0.reg(1) == 5);
  CHECK(c0.reg(3) == 15);
  CHECK(c1.reg(1) == 6);
  CHECK(c0.loop_count(0) == 0);
  CHECK(c0.loop_start(0) == kBase + 0x10);
  CHECK(c0.loop_end(0) == kBase + 0x1c);
  CHECK(c0.instret() == 4 + 15 + 1);
  CHECK(c1.instret() - c0.instret() == 3);
  CHECK(c0.cycles() == c0.instret());  // no branch or jump penalty anywhere
  CHECK(c1.cycles() - c0.cycles() == 3);
}

TEST_CASE("hardware loops with count 0 and 1 run their body once") {
  auto f = xcv_fixture();
  f.ram.put(kBase, {xcv::setupi(0, 0, 12), addi(1, 1, 1), addi(1, 1, 1),   // count 0
                    xcv::setupi(0, 1, 12), addi(2, 2, 1), addi(2, 2, 1),   // count 1
                    xcv::setupi(1, 0, 12), addi(3, 3, 1), addi(3, 3, 1),   // loop 1, count 0
                    kWfi});
  sc_core::sc_start(1000, SC_NS);
  RiscvCore& c = *f.cores[0];
  REQUIRE(!f.group->error());
  CHECK(c.reg(1) == 2);
  CHECK(c.reg(2) == 2);
  CHECK(c.reg(3) == 2);
  CHECK(c.loop_count(0) == 0);
}

TEST_CASE("nested hardware loops (the manual's matrix example)") {
  auto f = xcv_fixture();
  f.ram.put(kBase, {addi(10, 0, 10),
                    xcv::starti(1, 0x14), xcv::endi(1, 0x28), xcv::count(1, 10),  // loop 1: 0x18..0x2c
                    xcv::starti(0, 0x0c), xcv::endi(0, 0x14),                    // loop 0: 0x1c..0x24
                    xcv::count(0, 10),                                           // 0x18: start1
                    addi(1, 1, 1), addi(1, 1, 1), addi(1, 1, 1),                 // 0x1c: start0
                    addi(2, 2, 2), addi(2, 2, 2),                                // 0x28: end0
                    kWfi});                                                      // 0x30: end1
  sc_core::sc_start(2000, SC_NS);
  RiscvCore& c = *f.cores[0];
  REQUIRE(!f.group->error());
  CHECK(c.reg(1) == 300);
  CHECK(c.reg(2) == 40);
  // lpstartX, lpendX, lpcountX read as CSRs 0xcc0..0xcc6
  uint32_t v = 0;
  CHECK(c.debug_read_csr(0xcc4, v));
  CHECK(v == kBase + 0x18);
  CHECK(c.debug_read_csr(0xcc1, v));
  CHECK(v == kBase + 0x28);
  CHECK(c.debug_read_csr(0xcc6, v));
  CHECK(v == 0);
}

TEST_CASE("a hardware loop body may end on a compressed instruction and contain a branch") {
  auto f = xcv_fixture();
  f.ram.put(kBase, {xcv::setupi(0, 4, 12), addi(1, 1, 1), 0x04850405u /* c.addi s0,1; c.addi s1,1 */,
                    // loop 1 (10 times): skip the x6 increment when x5 is even
                    xcv::setupi(1, 10, 20), andi(7, 5, 1), beq(7, 0, 8), addi(6, 6, 1), addi(5, 5, 1), kWfi});
  sc_core::sc_start(2000, SC_NS);
  RiscvCore& c = *f.cores[0];
  REQUIRE(!f.group->error());
  CHECK(c.reg(1) == 4);
  CHECK(c.reg(8) == 4);
  CHECK(c.reg(9) == 4);
  CHECK(c.reg(5) == 10);
  CHECK(c.reg(6) == 5);
}

TEST_CASE("a hardware loop with a large count spans many quanta") {
  Fixture f(1, sc_time(100, SC_NS), kBase, kIsaRv32imcXcv);
  f.ram.put(kBase, {lui(5, 49), addi(5, 5, 0x6a0) /* 202400 */, xcv::setup(0, 5, 16), addi(1, 1, 1), addi(2, 2, -1),
                    addi(3, 3, 3), kWfi});
  sc_core::sc_start(1, sc_core::SC_MS);
  RiscvCore& c = *f.cores[0];
  CHECK(c.reg(1) == 202400);
  CHECK(c.reg(2) == uint32_t(-202400));
  CHECK(c.instret() == 3 + 3 * 202400 + 1);
}

TEST_CASE("cv.beqimm and cv.bneimm compare with a signed 5-bit immediate") {
  auto f = xcv_fixture();
  f.ram.put(kBase, {addi(1, 0, -3),
                    xcv::br_imm(false, 1, -3, 8), addi(2, 0, 1),  // taken: skips x2 = 1
                    xcv::br_imm(true, 1, -3, 8), addi(3, 0, 1),   // not taken
                    xcv::br_imm(true, 1, 13, 8), addi(4, 0, 1),   // taken
                    kWfi});
  sc_core::sc_start(1000, SC_NS);
  RiscvCore& c = *f.cores[0];
  CHECK(c.reg(2) == 0);
  CHECK(c.reg(3) == 1);
  CHECK(c.reg(4) == 0);
  CHECK(c.cycles() == c.instret() + 2 * 2);  // two taken branches, 3 cycles each
}

TEST_CASE("generic CORE-V operations read rd and packed immediates through the interpreter") {
  auto f = xcv_fixture();
  f.ram.put(kBase, {lui(6, 0x04fd0), addi(6, 6, 0x2ff),   // x6 = {-1, 2, -3, 4}
                    lui(7, 0xf8080), addi(7, 7, -0x5fb),  // x7 = {5, -6, 7, -8} = 0xf807fa05
                    addi(5, 0, 1000),
                    xcv::simd(0x15, 0, 1, 5, 6, 7),       // cv.sdotsp.b x5,x6,x7: 1000 - 70
                    addi(8, 0, 300), xcv::r(0x38, 9, 8, 8),  // cv.clip x9,x8,8: 127
                    xcv::c2(0, 0, 10, 7, 8, 7),           // cv.extract x10,x7,7,8: 0xfa -> -6
                    xcv::simd(0x15, 0, 1, 0, 6, 7),       // rd = x0 stays 0
                    kWfi});
  sc_core::sc_start(1000, SC_NS);
  RiscvCore& c = *f.cores[0];
  REQUIRE(!f.group->error());
  CHECK(c.reg(6) == 0x04fd02ffu);
  CHECK(c.reg(7) == 0xf807fa05u);
  CHECK(c.reg(5) == 930);
  CHECK(c.reg(9) == 127);
  CHECK(c.reg(10) == uint32_t(-6));
  CHECK(c.reg(0) == 0);
}

TEST_CASE("an rv32imc core traps on a CORE-V instruction with a located report") {
  Fixture f(1);  // core.isa = rv32imc
  const uint32_t insn = xcv::simd(0x00, 0, 0, 1, 2, 3);  // cv.add.h ra,sp,gp
  f.ram.put(kBase, {addi(1, 0, 1), insn, kSpin});
  sc_core::sc_start(1000, SC_NS);
  const std::string m = f.error_report();
  REQUIRE(!m.empty());
  CHECK(m.find("core 3.0") != std::string::npos);
  CHECK(m.find("illegal instruction") != std::string::npos);
  CHECK(m.find("pc 0x00001004") != std::string::npos);
  CHECK(m.find(fmt::format("instruction {:#010x}", insn)) != std::string::npos);
}

TEST_CASE("enabling a hardware loop whose end is not after its start is a located error") {
  auto f = xcv_fixture();
  f.ram.put(kBase, {xcv::starti(0, 0x10), xcv::endi(0, 0x04), xcv::counti(0, 3), kWfi});  // start 0x1010, end 0x1008
  sc_core::sc_start(1000, SC_NS);
  const std::string m = f.error_report();
  REQUIRE(!m.empty());
  CHECK(m.find("hardware loop 0 enabled with start 0x00001010, end 0x00001008, count 3") != std::string::npos);
  CHECK(m.find("pc 0x00001008") != std::string::npos);
}

namespace {
// Records the pc of each instruction the step path executes.
struct PcHook : CoreDebugHook {
  std::vector<uint32_t> pcs;
  bool enter(RiscvCore&) override { return true; }
  void before(RiscvCore&) override {}
  void after(RiscvCore&, const StepInfo& s) override {
    if (pcs.size() < 4096) pcs.push_back(s.pc);
  }
};
}  // namespace

TEST_CASE("single steps inside hardware loops go back to the loop start and time as the fast path") {
  auto f = xcv_fixture(2);
  f.ram.put(kBase, {addi(10, 0, 3), xcv::starti(1, 0x14), xcv::endi(1, 0x28), xcv::count(1, 10),
                    xcv::starti(0, 0x0c), xcv::endi(0, 0x14), xcv::count(0, 10), addi(1, 1, 1), addi(1, 1, 1),
                    addi(1, 1, 1), addi(2, 2, 2), addi(2, 2, 2), kWfi});
  PcHook hook;
  RiscvCore &stepped = *f.cores[0], &fast = *f.cores[1];
  stepped.add_debug_hook(&hook);
  sc_core::sc_start(2000, SC_NS);
  REQUIRE(!f.group->error());
  CHECK(stepped.reg(1) == 27);
  CHECK(stepped.reg(2) == 12);
  CHECK(fast.reg(1) == 27);
  CHECK(stepped.instret() == fast.instret());
  CHECK(stepped.cycles() == fast.cycles());
  // After the inner body's last instruction (0x24) comes its start (0x1c), three
  // times per outer iteration, then 0x28; after the outer body's last (0x2c), 0x18.
  const std::vector<uint32_t> head = {0x00, 0x04, 0x08, 0x0c, 0x10, 0x14, 0x18, 0x1c, 0x20, 0x24,
                                      0x1c, 0x20, 0x24, 0x1c, 0x20, 0x24, 0x28, 0x2c, 0x18, 0x1c};
  REQUIRE(hook.pcs.size() > head.size());
  for (size_t i = 0; i < head.size(); ++i) CHECK(hook.pcs[i] == kBase + head[i]);
}

// The CV32E40P manual (docs/source/pipeline.rst, "Cycle counts per
// instruction type"; corev_hw_loop.rst): the hardware-loop instructions are
// integer computational ones, 1 cycle each; the jump back from a loop's last
// instruction to its start has zero stall cycles; a body runs count times,
// once for counts 0 and 1 (the ISS's rule, as the count-0/1 test above).
// Every instruction below is 1 cycle, so the cycles are the instructions
// retired, written out by hand.
TEST_CASE("hardware-loop setup and bodies cost the manual's cycles") {
  auto f = xcv_fixture();
  // kBase = 0x1000. Word offsets in comments.
  f.ram.put(kBase, {
      /* 0x00 */ xcv::setupi(0, 4, 16),     // 1 cycle; body 0x04..0x0c (3 instructions) x 4
      /* 0x04 */ addi(1, 1, 1), addi(1, 1, 1), addi(1, 1, 1),
      /* 0x10 */ xcv::starti(0, 16),        // start 0x20
      /* 0x14 */ xcv::endi(0, 24),          // end: the instruction before 0x2c (0x14 + 24 = 0x2c)
      /* 0x18 */ xcv::counti(0, 2),         // 3 setup cycles
      /* 0x1c */ addi(9, 0, 0),             // one instruction between setup and body
      /* 0x20 */ addi(2, 2, 1), addi(2, 2, 1), addi(2, 2, 1),   // x 2
      /* 0x2c */ lui(6, 1), addi(6, 6, 0x4c),                   // x6 = 0x104c (start)
      /* 0x34 */ addi(7, 6, 12),                                 // x7 = 0x1058 (end)
      /* 0x38 */ addi(8, 0, 3),                                  // count 3
      /* 0x3c */ xcv::start(0, 6), xcv::end(0, 7), xcv::count(0, 8),
      /* 0x48 */ addi(9, 0, 0),
      /* 0x4c */ addi(3, 3, 1), addi(3, 3, 1), addi(3, 3, 1),   // x 3
      /* 0x58 */ addi(8, 0, 1),
      /* 0x5c */ xcv::setup(1, 8, 16),      // loop 1, count 1: body 0x60..0x68 once
      /* 0x60 */ addi(4, 4, 1), addi(4, 4, 1), addi(4, 4, 1),
      /* 0x6c */ xcv::setupi(0, 0, 16),     // count 0: body 0x70..0x78 once
      /* 0x70 */ addi(5, 5, 1), addi(5, 5, 1), addi(5, 5, 1),
      /* 0x7c */ kWfi});
  sc_core::sc_start(1000, SC_NS);
  RiscvCore& c = *f.cores[0];
  REQUIRE(!f.group->error());
  CHECK(c.reg(1) == 12);
  CHECK(c.reg(2) == 6);
  CHECK(c.reg(3) == 9);
  CHECK(c.reg(4) == 3);
  CHECK(c.reg(5) == 3);
  const uint64_t want = (1 + 3 * 4)                   // cv.setupi, 4 x 3
                        + (3 + 1 + 3 * 2)             // cv.starti, cv.endi, cv.counti, addi, 2 x 3
                        + (2 + 1 + 1 + 3 + 1 + 3 * 3) // lui, addi, addi, li, start/end/count, addi, 3 x 3
                        + (1 + 1 + 3)                 // li, cv.setup, 1 x 3
                        + (1 + 3)                     // cv.setupi count 0, 1 x 3
                        + 1;                          // wfi
  CHECK(c.instret() == want);
  CHECK(c.cycles() == want);  // 1 cycle each, no penalty for the jumps back
}

// The manual's multiplier is single-cycle for every 32-bit result (mul, the
// xcvmac and xcvsimd multiply and dot-product forms), with a forwarding path
// from EX to the next instruction (pipeline.rst "Hazards": no penalty when
// the next instruction uses the result); only mulh, mulhsu and mulhu take 5.
// A chain where each instruction uses the previous one's result as an operand
// or as its accumulator costs 1 cycle each; one mulh in it adds 4.
TEST_CASE("dot products and multiply-accumulates take one cycle, back to back") {
  auto f = xcv_fixture();
  const uint32_t mulh = (1u << 25) | (10u << 20) | (13u << 15) | (1u << 12) | (15u << 7) | 0x33;  // mulh x15,x13,x10
  f.ram.put(kBase, {lui(10, 0x01020), addi(10, 10, 0x304),                    // x10 = 0x01020304
                    lui(11, 0x01010), addi(11, 11, 0x010),                    // x11 = 0x01010010 (low byte 16)
                    addi(12, 0, 3),
                    xcv::simd(0x15, 0, 1, 12, 10, 11),  // cv.sdotsp.b x12 += 4*16 + 3*0 + 2*1 + 1*1 = 67 -> 70
                    xcv::simd(0x10, 0, 0, 13, 12, 10),  // cv.dotup.h x13 = 70 * 0x0304 + 0 * 0x0102 = 54040
                    xcv::r(0x48, 13, 10, 12),           // cv.mac x13 += 0x01020304 * 70
                    xcv::c2(0, 4, 14, 13, 10, 16),      // cv.mulsN x14 = (lo16s(x13) * 0x0304) >> 16
                    xcv::c2(0, 6, 14, 13, 12, 0),       // cv.macsN x14 += lo16s(x13) * 70
                    mulh,                               // 5 cycles
                    xcv::simd(0x15, 0, 0, 15, 10, 15),  // cv.sdotsp.h x15 += x10 . x15, uses mulh's result at once
                    kWfi});
  sc_core::sc_start(1000, SC_NS);
  RiscvCore& c = *f.cores[0];
  REQUIRE(!f.group->error());
  CHECK(c.reg(12) == 70);
  const uint32_t x13a = 54040u + 0x01020304u * 70u;
  const int32_t lo = int16_t(uint16_t(x13a & 0xffff));
  const uint32_t x14 = uint32_t((lo * 0x0304) >> 16) + uint32_t(lo * 70);
  CHECK(c.reg(14) == x14);
  CHECK(c.reg(13) == x13a);
  const uint32_t hi = uint32_t((int64_t(int32_t(x13a)) * 0x01020304) >> 32);  // mulh
  const uint32_t x15 = hi + uint32_t(0x0304 * int16_t(uint16_t(hi & 0xffff)) + 0x0102 * int16_t(uint16_t(hi >> 16)));
  CHECK(c.reg(15) == x15);
  CHECK(c.instret() == 13);
  CHECK(c.cycles() == 13 + 4);  // every instruction 1 cycle, mulh 5
}
