#pragma once
// The global 32-bit address map of the manycore platform (docs/architecture.md), computed
// once from the `memory_map`, `cluster` and `hbm` sections. Cluster, DMA, network builder
// and firmware tooling ask it where things are, so the layout is defined in one place.
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace vp {

class MemoryMap {
 public:
  enum class Region { kLocalL1, kLocalPeripherals, kImem, kClusterL1, kClusterPeripherals, kHbm, kUnmapped };
  struct Decoded {
    Region region = Region::kUnmapped;
    int cluster = -1;     // for kClusterL1 / kClusterPeripherals
    uint64_t offset = 0;  // from the start of the region
  };

  // Checks that the regions do not overlap (cfg.fail on the offending key).
  explicit MemoryMap(const Config& cfg);

  int clusters() const { return clusters_; }
  uint64_t cluster_stride() const { return stride_; }
  uint64_t peripherals_offset() const { return periph_off_; }
  uint64_t l1_size() const { return l1_size_; }  // the largest of the clusters' L1
  // Cluster i's L1 size (its class's, on a heterogeneous platform).
  uint64_t l1_size(int i) const { return l1_sizes_[size_t(i)]; }
  // Cluster i's global window: its L1 at the base, its peripherals at + peripherals_offset.
  uint64_t cluster_base(int i) const { return global_base_ + uint64_t(i) * stride_; }
  uint64_t cluster_peripherals_base(int i) const { return cluster_base(i) + periph_off_; }
  uint64_t clusters_end() const { return cluster_base(clusters_); }
  // The executing cluster's own window (alias).
  uint64_t local_base() const { return local_base_; }
  uint64_t local_peripherals_base() const { return local_base_ + periph_off_; }
  uint64_t imem_base() const { return imem_base_; }
  uint64_t imem_size() const { return imem_size_; }
  uint64_t hbm_base() const { return hbm_base_; }
  uint64_t hbm_size() const { return hbm_size_; }

  // Cluster whose global window holds addr, or -1.
  int cluster_of(uint64_t addr) const;
  bool is_hbm(uint64_t addr) const { return addr >= hbm_base_ && addr - hbm_base_ < hbm_size_; }
  Decoded decode(uint64_t addr) const;

  // Position of cluster i in the network tree: its quadrant index at every level, root first.
  std::vector<int> quadrant_path(int cluster) const;
  const std::vector<std::string>& level_names() const { return level_names_; }
  const std::vector<int64_t>& factors() const { return factors_; }

  // The generated Markdown table printed by `vp-run --print-memory-map`.
  std::string table() const;

 private:
  int clusters_;
  uint64_t local_base_, global_base_, stride_, periph_off_, l1_size_, imem_base_, imem_size_, hbm_base_, hbm_size_;
  std::vector<uint64_t> l1_sizes_;
  std::vector<std::string> level_names_;
  std::vector<int64_t> factors_;
  std::vector<std::string> classes_;  // each cluster's class ("" when homogeneous)
  std::vector<char> has_ima_;         // its IMA block answers (else a hole)
};

}  // namespace vp
