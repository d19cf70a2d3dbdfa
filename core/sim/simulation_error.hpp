#pragma once
// An error of the simulated system (a firmware fault, a malformed ELF, a
// stall): every model throws it, vp-run reports its message and exits with 1.
// Configuration errors are ConfigError (config/errors.hpp, exit 2).
#include <stdexcept>

namespace vp {

class SimulationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace vp
