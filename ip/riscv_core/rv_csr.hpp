#pragma once
// CSR numbers (RISC-V Privileged ISA 20211203, tables 2.2-2.5) and the
// fixed identification values of this core.
#include <cstdint>

namespace vp::rv::csr {

enum : uint32_t {
  kCycle = 0xC00, kTime = 0xC01, kInstret = 0xC02, kHpmcounter3 = 0xC03, kHpmcounter31 = 0xC1F,
  kCycleh = 0xC80, kInstreth = 0xC82, kHpmcounter3h = 0xC83, kHpmcounter31h = 0xC9F,
  kMvendorid = 0xF11, kMarchid = 0xF12, kMimpid = 0xF13, kMhartid = 0xF14, kMconfigptr = 0xF15,
  kMstatus = 0x300, kMisa = 0x301, kMie = 0x304, kMtvec = 0x305, kMstatush = 0x310,
  kMcountinhibit = 0x320, kMhpmevent3 = 0x323, kMhpmevent31 = 0x33F,
  kMscratch = 0x340, kMepc = 0x341, kMcause = 0x342, kMtval = 0x343, kMip = 0x344,
  kMcycle = 0xB00, kMinstret = 0xB02, kMhpmcounter3 = 0xB03, kMhpmcounter31 = 0xB1F,
  kMcycleh = 0xB80, kMinstreth = 0xB82, kMhpmcounter3h = 0xB83, kMhpmcounter31h = 0xB9F,
};

// misa: MXL = 1 (32-bit), extensions C (bit 2), I (bit 8), M (bit 12).
constexpr uint32_t kMisaValue = (1u << 30) | (1u << 2) | (1u << 8) | (1u << 12);
// marchid of CV32E40P in the RISC-V International registry.
constexpr uint32_t kMarchidValue = 4;

}  // namespace vp::rv::csr
