// CORE-V (CV32E40P v2 user manual): decoding, disassembly and the semantics
// of each instruction family against values computed by hand from the
// manual's definitions.
#include <catch2/catch.hpp>

#include "rv_disasm.hpp"
#include "rv_isa.hpp"
#include "rv_sem_xcv.hpp"
#include "rv_sem_xcvsimd.hpp"
#include "xcv_asm.hpp"

using namespace vp::rv;
using namespace vp::rv::sem;

TEST_CASE("CORE-V encodings decode to their operations and fields") {
  // Encodings from the manual's tables; the first two also match LLVM's MC tests.
  Decoded d = decode(0x0003028b);  // cv.lb t0,(t1),0
  CHECK(d.op == Op::kCvLbPostI);
  CHECK(d.rd == 5);
  CHECK(d.rs1 == 6);
  CHECK(d.imm == 0);
  d = decode(0x987312fb);  // cv.sdotup.b t0,t1,t2
  CHECK(d.op == Op::kCvSdotupB);
  CHECK((d.rd == 5 && d.rs1 == 6 && d.rs2 == 7));
  d = decode(0x910372fb);  // cv.dotsp.sci.b t0,t1,-32
  CHECK(d.op == Op::kCvDotspSciB);
  CHECK(d.imm == -32);
  d = decode(xcv::simd_i(0x03, 0, 6, 5, 6, -1));  // cv.avgu.sci.h: the immediate is zero-extended
  CHECK(d.op == Op::kCvAvguSciH);
  CHECK(d.imm == 63);
  d = decode(xcv::r(0x02, 10, 11, 12));
  CHECK(d.op == Op::kCvLwPostR);
  d = decode(xcv::r(0x16, 13, 11, 12));  // cv.sw a2,a3(a1): rs3 in bits 11:7
  CHECK(d.op == Op::kCvSwRR);
  CHECK((d.rs1 == 11 && d.rs2 == 12 && d.rs3 == 13 && d.rd == kZeroSink));
  d = decode(xcv::setupi(1, 100, 20));
  CHECK(d.op == Op::kCvSetupi);
  CHECK((d.uimm == 1 && d.imm == 100 && d.imm2 == 20));
  d = decode(xcv::c2(0, 0, 10, 11, 4, 7));  // cv.extract a0,a1,7,4
  CHECK(d.op == Op::kCvExtract);
  CHECK((d.uimm == 7 && d.imm == 4));
  d = decode(xcv::br_imm(false, 10, -3, -8));
  CHECK(d.op == Op::kCvBeqimm);
  CHECK((d.imm == -8 && d.imm2 == -3));
  d = decode(xcv::c2(3, 7, 10, 11, 12, 5));
  CHECK(d.op == Op::kCvMachhuRN);
  CHECK(d.imm == 5);
}

TEST_CASE("CORE-V encodings are illegal on an rv32imc core and where the manual reserves them") {
  CHECK(decode(0x0003028b, kIsaRv32imc).op == Op::kIllegal);
  CHECK(decode(0x987312fb, kIsaRv32imc).op == Op::kIllegal);
  CHECK(decode(xcv::setupi(0, 4, 12), kIsaRv32imc).op == Op::kIllegal);
  CHECK(decode(0x0003028b, kIsaRv32imcXcv).op == Op::kCvLbPostI);
  CHECK(decode(xcv::r(0x07, 1, 2, 3)).op == Op::kIllegal);           // funct7 7 of custom-1 / 011
  CHECK(decode(xcv::c2(2, 1, 1, 2, 3, 4)).op == Op::kIllegal);       // custom-2 / 001, f2 = 2
  CHECK(decode(xcv::c2(3, 1, 1, 2, 3, 4)).op == Op::kIllegal);       // cv.bitrev with Is3 > 3
  CHECK(decode(xcv::simd(0x0e, 0, 0, 1, 2, 3)).op == Op::kIllegal);  // cv.abs.h with rs2 != 0
  CHECK(decode(xcv::simd_i(0x08, 0, 6, 1, 2, 16)).op == Op::kIllegal);  // cv.srl.sci.h, Imm6[4] set
  CHECK(decode(xcv::simd(0x19, 0, 0, 1, 2, 3)).op == Op::kIllegal);  // shuffleI1 exists only as .sci.b
  CHECK(decode(0x0000300b).op == Op::kCvElw);                        // cv.elw (xcvelw): tests/test_elw.cpp
  CHECK(decode(0x0000300b, kIsaRv32imc).op == Op::kIllegal);
}

