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

// Where a platform can hold a segment: "" when [addr, addr + bytes) fits,
// else the reason (e.g. "outside the RAM [0x80000000, 0x80100000)").
using SegmentCheck = std::function<std::string(uint32_t addr, uint64_t bytes)>;

// Every segment is checked against the file and against `fits` before any
// memory is allocated for it: a hostile header cannot make the host allocate
// what the platform could never hold.
ElfImage load_elf(const std::string& path, const SegmentCheck& fits = {});
// The entry point only (header checks, no segment read).
uint32_t read_elf_entry(const std::string& path);

}  // namespace vp::rv
