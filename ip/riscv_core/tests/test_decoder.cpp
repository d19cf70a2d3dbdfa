// Decoder: each compressed form expands to the base instruction the RISC-V
// spec (chapter 16) gives as its expansion; reserved encodings are illegal.
#include <catch2/catch.hpp>
#include <set>

#include "rv_isa.hpp"

using namespace vp::rv;

TEST_CASE("base instructions decode with their fields") {
  // addi x5, x6, -1
  Decoded d = decode(0xfff30293);
  CHECK(d.op == Op::kAddi);
  CHECK(d.rd == 5);
  CHECK(d.rs1 == 6);
  CHECK(d.imm == -1);
  CHECK(d.len == 4);
  // sw x7, -4(x2)
  d = decode(0xfe712e23);
  CHECK(d.op == Op::kSw);
  CHECK(d.rs1 == 2);
  CHECK(d.rs2 == 7);
  CHECK(d.imm == -4);
  // beq x1, x2, -8
  d = decode(0xfe208ce3);
  CHECK(d.op == Op::kBeq);
  CHECK(d.imm == -8);
  // jal x1, 2048
  d = decode(0x001000ef);
  CHECK(d.op == Op::kJal);
  CHECK(d.imm == 2048);
  // writes to x0 go to the sink
  CHECK(decode(0x00000013).rd == kZeroSink);
}

TEST_CASE("compressed forms expand to base operations") {
  struct Case { uint16_t w; Op op; uint8_t rd, rs1, rs2; int32_t imm; };
  const Case cases[] = {
      {0x0040, Op::kAddi, 8, 2, 0, 4},        // c.addi4spn x8, sp, 4
      {0x4380, Op::kLw, 8, 15, 0, 0},         // c.lw x8, 0(x15)
      {0xc380, Op::kSw, kZeroSink, 15, 8, 0}, // c.sw x8, 0(x15)
      {0x0505, Op::kAddi, 10, 10, 0, 1},      // c.addi a0, 1
      {0x2001, Op::kJal, 1, 0, 0, 0},         // c.jal 0
      {0x557d, Op::kAddi, 10, 0, 0, -1},      // c.li a0, -1
      {0x7101, Op::kAddi, 2, 2, 0, -512},     // c.addi16sp -512
      {0x6505, Op::kLui, 10, 0, 0, 0x1000},   // c.lui a0, 1
      {0x8505, Op::kSrai, 10, 10, 0, 1},      // c.srai a0, 1
      {0x8105, Op::kSrli, 10, 10, 0, 1},      // c.srli a0, 1
      {0x897d, Op::kAndi, 10, 10, 0, 31},     // c.andi a0, 31
      {0x8d0d, Op::kSub, 10, 10, 11, 0},      // c.sub a0, a1
      {0x8d2d, Op::kXor, 10, 10, 11, 0},      // c.xor a0, a1
      {0x8d4d, Op::kOr, 10, 10, 11, 0},       // c.or a0, a1
      {0x8d6d, Op::kAnd, 10, 10, 11, 0},      // c.and a0, a1
      {0xa001, Op::kJal, kZeroSink, 0, 0, 0}, // c.j 0
      {0xc111, Op::kBeq, kZeroSink, 10, 0, 4},// c.beqz a0, 4
      {0xe111, Op::kBne, kZeroSink, 10, 0, 4},// c.bnez a0, 4
      {0x050a, Op::kSlli, 10, 10, 0, 2},      // c.slli a0, 2
      {0x4502, Op::kLw, 10, 2, 0, 0},         // c.lwsp a0, 0(sp)
      {0x8502, Op::kJalr, kZeroSink, 10, 0, 0}, // c.jr a0
      {0x852e, Op::kAdd, 10, 0, 11, 0},       // c.mv a0, a1
      {0x9002, Op::kEbreak, kZeroSink, 0, 0, 0}, // c.ebreak
      {0x9502, Op::kJalr, 1, 10, 0, 0},       // c.jalr a0
      {0x952e, Op::kAdd, 10, 10, 11, 0},      // c.add a0, a1
      {0xc02a, Op::kSw, kZeroSink, 2, 10, 0}, // c.swsp a0, 0(sp)
  };
  for (const Case& c : cases) {
    INFO("word 0x" << std::hex << c.w);
    const Decoded d = decode(c.w);
    CHECK(d.op == c.op);
    CHECK(d.len == 2);
    CHECK(int(d.rd) == int(c.rd));
    CHECK(int(d.rs1) == int(c.rs1));
    CHECK(int(d.rs2) == int(c.rs2));
    CHECK(d.imm == c.imm);
  }
}

// The interpreter has a 2-byte handler only for the operations RV_C_STEPPING
// and RV_C_NONSTEPPING list (rv_isa.hpp): every compressed encoding, with
// every extension enabled, must decode to one of them and say len 2.
TEST_CASE("every compressed encoding decodes to an operation with a 2-byte handler") {
  std::set<Op> allowed;
#define RV_C_ADD(ID) allowed.insert(Op::k##ID);
  RV_C_STEPPING(RV_C_ADD)
  RV_C_NONSTEPPING(RV_C_ADD)
#undef RV_C_ADD
  std::set<Op> seen;
  for (uint32_t w = 0; w < 0x10000u; ++w) {
    if ((w & 3u) == 3u) continue;  // a 32-bit encoding
    const Decoded d = decode(w);
    INFO("word 0x" << std::hex << w << " decodes to " << op_name(d.op));
    REQUIRE(allowed.count(d.op) == 1);
    REQUIRE(d.len == 2);
    seen.insert(d.op);
  }
  CHECK(seen == allowed);  // no stale entry in the lists
}

TEST_CASE("reserved and unsupported encodings are illegal") {
  for (uint32_t w : {0x0000u, 0x2000u /* c.fld */, 0x6000u /* c.flw */, 0x6081u /* c.lui x1,0 */,
                     0x7101u & ~0x107cu /* c.addi16sp 0 */, 0x4002u /* c.lwsp x0 */, 0x8002u /* c.jr x0 */,
                     0x9d0du /* c.subw */, 0x1006u /* c.slli shamt[5]=1 */})
    CHECK(decode(w).op == Op::kIllegal);
  CHECK(decode(0xffffffffu).op == Op::kIllegal);
  CHECK(decode(0x0000007fu).op == Op::kIllegal);  // 64-bit encoding space
  CHECK(decode(0x00004073u).op == Op::kIllegal);  // system funct3 = 4
  CHECK(decode(0x40001033u).op == Op::kIllegal);  // sll with funct7 = 0x20
  CHECK(decode(0x00001013u | (1u << 25)).op == Op::kIllegal);  // slli with shamt[5]
  CHECK(decode(0x00100073u).op == Op::kEbreak);
  CHECK(decode(0x30200073u).op == Op::kMret);
  CHECK(decode(0x10500073u).op == Op::kWfi);
}
