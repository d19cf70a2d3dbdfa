// The bare platform: one RISC-V core and one RAM. The core model arrives with
// the ISS; until then the platform reports that it cannot run programs.
#include "top/platform_builders.hpp"

namespace vp {

std::unique_ptr<Platform> make_bare_platform(const Config& cfg) {
  cfg.fail("kind", "the bare platform needs the RISC-V core model, which is not built yet");
}

}  // namespace vp
