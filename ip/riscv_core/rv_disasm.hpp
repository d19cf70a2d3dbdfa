#pragma once
// Disassembler for what the decoder accepts (RV32IMC + Zicsr + CORE-V), printing
// what GNU objdump 2.40 prints by default: ABI register names, its
// pseudo-instructions (li, mv, ret, beqz, csrr, ...), shift amounts and
// upper immediates in hex, branch and jump targets as absolute addresses.
// Compressed instructions print as their base form, as objdump does.
#include <cstdint>
#include <string>

#include "rv_isa.hpp"

namespace vp::rv {

// ABI name of register x0..x31 ("zero", "ra", "sp", ..., "t6").
const char* abi_name(unsigned reg);
// Name of a CSR as objdump spells it, or nullptr when it has none.
const char* csr_name(uint32_t csr);

// The instruction `word` at address `pc`: "add a0,a0,1", "j 1c000120".
std::string disassemble(uint32_t word, uint32_t pc);
std::string disassemble(const Decoded& d, uint32_t pc);

}  // namespace vp::rv