TEST_CASE("the disassembler prints CORE-V instructions with their operands") {
  CHECK(disassemble(0x0003028b, 0) == "cv.lb t0,(t1),0");
  CHECK(disassemble(xcv::r(0x02, 10, 11, 12), 0) == "cv.lw a0,(a1),a2");
  CHECK(disassemble(xcv::r(0x06, 10, 11, 12), 0) == "cv.lw a0,a2(a1)");
  CHECK(disassemble(xcv::sw_pi(10, 11, -4), 0) == "cv.sw a0,(a1),-4");
  CHECK(disassemble(xcv::r(0x16, 13, 11, 12), 0) == "cv.sw a2,a3(a1)");
  CHECK(disassemble(0x987312fb, 0) == "cv.sdotup.b t0,t1,t2");
  CHECK(disassemble(0x910372fb, 0) == "cv.dotsp.sci.b t0,t1,-32");
  CHECK(disassemble(xcv::setupi(0, 10, 16), 0x1000) == "cv.setupi 0,10,1010");
  CHECK(disassemble(xcv::setup(1, 10, 32), 0x1000) == "cv.setup 1,a0,1020");
  CHECK(disassemble(xcv::counti(1, 7), 0) == "cv.counti 1,7");
  CHECK(disassemble(xcv::c2(0, 0, 10, 11, 4, 7), 0) == "cv.extract a0,a1,7,4");
  CHECK(disassemble(xcv::c2(2, 2, 10, 11, 12, 3), 0) == "cv.addrn a0,a1,a2,3");
  CHECK(disassemble(xcv::r(0x38, 10, 11, 8), 0) == "cv.clip a0,a1,8");
  CHECK(disassemble(xcv::br_imm(true, 10, -3, 8), 0x100) == "cv.bneimm a0,-3,108");
}

TEST_CASE("xcvalu: abs, compares, min/max, extensions, clips") {
  CHECK(CvAbs(0xfffffff9u, 0, 0, 0) == 7);
  CHECK(CvAbs(0x80000000u, 0, 0, 0) == 0x80000000u);
  CHECK(CvSle(0xffffffffu, 0, 0, 0) == 1);   // -1 <= 0
  CHECK(CvSleu(0xffffffffu, 0, 0, 0) == 0);
  CHECK(CvSle(5, 5, 0, 0) == 1);
  CHECK(CvMin(0xfffffffeu, 3, 0, 0) == 0xfffffffeu);
  CHECK(CvMinu(0xfffffffeu, 3, 0, 0) == 3);
  CHECK(CvMax(0xfffffffeu, 3, 0, 0) == 3);
  CHECK(CvMaxu(0xfffffffeu, 3, 0, 0) == 0xfffffffeu);
  CHECK(CvExths(0x12348765u, 0, 0, 0) == 0xffff8765u);
  CHECK(CvExthz(0x12348765u, 0, 0, 0) == 0x8765u);
  CHECK(CvExtbs(0x12345685u, 0, 0, 0) == 0xffffff85u);
  CHECK(CvExtbz(0x12345685u, 0, 0, 0) == 0x85u);
  // cv.clip rD, rs1, 8: [-128, 127]; Is2 = 0: [-1, 0].
  CHECK(CvClip(300, 0, 0, 8) == 127);
  CHECK(CvClip(uint32_t(-300), 0, 0, 8) == uint32_t(-128));
  CHECK(CvClip(uint32_t(-128), 0, 0, 8) == uint32_t(-128));
  CHECK(CvClip(100, 0, 0, 8) == 100);
  CHECK(CvClip(5, 0, 0, 0) == 0);
  CHECK(CvClip(uint32_t(-5), 0, 0, 0) == uint32_t(-1));
  // cv.clipu rD, rs1, 9: [0, 255].
  CHECK(CvClipu(300, 0, 0, 9) == 255);
  CHECK(CvClipu(uint32_t(-3), 0, 0, 9) == 0);
  CHECK(CvClipu(77, 0, 0, 9) == 77);
  // register forms: bound rs2 & 0x7fffffff.
  CHECK(CvClipr(1000, 0x800003e7u, 0, 0) == 999);
  CHECK(CvClipr(uint32_t(-1001), 999, 0, 0) == uint32_t(-1000));
  CHECK(CvClipur(uint32_t(-1), 999, 0, 0) == 0);
  CHECK(CvClipur(1000, 999, 0, 0) == 999);
}

