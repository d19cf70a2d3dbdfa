#pragma once
// A test thread's 32-bit register access through an initiator socket, at the
// current simulated time; it then waits the annotated delay, as a core that
// synchronises on a peripheral access would.
#include <cstdint>
#include <stdexcept>

#include <systemc>
#include <tlm>

namespace vp::test {

template <class Socket>
uint32_t register_access(Socket& master, tlm::tlm_command cmd, uint32_t offset, uint32_t value = 0) {
  sc_core::sc_time delay;
  {  // the payload dies before the wait: a simulation error elsewhere leaves this thread suspended
    tlm::tlm_generic_payload tx;
    tx.set_command(cmd);
    tx.set_address(offset);
    tx.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
    tx.set_data_length(4);
    tx.set_streaming_width(4);
    master->b_transport(tx, delay);
    if (!tx.is_response_ok()) throw std::runtime_error("register access failed");
  }
  sc_core::wait(delay);
  return value;
}

}  // namespace vp::test
