#pragma once
// What the network needs from a cluster (Fig. 1A of the paper: a master and a slave port on
// the AXI tree), and the hook through which the platform creates one cluster per slot.
#include <functional>
#include <memory>

#include <systemc>
#include <tlm>

#include "config/config.hpp"
#include "manycore/memory_map.hpp"

namespace vp {

struct ClusterPorts {
  // The cluster's master port: its cores and DMA issue global addresses into the network.
  tlm::tlm_initiator_socket<>* master = nullptr;
  // The cluster's slave port: requests from the network arrive with addresses relative to
  // the cluster's window (L1 at 0, peripherals at memory_map.peripherals_offset), i.e. the
  // same layout as the cluster's local alias.
  tlm::tlm_target_socket<>* slave = nullptr;
};

struct ClusterSlot {
  std::unique_ptr<sc_core::sc_module> module;  // owned by the platform for the whole run
  ClusterPorts ports;
};

// Creates cluster `id`; called once per cluster, in id order, during elaboration.
using ClusterFactory = std::function<ClusterSlot(int id, const Config& cfg, const MemoryMap& map)>;

}  // namespace vp
