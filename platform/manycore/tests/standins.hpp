#pragma once
// Test and benchmark stand-ins for a cluster on the network: a traffic generator on the
// master port (issues a script of transfers at chosen times and records when each
// completes) and a plain memory on the slave port (answers at once, so measured times
// are the network's alone). Not part of the platform.
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "manycore/cluster_slot.hpp"

namespace vp::test {

struct Transfer {
  sc_core::sc_time at;            // issue time (absolute)
  tlm::tlm_command cmd = tlm::TLM_WRITE_COMMAND;
  uint64_t addr = 0;              // global address
  std::vector<uint8_t> data;      // written bytes, or the buffer a read fills
  bool run_ahead = false;         // issue now with `at` as annotated delay (temporal decoupling)
  // Results.
  sc_core::sc_time done;
  tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
};

class ClusterStandIn : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<ClusterStandIn> master;
  tlm_utils::simple_target_socket<ClusterStandIn> slave;
  std::vector<Transfer> script;  // issued in order; each waits for its `at`, not for the previous

  ClusterStandIn(sc_core::sc_module_name name, uint64_t window_bytes)
      : sc_module(name), master("master"), slave("slave"), window_(window_bytes) {
    slave.register_b_transport(this, &ClusterStandIn::b_transport);
    slave.register_transport_dbg(this, &ClusterStandIn::transport_dbg);
    SC_HAS_PROCESS(ClusterStandIn);
    SC_THREAD(run);
  }
  ~ClusterStandIn() override { std::free(mem_); }

  ClusterPorts ports() { return {&master, &slave}; }
  // The memory behind the slave port, by window offset; zero where never written.
  uint8_t byte(uint64_t offset) const { return mem_ ? mem_[offset] : 0; }
  uint64_t accesses() const { return accesses_; }
  sc_core::sc_time last_done() const {
    sc_core::sc_time t;
    for (const auto& x : script) t = std::max(t, x.done);
    return t;
  }

 private:
  void run() {
    tlm::tlm_generic_payload trans;
    for (auto& x : script) {
      sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
      if (x.run_ahead && x.at > sc_core::sc_time_stamp())
        delay = x.at - sc_core::sc_time_stamp();
      else if (x.at > sc_core::sc_time_stamp())
        wait(x.at - sc_core::sc_time_stamp());
      trans.set_command(x.cmd);
      trans.set_address(x.addr);
      trans.set_data_ptr(x.data.data());
      trans.set_data_length(unsigned(x.data.size()));
      trans.set_streaming_width(unsigned(x.data.size()));
      trans.set_byte_enable_ptr(nullptr);
      trans.set_dmi_allowed(false);
      trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      master->b_transport(trans, delay);
      x.done = sc_core::sc_time_stamp() + delay;
      x.status = trans.get_response_status();
    }
  }
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
    ++accesses_;
    if (trans.get_address() + trans.get_data_length() > window_) {
      trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    transport_dbg(trans);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  unsigned transport_dbg(tlm::tlm_generic_payload& trans) {
    if (trans.get_address() + trans.get_data_length() > window_) return 0;
    // calloc: the host maps pages only when touched, so idle windows cost nothing.
    if (!mem_) mem_ = static_cast<uint8_t*>(std::calloc(window_, 1));
    uint8_t* p = mem_ + trans.get_address();
    if (trans.is_write())
      std::memcpy(p, trans.get_data_ptr(), trans.get_data_length());
    else if (trans.is_read())
      std::memcpy(trans.get_data_ptr(), p, trans.get_data_length());
    return trans.get_data_length();
  }

  uint64_t window_;
  uint8_t* mem_ = nullptr;
  uint64_t accesses_ = 0;
};

// A factory for the platform builder that keeps a pointer to every stand-in it makes.
inline ClusterFactory stand_in_factory(std::vector<ClusterStandIn*>& made) {
  return [&made](int id, const Config&, const MemoryMap& map) {
    auto m = std::make_unique<ClusterStandIn>(("cluster_" + std::to_string(id)).c_str(), map.cluster_stride());
    made.push_back(m.get());
    ClusterPorts p = m->ports();
    return ClusterSlot{std::move(m), p};
  };
}

}  // namespace vp::test
