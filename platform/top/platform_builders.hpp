#pragma once
// One builder per platform kind; each lives beside the models it assembles.
#include <memory>

#include "top/platform.hpp"

namespace vp {
std::unique_ptr<Platform> make_manycore_platform(const Config& cfg);
std::unique_ptr<Platform> make_bare_platform(const Config& cfg);
}  // namespace vp
