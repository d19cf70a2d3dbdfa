#pragma once
// PLACEHOLDER for the cluster model (which is being built separately): fills a cluster slot
// of the network with a master port that never issues and a slave port that answers every
// request with an address error. It lets the whole 512-cluster network elaborate and run
// until the real cluster is supplied through a ClusterFactory.
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "manycore/cluster_slot.hpp"

namespace vp {

class IdleClusterSlot : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<IdleClusterSlot> master;
  tlm_utils::simple_target_socket<IdleClusterSlot> slave;

  explicit IdleClusterSlot(sc_core::sc_module_name name);
  ClusterPorts ports() { return {&master, &slave}; }

  static ClusterSlot make(int id, const Config& cfg, const MemoryMap& map);

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
};

}  // namespace vp
