#pragma once
// The cluster's master port: its cores' remote accesses and its DMA's bursts
// share one AXI master toward the network.
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

namespace vp {

class NocPort : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<NocPort> in;
  tlm_utils::simple_initiator_socket<NocPort> out;

  explicit NocPort(sc_core::sc_module_name name) : sc_module(name), in("in"), out("out") {
    in.register_b_transport(this, &NocPort::b_transport);
    in.register_transport_dbg(this, &NocPort::transport_dbg);
  }

  uint64_t transactions() const { return transactions_; }

 private:
  void b_transport(int, tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
    ++transactions_;
    out->b_transport(t, delay);
  }
  unsigned transport_dbg(int, tlm::tlm_generic_payload& t) { return out->transport_dbg(t); }
  uint64_t transactions_ = 0;
};

}  // namespace vp