TEST_CASE("xcvalu: add/sub with normalization and rounding") {
  CHECK(CvAddN(uint32_t(-10), 3, 0, 1) == uint32_t(-4));  // -7 >>> 1
  CHECK(CvAdduN(uint32_t(-10), 3, 0, 1) == 0x7ffffffcu);  // logical
  CHECK(CvAddRN(10, 3, 0, 2) == 3);                       // (13 + 2) >> 2
  CHECK(CvAddRN(uint32_t(-10), 3, 0, 2) == uint32_t(-2)); // (-7 + 2) >>> 2
  CHECK(CvAddRN(10, 3, 0, 0) == 13);                      // Is3 = 0: no rounding term
  CHECK(CvAdduRN(0xfffffff0u, 0x10u, 0, 4) == 0);         // wraps to 0, + 8, >> 4
  CHECK(CvSubN(3, 10, 0, 1) == uint32_t(-4));
  CHECK(CvSubuN(3, 10, 0, 1) == 0x7ffffffcu);
  CHECK(CvSubRN(3, 10, 0, 1) == uint32_t(-3));            // (-7 + 1) >>> 1
  CHECK(CvSubuRN(20, 3, 0, 2) == 4);                      // (17 + 2) >> 2
  // rD = (rD +/- rs1 [+ round]) >> rs2[4:0]
  CHECK(CvAddNr(3, 0x21, 5, 0) == 4);                     // (5 + 3) >> 1 (rs2[4:0] = 1)
  CHECK(CvAddRNr(3, 2, 6, 0) == 2);                       // (6 + 3 + 2) >> 2
  CHECK(CvAdduNr(1, 1, 0xffffffffu, 0) == 0);
  CHECK(CvSubNr(10, 1, 4, 0) == uint32_t(-3));            // (4 - 10) >>> 1
  CHECK(CvSubuNr(10, 1, 4, 0) == 0x7ffffffdu);
  CHECK(CvSubRNr(1, 2, 11, 0) == 3);                      // (10 + 2) >> 2
  CHECK(CvSubuRNr(1, 2, 11, 0) == 3);
}

TEST_CASE("xcvbitmanip: fields, counts, rotate, bit reverse") {
  auto is = [](unsigned is3, unsigned is2) { return int32_t(is2 | is3 << 5); };
  CHECK(CvExtract(0x0000f0a0u, 0, 0, is(3, 4)) == 0xfffffffau);  // bits 7:4 = 1010, sign-extended
  CHECK(CvExtractu(0x0000f0a0u, 0, 0, is(3, 4)) == 0xau);
  CHECK(CvExtractu(0x80000000u, 0, 0, is(7, 28)) == 0x8u);        // min(Is3+Is2, 31) = 31
  CHECK(CvExtract(0x80000000u, 0, 0, is(7, 28)) == 0xfffffff8u);
  CHECK(CvExtractr(0x0000f0a0u, (3 << 5) | 4, 0, 0) == 0xfffffffau);
  CHECK(CvExtractur(0x0000f0a0u, (3 << 5) | 4, 0, 0) == 0xau);
  CHECK(CvInsert(0x5u, 0, 0xffffffffu, is(3, 8)) == 0xfffff5ffu);
  CHECK(CvInsertr(0xau, (1 << 5) | 30, 0, 0) == 0x80000000u);      // 2 bits at 30: rs1[1:0] = 10
  CHECK(CvBclr(0xffffffffu, 0, 0, is(7, 8)) == 0xffff00ffu);
  CHECK(CvBset(0, 0, 0, is(3, 28)) == 0xf0000000u);
  CHECK(CvBclrr(0xffffffffu, (7 << 5) | 8, 0, 0) == 0xffff00ffu);
  CHECK(CvBsetr(0, (0 << 5) | 31, 0, 0) == 0x80000000u);
  CHECK(CvFf1(0x00000100u, 0, 0, 0) == 8);
  CHECK(CvFf1(0, 0, 0, 0) == 32);
  CHECK(CvFl1(0x00000100u, 0, 0, 0) == 8);
  CHECK(CvFl1(0x80000001u, 0, 0, 0) == 31);
  CHECK(CvFl1(0, 0, 0, 0) == 32);
  CHECK(CvClb(0, 0, 0, 0) == 0);
  CHECK(CvClb(0x0000ffffu, 0, 0, 0) == 15);  // 16 leading zeros - 1
  CHECK(CvClb(0xffff0000u, 0, 0, 0) == 15);
  CHECK(CvCnt(0xf0f00001u, 0, 0, 0) == 9);
  CHECK(CvRor(0x00000001u, 1, 0, 0) == 0x80000000u);
  CHECK(CvRor(0x12345678u, 32 + 8, 0, 0) == 0x78123456u);
  // The manual's three cv.bitrev examples (in 0xC64A5933, Is2 = 4).
  CHECK(CvBitrev(0xC64A5933u, 0, 0, is(0, 4)) == 0x0CC9A526u);
  CHECK(CvBitrev(0xC64A5933u, 0, 0, is(1, 4)) == 0x0CC65A19u);
  CHECK(CvBitrev(0xC64A5933u, 0, 0, is(2, 4)) == 0x216B244Bu);
  CHECK(CvBitrev(0xC64A5933u, 0, 0, is(3, 4)) == 0x0CC9A526u);  // Is3 = 3 acts as radix-2
}

