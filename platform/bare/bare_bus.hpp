#pragma once
// The bare platform's interconnect: routes by address to the RAM or the host
// I/O block, with no address translation and no latency of its own; an
// address that maps nowhere gets TLM_ADDRESS_ERROR_RESPONSE (an access fault).
#include <cstdint>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

namespace vp {

class BareBus : public sc_core::sc_module {
 public:
  BareBus(sc_core::sc_module_name name, uint64_t ram_base, uint64_t ram_size, uint64_t io_base, uint64_t io_size)
      : sc_core::sc_module(name), target("target"), to_ram("to_ram"), to_io("to_io"),
        ram_base_(ram_base), ram_size_(ram_size), io_base_(io_base), io_size_(io_size) {
    target.register_b_transport(this, &BareBus::b_transport);
    target.register_get_direct_mem_ptr(this, &BareBus::get_direct_mem_ptr);
    target.register_transport_dbg(this, &BareBus::transport_dbg);
    to_ram.register_invalidate_direct_mem_ptr(this, &BareBus::invalidate);
  }
  tlm_utils::simple_target_socket<BareBus> target;
  tlm_utils::simple_initiator_socket<BareBus> to_ram, to_io;

 private:
  bool in(uint64_t a, unsigned len, uint64_t base, uint64_t size) const {
    return a >= base && len <= size && a - base <= size - len;
  }
  void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
    const uint64_t a = t.get_address();
    const unsigned len = t.get_data_length();
    if (in(a, len, ram_base_, ram_size_))
      to_ram->b_transport(t, delay);
    else if (in(a, len, io_base_, io_size_))
      to_io->b_transport(t, delay);
    else
      t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
  }
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi) {
    if (!in(t.get_address(), 1, ram_base_, ram_size_)) return false;
    return to_ram->get_direct_mem_ptr(t, dmi);
  }
  unsigned int transport_dbg(tlm::tlm_generic_payload& t) {
    if (!in(t.get_address(), t.get_data_length(), ram_base_, ram_size_)) return 0;
    return to_ram->transport_dbg(t);
  }
  void invalidate(sc_dt::uint64 lo, sc_dt::uint64 hi) { target->invalidate_direct_mem_ptr(lo, hi); }

  uint64_t ram_base_, ram_size_, io_base_, io_size_;
};

}  // namespace vp
