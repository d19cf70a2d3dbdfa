// Reads "ADDRESS ENCODING" lines (hex) on stdin and prints the ISS
// disassembler's text for each: the test compares it with objdump's.
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>

#include "rv_disasm.hpp"

int main() {
  std::string addr, word;
  while (std::cin >> addr >> word) {
    const uint32_t pc = uint32_t(std::stoul(addr, nullptr, 16));
    const uint32_t w = uint32_t(std::stoul(word, nullptr, 16));
    std::cout << addr << '\t' << vp::rv::disassemble(w, pc) << '\n';
  }
  return 0;
}
