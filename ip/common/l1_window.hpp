#pragma once
// Where a cluster's own L1 appears in the 32-bit map: at the local alias
// (cluster_local_base) and in the cluster's global window (docs/architecture.md).
// Masters inside the cluster (DMA, IMA) use it to tell L1 addresses from
// network ones and to turn them into offsets within the L1.
#include <cstdint>

namespace vp {

struct L1Window {
  uint64_t local_base = 0;
  uint64_t global_base = 0;
  uint64_t size = 0;

  // True if [addr, addr + len) lies entirely in this cluster's L1; sets its offset.
  bool offset_of(uint64_t addr, uint64_t len, uint64_t& offset) const {
    for (uint64_t base : {local_base, global_base}) {
      if (addr >= base && addr - base <= size && len <= size - (addr - base)) {
        offset = addr - base;
        return true;
      }
    }
    return false;
  }
};

}  // namespace vp
