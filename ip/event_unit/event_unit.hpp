#pragma once
// The cluster's hardware synchroniser (Fig. 1A "event unit"): per-core event
// masks and buffers, a hardware barrier, work dispatch and software events.
// A core sleeps in `wfi` while its masked buffer is empty, or in a cv.elw
// read of EVENT_WAIT(_CLEAR), which is held back until then; its event output
// carries the time from which it is high, so a core that runs ahead within
// its quantum never sees an event before it happens.
#include <array>
#include <deque>
#include <functional>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "common/register_file.hpp"
#include "event_unit/event_unit_params.hpp"
#include "event_unit/occurrences.hpp"
#include "event_unit_regs.h"

namespace vp {

class EventUnit : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<EventUnit> socket;  // EU_BLOCK_SIZE bytes of registers

  // Per core: the level of (BUFFER & MASK) != 0 and the time it takes it.
  std::function<void(unsigned core, bool level, sc_core::sc_time at)> on_core_line;

  EventUnit(sc_core::sc_module_name name, const EventUnitParams& p);

  // A hardware line (DMA, IMA) fires at absolute time `at` in every core's buffer.
  void trigger_line(unsigned line, sc_core::sc_time at);
  // Same, for the cores of `core_mask` only.
  void trigger_line(unsigned line, uint32_t core_mask, sc_core::sc_time at);

  // Host-side inspection (tests, stall reports).
  uint32_t buffer(unsigned core, sc_core::sc_time at) const;
  uint32_t mask(unsigned core) const { return cores_[core].mask; }
  unsigned cores() const { return unsigned(cores_.size()); }
  uint64_t barriers_completed() const { return barriers_; }
  // Event loads (cv.elw) of a wait register answered "not ready" (the core slept and read again).
  uint64_t held_loads() const { return held_loads_; }
  // The shared registers, then each core's MASK and BUFFER, as a debug read at `at` sees them.
  RegisterDump dump_registers(sc_core::sc_time at) const;

 private:
  struct CoreState {
    // What every line change reads first, together.
    uint32_t mask = 0;
    uint32_t buffer = 0;  // lines with at least one occurrence pending
    bool level = false;
    sc_core::sc_time level_at;
    // Occurrence times per line. Kept apart rather than merged: a core
    // clearing an occurrence it can see must not also clear one that another
    // master announced for later (a DMA running ahead).
    std::array<Occurrences, EU_NUM_LINES> pending;
    std::deque<std::pair<uint32_t, sc_core::sc_time>> dispatch;  // value, push time
  };

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  uint32_t read_reg(uint32_t offset, sc_core::sc_time at, bool side_effects);
  void write_reg(uint32_t offset, uint32_t value, sc_core::sc_time at);
  void set_lines(unsigned core, uint32_t lines, sc_core::sc_time at);
  void clear_lines(unsigned core, uint32_t lines, sc_core::sc_time at);
  void update_output(unsigned core, sc_core::sc_time at);
  void arrive_at_barrier(unsigned core, sc_core::sc_time at);

  std::vector<CoreState> cores_;
  uint32_t all_cores_;  // one bit per core
  uint32_t barrier_mask_, dispatch_mask_;
  uint32_t barrier_arrived_ = 0;
  sc_core::sc_time barrier_last_arrival_;
  uint64_t barriers_ = 0;
  uint64_t held_loads_ = 0;
  sc_core::sc_time access_latency_, barrier_latency_;
};

}  // namespace vp
