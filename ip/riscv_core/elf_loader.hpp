#pragma once
// Loads a 32-bit little-endian RISC-V executable with libelf: its PT_LOAD
// segments (by physical address) and its symbols. Any malformation is a
// vp::SimulationError naming the file and the problem.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vp::rv {

struct ElfSegment {
  uint32_t addr = 0;               // physical load address
  std::vector<uint8_t> bytes;      // file bytes followed by zeros up to memsz
};

struct ElfImage {
  std::string path;
  uint32_t entry = 0;
  std::vector<ElfSegment> segments;
  std::map<std::string, uint32_t> symbols;  // global and local symbols with a name
  std::optional<uint32_t> symbol(const std::string& name) const {
    auto it = symbols.find(name);
    if (it == symbols.end()) return std::nullopt;
    return it->second;
  }
};

ElfImage load_elf(const std::string& path);

}  // namespace vp::rv
