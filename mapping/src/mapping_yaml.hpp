#pragma once
// The human-readable mapping file (mapping/docs/mapping-format.md): cluster
// roles, weight placement, producers and consumers, tile schedule, buffers.
#include <string>

#include "mapper.hpp"

namespace vp::map {
std::string mapping_yaml(const Mapping& m, const Network& net);
}  // namespace vp::map
