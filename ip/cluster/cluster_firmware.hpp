#pragma once
// A cluster firmware ELF sorted by where its segments go: the instruction
// memory (one image shared by every cluster), each cluster's L1 (.data,
// loaded into every cluster through the local alias), and global memory
// (HBM or a given cluster's window: input images, tables).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cluster_params.hpp"
#include "elf_loader.hpp"

namespace vp {

struct ClusterFirmware {
  struct Piece {
    uint64_t addr;  // offset in L1, or global address
    std::vector<uint8_t> bytes;
  };
  std::string path;
  uint32_t entry = 0;
  std::shared_ptr<std::vector<uint8_t>> imem;  // the whole instruction memory
  std::vector<Piece> l1;                       // offsets within every cluster's L1
  std::vector<Piece> global;                   // global addresses (HBM, cluster windows)
  rv::ElfImage elf;

  // Throws vp::SimulationError naming the ELF and the segment for any
  // segment outside the instruction memory, the local L1 and global memory
  // (`global` says whether the platform holds a segment elsewhere: checked
  // before the loader allocates it).
  static ClusterFirmware load(const std::string& path, const ClusterMap& map, const rv::SegmentCheck& global = {});
};

}  // namespace vp