TEST_CASE("xcvmac: 32-bit mac/msu and the 16x16 forms") {
  CHECK(CvMac(3, 4, 100, 0) == 112);
  CHECK(CvMsu(3, 4, 100, 0) == 88);
  CHECK(CvMac(0xffffffffu, 2, 0, 0) == 0xfffffffeu);
  CHECK(CvMulsN(0x0001fffeu, 0x00000003u, 0, 0) == uint32_t(-6));        // -2 * 3
  CHECK(CvMulsN(0x0001fffeu, 0x00000003u, 0, 1) == uint32_t(-3));
  CHECK(CvMulhhsN(0xfffe0001u, 0x00030000u, 0, 0) == uint32_t(-6));
  CHECK(CvMuluN(0x0001fffeu, 0x00000003u, 0, 0) == 0x2fffau);           // 65534 * 3
  CHECK(CvMulhhuN(0xfffe0000u, 0x00030000u, 0, 1) == 0x17ffdu);          // 65534 * 3 >> 1
  CHECK(CvMulsRN(0x00000007u, 0x00000003u, 0, 2) == 5);                 // (21 + 2) >> 2
  CHECK(CvMulsRN(0x0000fff9u, 0x00000003u, 0, 2) == uint32_t(-5));      // (-21 + 2) >>> 2
  CHECK(CvMuluRN(7, 3, 0, 0) == 21);                                    // Is3 = 0: no rounding
  CHECK(CvMulhhsRN(0x00070000u, 0x00030000u, 0, 1) == 11);              // (21 + 1) >> 1
  CHECK(CvMulhhuRN(0x00070000u, 0x00030000u, 0, 3) == 3);               // (21 + 4) >> 3
  CHECK(CvMacsN(0x0000fffeu, 3, 10, 0) == 4);                           // 10 + (-6)
  CHECK(CvMacsN(0x0000fffeu, 3, 10, 1) == 2);
  CHECK(CvMachhsN(0xfffe0000u, 0x00030000u, 10, 0) == 4);
  CHECK(CvMacuN(0xffffu, 0xffffu, 1, 0) == 0xfffe0002u);
  CHECK(CvMachhuN(0x00020000u, 0x00030000u, 2, 3) == 1);                // (2 + 6) >> 3
  CHECK(CvMacsRN(3, 3, 1, 2) == 3);                                     // (1 + 9 + 2) >> 2
  CHECK(CvMachhsRN(0xffff0000u, 0x00030000u, 0, 1) == uint32_t(-1));    // (-3 + 1) >>> 1
  CHECK(CvMacuRN(3, 3, 1, 2) == 3);
  CHECK(CvMachhuRN(0x00030000u, 0x00030000u, 1, 2) == 3);
}

