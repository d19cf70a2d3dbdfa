#pragma once
// Names the core that issued a bus transaction, so a device (console,
// exit register, event unit) can tell cores apart. Attached by the core to
// every transaction it sends through its socket.
#include <cstdint>

#include <tlm>

namespace vp::rv {

struct CoreIdExtension : tlm::tlm_extension<CoreIdExtension> {
  uint32_t cluster_id = 0;
  uint32_t core_id = 0;
  tlm::tlm_extension_base* clone() const override { return new CoreIdExtension(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const CoreIdExtension&>(other);
  }
};

}  // namespace vp::rv
