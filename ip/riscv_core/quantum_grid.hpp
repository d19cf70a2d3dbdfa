// The next sync point on the global quantum grid, by the quantum keeper's own
// arithmetic (the grid keeps every scheduler's sync points aligned).
#pragma once

#include <tlm_utils/tlm_quantumkeeper.h>

namespace vp::rv {

struct QuantumGrid : tlm_utils::tlm_quantumkeeper {
  sc_core::sc_time next_sync_point() {
    reset();
    return m_next_sync_point;
  }
};

}  // namespace vp::rv
