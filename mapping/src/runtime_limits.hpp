#pragma once

#include "mapper.hpp"

namespace vp::map {

// Limits of the firmware's dataflow runtime (contracts/mapping_format.h) that
// a mapping could break, checked at map time so that the mapper refuses what
// the runtime would (a located MappingError instead of a stalled run).

// Residual rings read from one holder; producers and consumers per cluster.
void check_flow_limits(const Mapping& m, const Network& net);
// The layer table and the per-channel requantization table.
void check_table_limits(const Mapping& m, const Network& net);

}  // namespace vp::map