TEST_CASE("xcvsimd: lane arithmetic, .sc and .sci replication, shifts") {
  CHECK(CvAddH(0x0001ffffu, 0x00010001u, 0, 0) == 0x00020000u);   // lanes wrap independently
  CHECK(CvAddB(0x01ff7f80u, 0x01010101u, 0, 0) == 0x02008081u);
  CHECK(CvAddScH(0x00010002u, 0x12340003u, 0, 0) == 0x00040005u); // rs2[15:0] replicated
  CHECK(CvAddScB(0x01020304u, 0xffffff01u, 0, 0) == 0x02030405u);
  CHECK(CvAddSciH(0x00010002u, 0, 0, -1) == 0x00000001u);
  CHECK(CvAddSciB(0x01020304u, 0, 0, -2) == 0xff000102u);
  CHECK(CvSubH(0x00000005u, 0x00010006u, 0, 0) == 0xffffffffu);
  CHECK(CvSubB(0x00000000u, 0x01010101u, 0, 0) == 0xffffffffu);
  CHECK(CvAvgH(0xfffc0006u, 0x00000002u, 0, 0) == 0xfffe0004u);   // -4/2, 8/2
  CHECK(CvAvguH(0xfffc0006u, 0x00000002u, 0, 0) == 0x7ffe0004u);
  CHECK(CvAvgB(0x80000000u, 0x00000000u, 0, 0) == 0xc0000000u);
  CHECK(CvAvguSciB(0x02040608u, 0, 0, 2) == 0x02030405u);
  CHECK(CvMinVH(0xffff0001u, 0x00010000u, 0, 0) == 0xffff0000u);
  CHECK(CvMinuVH(0xffff0001u, 0x00010000u, 0, 0) == 0x00010000u);
  CHECK(CvMaxVB(0x80017f00u, 0x7f00807fu, 0, 0) == 0x7f017f7fu);
  CHECK(CvMaxuVB(0x80017f00u, 0x7f00807fu, 0, 0) == 0x8001807fu);
  CHECK(CvMinVSciH(0x00050010u, 0, 0, 7) == 0x00050007u);
  CHECK(CvSrlH(0x80008000u, 0x00010004u, 0, 0) == 0x40000800u);   // per-lane amounts
  CHECK(CvSraH(0x80008000u, 0x00010004u, 0, 0) == 0xc000f800u);
  CHECK(CvSllB(0x01010101u, 0x00010203u, 0, 0) == 0x01020408u);
  CHECK(CvSllScH(0x00010001u, 0x0000001fu, 0, 0) == 0x80008000u); // only rs2[3:0] for .h
  CHECK(CvSraSciB(0x80804040u, 0, 0, 7) == 0xffff0000u);
  CHECK(CvSrlScB(0xffffffffu, 0x0000000fu, 0, 0) == 0x01010101u);  // only rs2[2:0] for .b
  CHECK(CvOrScB(0x00000000u, 0x000000a5u, 0, 0) == 0xa5a5a5a5u);
  CHECK(CvXorSciH(0x0000ffffu, 0, 0, -1) == 0xffff0000u);
  CHECK(CvAndSciB(0xffffffffu, 0, 0, 31) == 0x1f1f1f1fu);
  CHECK(CvAbsH(0x8000fffeu, 0, 0, 0) == 0x80000002u);
  CHECK(CvAbsB(0x80ff017fu, 0, 0, 0) == 0x8001017fu);
}

