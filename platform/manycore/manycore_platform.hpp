#pragma once
// The manycore platform builder with a pluggable cluster: the network, the HBM and one
// cluster per slot made by `factory`. make_manycore_platform(cfg) (platform_builders.hpp)
// fills every slot with the cluster model (ip/cluster); tests plug in stand-ins.
#include <memory>

#include "manycore/cluster_slot.hpp"
#include "top/platform.hpp"
#include "top/platform_builders.hpp"

namespace vp {
std::unique_ptr<Platform> make_manycore_platform(const Config& cfg, const ClusterFactory& factory);
}  // namespace vp
