// Selects the builder for a platform kind.
#include <fmt/format.h>

#include "top/platform.hpp"
#include "top/platform_builders.hpp"

namespace vp {

std::unique_ptr<Platform> make_platform(const Config& cfg) {
  const std::string kind = cfg.get_string("kind");
  if (kind == "manycore") return make_manycore_platform(cfg);
  if (kind == "bare") return make_bare_platform(cfg);
  cfg.fail("kind", fmt::format("no builder for platform kind '{}'", kind));
}

}  // namespace vp