TEST_CASE("xcvsimd: dot products, signedness, accumulation") {
  // a = {-1, 2, -3, 4} (lane 0 first), b = {5, -6, 7, -8}
  const uint32_t a = 0x04fd02ffu, b = 0xf807fa05u;
  CHECK(CvDotspB(a, b, 0, 0) == uint32_t(-5 - 12 - 21 - 32));
  CHECK(CvDotupB(a, b, 0, 0) == 255u * 5 + 2u * 250 + 253u * 7 + 4u * 248);
  CHECK(CvDotuspB(a, b, 0, 0) == uint32_t(255 * 5 + 2 * -6 + 253 * 7 + 4 * -8));
  CHECK(CvSdotspB(a, b, 1000, 0) == uint32_t(1000 - 70));
  CHECK(CvSdotupB(0x01010101u, 0x02020202u, 1, 0) == 9);
  CHECK(CvSdotuspB(0xffffffffu, 0xffffffffu, 0, 0) == uint32_t(-4 * 255));
  CHECK(CvDotspH(0xffff0002u, 0x00030004u, 0, 0) == uint32_t(2 * 4 - 3));
  CHECK(CvDotupH(0xffff0002u, 0x00030004u, 0, 0) == 0xffffu * 3 + 8);
  CHECK(CvDotuspH(0xffff0002u, 0xffff0004u, 0, 0) == uint32_t(8 - 0xffff));
  CHECK(CvSdotspH(0x7fff7fffu, 0x7fff7fffu, 2, 0) == 2u + 2u * 0x3fff0001u);
  CHECK(CvSdotuspH(0x00020003u, 0xffff0001u, 5, 0) == 6);   // 5 + 3 - 2
  CHECK(CvSdotupH(0x00020003u, 0x00040005u, 1, 0) == 24);
  CHECK(CvDotspScB(a, 0x00000002u, 0, 0) == uint32_t(2 * (-1 + 2 - 3 + 4)));
  CHECK(CvDotspSciB(a, 0, 0, -1) == uint32_t(1 - 2 + 3 - 4));
  CHECK(CvDotupSciB(0x01010101u, 0, 0, 63) == 4u * 63);     // zero-extended immediate
  CHECK(CvSdotspScH(0x00030002u, 0x0000ffffu, 10, 0) == 5);  // 10 - 2 - 3
}

TEST_CASE("xcvsimd: compares, lane moves, shuffles and packs") {
  CHECK(CvCmpeqH(0x00010002u, 0x00010003u, 0, 0) == 0xffff0000u);
  CHECK(CvCmpneB(0x01020304u, 0x01000300u, 0, 0) == 0x00ff00ffu);
  CHECK(CvCmpgtB(0x80017f00u, 0x00000000u, 0, 0) == 0x00ffff00u);
  CHECK(CvCmpgtuB(0x80017f00u, 0x00000000u, 0, 0) == 0xffffff00u);
  CHECK(CvCmpgeSciH(0xffff0000u, 0, 0, 0) == 0x0000ffffu);
  CHECK(CvCmpltScH(0xffff0005u, 0x00000001u, 0, 0) == 0xffff0000u);
  CHECK(CvCmpleB(0x01020304u, 0x02020202u, 0, 0) == 0xffff0000u);
  CHECK(CvCmpgeuH(0x80000001u, 0x00010001u, 0, 0) == 0xffffffffu);
  CHECK(CvCmpltuSciB(0x00010203u, 0, 0, 2) == 0xffff0000u);
  CHECK(CvCmpleuB(0xff000000u, 0x00000000u, 0, 0) == 0x00ffffffu);
  CHECK(CvExtractH(0x8000ffffu, 0, 0, 1) == 0xffff8000u);
  CHECK(CvExtractuH(0x8000ffffu, 0, 0, 1) == 0x8000u);
  CHECK(CvExtractB(0x12f45678u, 0, 0, 2) == 0xfffffff4u);
  CHECK(CvExtractuB(0x12f45678u, 0, 0, 3) == 0x12u);
  CHECK(CvInsertH(0xaaaa1234u, 0, 0x55556666u, 1) == 0x12346666u);
  CHECK(CvInsertB(0x000000abu, 0, 0x11223344u, 2) == 0x11ab3344u);
  CHECK(CvShuffleH(0x11112222u, 0x00000001u, 0, 0) == 0x22221111u);
  CHECK(CvShuffleSciH(0x11112222u, 0, 0, 3) == 0x11111111u);
  CHECK(CvShuffleB(0x44332211u, 0x00010203u, 0, 0) == 0x11223344u);
  CHECK(CvShuffleI0(0x44332211u, 0, 0, 0x1b) == 0x11223344u);  // imm 01 10 11
  CHECK(CvShuffleI3(0x44332211u, 0, 0, 0x00) == 0x44111111u);
  CHECK(CvShuffle2H(0xaaaabbbbu, 0x00000002u, 0xccccddddu, 0) == 0xddddbbbbu);
  CHECK(CvShuffle2B(0x44332211u, 0x04050603u, 0x88776655u, 0) == 0x11223388u);  // lane 0 from rD
  CHECK(CvPack(0x1111aaaau, 0x2222bbbbu, 0, 0) == 0xaaaabbbbu);
  CHECK(CvPackH(0x1111aaaau, 0x2222bbbbu, 0, 0) == 0x11112222u);
  CHECK(CvPackhiB(0x000000aau, 0x000000bbu, 0x11223344u, 0) == 0xaabb3344u);
  CHECK(CvPackloB(0x000000aau, 0x000000bbu, 0x11223344u, 0) == 0x1122aabbu);
}

