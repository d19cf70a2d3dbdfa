#pragma once
// The cluster's instruction memory: code and read-only data. Every cluster
// runs the same firmware image, so all of them share one host buffer (8192
// cores, one copy). Read-only to the simulated system; cores fetch through DMI.
#include <cstdint>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace vp {

class InstructionMemory : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<InstructionMemory> socket;  // offsets within the memory

  InstructionMemory(sc_core::sc_module_name name, std::shared_ptr<std::vector<uint8_t>> image,
                    sc_core::sc_time latency);

 private:
  void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi);
  unsigned transport_dbg(tlm::tlm_generic_payload& t);

  std::shared_ptr<std::vector<uint8_t>> image_;
  sc_core::sc_time latency_;
};

}  // namespace vp
