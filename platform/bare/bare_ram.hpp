#pragma once
// The RAM of the bare platform: a TLM target that grants DMI for all of it
// except the `tohost` word, whose writes must be seen (riscv-tests
// convention: value 1 | code << 1 halts with `code`).
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace vp {

class BareRam : public sc_core::sc_module {
 public:
  BareRam(sc_core::sc_module_name name, uint64_t base, uint64_t size, sc_core::sc_time latency);
  tlm_utils::simple_target_socket<BareRam> socket;

  // Writes to [tohost, tohost + 8) call `on_tohost` with the 32-bit value.
  void watch_tohost(uint32_t addr, std::function<void(uint32_t)> on_tohost);

  bool contains(uint64_t addr, uint64_t len) const { return addr >= base_ && len <= size_ && addr - base_ <= size_ - len; }
  uint8_t* host(uint64_t addr) { return mem_.get() + (addr - base_); }
  uint64_t base() const { return base_; }
  uint64_t size() const { return size_; }

 private:
  void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi);
  unsigned int transport_dbg(tlm::tlm_generic_payload& t);

  uint64_t base_, size_;
  sc_core::sc_time latency_;
  // calloc: the OS hands out zero pages lazily, so a large RAM costs nothing untouched.
  std::unique_ptr<uint8_t, decltype(&std::free)> mem_;
  std::optional<uint32_t> tohost_;
  std::function<void(uint32_t)> on_tohost_;
};

}  // namespace vp
