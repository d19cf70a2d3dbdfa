#include "manycore/memory_map.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "config/cluster_classes.hpp"

namespace vp {

MemoryMap::MemoryMap(const Config& cfg)
    : clusters_(int(cfg.get_int("cluster.count"))),
      local_base_(uint64_t(cfg.get_int("memory_map.cluster_local_base"))),
      global_base_(uint64_t(cfg.get_int("memory_map.cluster_global_base"))),
      stride_(uint64_t(cfg.get_int("memory_map.cluster_stride"))),
      periph_off_(uint64_t(cfg.get_int("memory_map.peripherals_offset"))),
      l1_size_(0),
      imem_base_(uint64_t(cfg.get_int("memory_map.imem_base"))),
      imem_size_(cfg.get_size("memory_map.imem_size")),
      hbm_base_(uint64_t(cfg.get_int("memory_map.hbm_base"))),
      hbm_size_(cfg.get_size("hbm.size")),
      level_names_(cfg.get_string_list("noc.levels")),
      factors_(cfg.get_int_list("noc.factors")),
      classes_(cluster_class_table(cfg)) {
  for (int i = 0; i < clusters_; ++i) {
    l1_sizes_.push_back(cfg.get_size(cluster_key(cfg, unsigned(i), "l1.size")));
    has_ima_.push_back(cfg.get_bool(cluster_key(cfg, unsigned(i), "ima.present")));
    l1_size_ = std::max(l1_size_, l1_sizes_.back());
  }
  // Config::load checked the map (inside 32 bits, no overlaps): one validation for every tool.
}

int MemoryMap::cluster_of(uint64_t addr) const {
  if (addr < global_base_ || addr >= clusters_end()) return -1;
  return int((addr - global_base_) / stride_);
}

MemoryMap::Decoded MemoryMap::decode(uint64_t addr) const {
  Decoded d;
  if (int c = cluster_of(addr); c >= 0) {
    uint64_t off = addr - cluster_base(c);
    d.cluster = c;
    if (off < l1_sizes_[size_t(c)])
      d.region = Region::kClusterL1, d.offset = off;
    else if (off >= periph_off_)
      d.region = Region::kClusterPeripherals, d.offset = off - periph_off_;
    else
      d.cluster = -1;  // the hole between the end of L1 and the peripherals
  } else if (is_hbm(addr)) {
    d.region = Region::kHbm, d.offset = addr - hbm_base_;
  } else if (addr >= imem_base_ && addr - imem_base_ < imem_size_) {
    d.region = Region::kImem, d.offset = addr - imem_base_;
  } else if (addr >= local_base_ && addr - local_base_ < l1_size_) {
    d.region = Region::kLocalL1, d.offset = addr - local_base_;
  } else if (addr >= local_base_ + periph_off_ && addr - local_base_ < stride_) {
    d.region = Region::kLocalPeripherals, d.offset = addr - local_base_ - periph_off_;
  }
  return d;
}

std::vector<int> MemoryMap::quadrant_path(int cluster) const {
  // Mixed radix, leaf level fastest: consecutive clusters share an L1 quadrant.
  std::vector<int> path(factors_.size());
  int64_t rest = cluster;
  for (size_t k = factors_.size(); k-- > 0;) {
    path[k] = int(rest % factors_[k]);
    rest /= factors_[k];
  }
  return path;
}

std::string MemoryMap::table() const {
  std::string out = "# Global memory map\n\n";
  out += fmt::format("{} clusters; network levels (root first):", clusters_);
  for (size_t k = 0; k < factors_.size(); ++k) out += fmt::format(" {} x{}", level_names_[k], factors_[k]);
  out += ".\nPeripheral block layout (event unit, DMA, IMA, control): docs/architecture.md.\n\n";
  out += "| region | start | end (excl.) | size | network position |\n|---|---|---|---|---|\n";
  auto row = [&](const std::string& what, uint64_t base, uint64_t size, const std::string& where) {
    out += fmt::format("| {} | 0x{:08X} | 0x{:08X} | {:#x} | {} |\n", what, base, base + size, size, where);
  };
  row("own cluster L1 (alias)", local_base_, l1_size_, "local");
  row("own cluster peripherals (alias)", local_peripherals_base(), stride_ - periph_off_, "local");
  row("instruction memory", imem_base_, imem_size_, "local (same image in every cluster)");
  for (int i = 0; i < clusters_; ++i) {
    std::string where;
    auto path = quadrant_path(i);
    for (size_t k = 0; k < path.size(); ++k)
      where += fmt::format("{}{} {}", k ? " / " : "", level_names_[k], path[k]);
    if (!classes_[size_t(i)].empty()) where += fmt::format(" (class {})", classes_[size_t(i)]);
    row(fmt::format("cluster {} L1", i), cluster_base(i), l1_sizes_[size_t(i)], where);
    row(fmt::format("cluster {} peripherals{}", i, has_ima_[size_t(i)] ? "" : " (no IMA: its block is a hole)"),
        cluster_peripherals_base(i), stride_ - periph_off_, where);
  }
  row("HBM", hbm_base_, hbm_size_, fmt::format("{} (root)", level_names_.empty() ? "" : level_names_[0]));
  return out;
}

}  // namespace vp
