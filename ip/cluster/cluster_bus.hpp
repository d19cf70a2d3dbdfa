#pragma once
// The cluster's interconnect as its cores and its slave port see it: decodes
// the local alias, the cluster's own global window and the instruction
// memory onto the L1 and the peripherals, and sends everything else out of
// the master port toward the network. It adds no latency of its own (the
// targets annotate theirs) and forwards DMI for the L1 and the instruction
// memory so cores reach them without a bus call per access.
#include <cstdint>
#include <functional>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "address_map.h"
#include "cluster_ctrl_regs.h"
#include "cluster_params.hpp"

namespace vp {

class ClusterBus : public sc_core::sc_module {
 public:
  enum Target : unsigned { kL1, kEventUnit, kDma, kIma, kCtrl, kDwconv, kImem, kNoc, kNumTargets };

  // Cores bind here (any number); addresses are 32-bit cluster addresses.
  tlm_utils::multi_passthrough_target_socket<ClusterBus> cores;
  // The network's requests to this cluster: addresses relative to its window.
  tlm_utils::simple_target_socket<ClusterBus> slave;
  // One initiator per target; L1 and peripheral addresses leave as offsets.
  tlm_utils::simple_initiator_socket<ClusterBus> to_l1, to_event_unit, to_dma, to_ima, to_ctrl, to_imem, to_noc;
  // Bound only where the cluster has a depthwise accelerator (dwconv.present).
  tlm_utils::simple_initiator_socket_optional<ClusterBus> to_dwconv;

  ClusterBus(sc_core::sc_module_name name, const ClusterParams& p);

  // The parallel simulation's join (docs/architecture.md, "Parallel
  // simulation"): while *due is set, this cluster's cores have a local phase
  // not yet finished, possibly on another host thread; anything arriving from
  // the network (the slave port, debug accesses included) first calls
  // join(), which finishes it.
  void set_join(const uint8_t* due, std::function<void()> join) {
    join_due_ = due;
    join_ = std::move(join);
  }

  // Where `addr` of `len` bytes goes, and its address there; kNumTargets if nowhere.
  Target decode(uint64_t addr, uint64_t len, uint64_t& target_addr) const;

 private:
  tlm::tlm_fw_transport_if<>* socket_of(Target t);
  void b_transport_core(int, tlm::tlm_generic_payload& t, sc_core::sc_time& delay);
  bool get_dmi_core(int, tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi);
  unsigned dbg_core(int, tlm::tlm_generic_payload& t);
  void b_transport_slave(tlm::tlm_generic_payload& t, sc_core::sc_time& delay);
  unsigned dbg_slave(tlm::tlm_generic_payload& t);
  void invalidate(sc_dt::uint64 start, sc_dt::uint64 end, uint64_t base);
  void invalidate_l1(sc_dt::uint64 start, sc_dt::uint64 end);
  void invalidate_imem(sc_dt::uint64 start, sc_dt::uint64 end);
  // Forwards to the decoded target; returns it (kNumTargets: address error).
  Target route(tlm::tlm_generic_payload& t, sc_core::sc_time* delay, unsigned* dbg_bytes);

  void join() const {
    if (join_due_ && *join_due_) join_();
  }

  const uint8_t* join_due_ = nullptr;
  std::function<void()> join_;
  bool dwconv_present_;
  uint64_t local_base_, global_base_, stride_, periph_offset_, l1_size_, imem_base_, imem_size_;
};

}  // namespace vp