TEST_CASE("xcvsimd: complex-number operations") {
  // a = 3 + 4i, b = 1 + 2i in Q15 lanes are plain integers here: (3*1 - 4*2) >> 15
  const uint32_t a = 0x40004000u /* 0.5 + 0.5i */, b = 0x40000000u /* 0 + 0.5i */;
  CHECK(CvCplxmulR(a, b, 0x12340000u, 0) == 0x1234e000u);  // re = (0 - 0.25) = -0.25 (0xe000)
  CHECK(CvCplxmulI(a, b, 0x00005678u, 0) == 0x20005678u);  // im = 0.25
  CHECK(CvCplxmulRDiv2(a, b, 0, 0) == 0x0000f000u);
  CHECK(CvCplxmulIDiv8(a, b, 0, 0) == 0x04000000u);
  CHECK(CvCplxconj(0x00050003u, 0, 0, 0) == 0xfffb0003u);
  // subrotmj: rD[1] = (b0 - a0), rD[0] = (a1 - b1)
  CHECK(CvSubrotmj(0x00050003u, 0x00010007u, 0, 0) == 0x00040004u);
  CHECK(CvSubrotmjDiv2(0x00050003u, 0x00010007u, 0, 0) == 0x00020002u);
  CHECK(CvAddDiv2(0x00040006u, 0x00020002u, 0, 0) == 0x00030004u);
  CHECK(CvSubDiv4(0x00040006u, 0x00080002u, 0, 0) == 0xffff0001u);
}

TEST_CASE("metadata for GDB and itrace: data accesses and the registers an instruction writes") {
  uint32_t regs[32] = {};
  regs[11] = 0x1000, regs[12] = 8, regs[13] = 12;
  auto reg = [&](unsigned r) { return r < 32 ? regs[r] : 0u; };
  DataAccess a;
  uint8_t w[2];
  Decoded d = decode(xcv::r(0x02, 10, 11, 12));  // cv.lw a0,(a1),a2: the unincremented address
  REQUIRE(data_access(d, reg, a));
  CHECK((a.addr == 0x1000 && a.size == 4 && !a.store));
  REQUIRE(written_regs(d, w) == 2);  // the loaded register and the incremented base
  CHECK((w[0] == 10 && w[1] == 11));
  d = decode(xcv::lw_pi(11, 11, 4));  // rd == rs1: the loaded value wins, one register
  CHECK(written_regs(d, w) == 1);
  d = decode(xcv::r(0x06, 10, 11, 12));  // cv.lw a0,a2(a1)
  REQUIRE(data_access(d, reg, a));
  CHECK(a.addr == 0x1008);
  CHECK(written_regs(d, w) == 1);
  d = decode(xcv::r(0x15, 13, 11, 12));  // cv.sh a2,a3(a1)
  REQUIRE(data_access(d, reg, a));
  CHECK((a.addr == 0x100c && a.size == 2 && a.store));
  CHECK(written_regs(d, w) == 0);
  d = decode(xcv::sb_pi(12, 11, -1));
  REQUIRE(data_access(d, reg, a));
  CHECK((a.addr == 0x1000 && a.size == 1 && a.store));
  REQUIRE(written_regs(d, w) == 1);
  CHECK(w[0] == 11);
  CHECK(!data_access(decode(0x987312fb), reg, a));  // cv.sdotup.b: no access
  CHECK(info(Op::kCvSdotupB).flags & kRdRd);
  CHECK(info(Op::kCvLwPostI).timing == Timing::kLoad);
  CHECK(info(Op::kCvBeqimm).timing == Timing::kBranch);
}
