#include "manycore/idle_cluster_slot.hpp"

#include <string>

namespace vp {

IdleClusterSlot::IdleClusterSlot(sc_core::sc_module_name name) : sc_module(name), master("master"), slave("slave") {
  slave.register_b_transport(this, &IdleClusterSlot::b_transport);
}

void IdleClusterSlot::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
  // No L1 or peripherals behind a placeholder.
  trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

ClusterSlot IdleClusterSlot::make(int id, const Config&, const MemoryMap&) {
  auto m = std::make_unique<IdleClusterSlot>(("cluster_" + std::to_string(id)).c_str());
  ClusterPorts p = m->ports();
  return {std::move(m), p};
}

}  // namespace vp
