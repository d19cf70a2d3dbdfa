#pragma once
// A read that its target may hold back until an event: CV32E40P's cv.elw on
// the PULP event unit, which withholds the bus grant while the core's clock
// is gated. A loosely-timed target cannot block, so the initiator marks the
// read and a target that cannot complete it yet answers `not_ready` without
// any side effect; the initiator sleeps until its event line rises and reads
// again. Targets that do not know the extension complete the read as usual.
#include <tlm>

namespace vp {

struct EventLoadExtension : tlm::tlm_extension<EventLoadExtension> {
  bool event_load = false;  // set by the initiator: this read may wait
  bool not_ready = false;   // set by the target: nothing to return yet, read again on the event
  tlm::tlm_extension_base* clone() const override { return new EventLoadExtension(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const EventLoadExtension&>(other);
  }
};

}  // namespace vp
