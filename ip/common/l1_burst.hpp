#pragma once
// One streamer piece handed to the L1 as a single call (L1Streamer's
// `bursts`): the target runs the piece's beats itself, each booked, timed and
// copied exactly as the streamer's own per-beat accesses would be (one TCDM
// access per cycle of at most ports x port_bytes bytes; the next issued one
// cycle after the previous one started in L1), and hands back the streamer's
// state. Same results, one call chain, one payload set-up and one deferred
// write per piece instead of per beat. Only a target that honours it (Tcdm)
// may get it: the owner of the streamer opts in.
#include <cstdint>

#include <systemc>
#include <tlm>

namespace vp {

struct L1Burst : tlm::tlm_extension<L1Burst> {
  tlm::tlm_extension_base* clone() const override { return new L1Burst(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override { *this = static_cast<const L1Burst&>(other); }

  // The beats' geometry and timing (as L1Streamer's).
  uint32_t port_bytes = 4, per_cycle = 4;
  sc_core::sc_time cycle, l1_latency;
  // The streamer's state, in and out: the last beat's issue and completion
  // (absolute), and whether no beat was issued yet.
  sc_core::sc_time issue, end;
  bool first = true;
  // Out: the bytes done before a beat failed (the payload's response says why).
  uint32_t done = 0;
  // Set for the call; a target that sees it cleared treats the payload as one access.
  bool active = false;
};

}  // namespace vp
