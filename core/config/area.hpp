#pragma once
// The area model's parts (docs/energy.md, keys `area:`): what one cluster is
// made of and its mm2. Here, below the energy model and the mapper, so that
// both price a cluster the same way (the mapper's crossbar-size choice).
#include <cstdint>
#include <vector>

#include "config/config.hpp"

namespace vp {

struct AreaParams {
  double core_mm2 = 0, l1_mm2_per_mib = 0, ima_mm2_per_kcell = 0, dma_mm2 = 0, cluster_other_mm2 = 0;
  double noc_mm2_per_cluster = 0, hbm_interface_mm2 = 0;
  double dwconv_mm2_per_mac = 0;  // per multiplier of the depthwise accelerator
};

// What one cluster is made of, for its area.
struct ClusterShape {
  unsigned cores = 0;
  uint64_t l1_bytes = 0;
  unsigned ima_rows = 0, ima_cols = 0;
  unsigned dwconv_macs = 0;  // the depthwise accelerator's multipliers (lanes x taps per cycle); 0: none
};

AreaParams bind_area(const Config& cfg);
ClusterShape bind_cluster_shape(const Config& cfg, unsigned cluster_id);  // its class's cores, L1, IMA
std::vector<ClusterShape> bind_cluster_shapes(const Config& cfg);        // every cluster, by id

// One cluster's area, mm2.
double cluster_area(const ClusterShape& s, const AreaParams& a);

}  // namespace vp
