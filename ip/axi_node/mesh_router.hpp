#pragma once
// One router of a 2D mesh network: the on-chip network of seed system b (Jia et al., JSSC
// 2022: a 4x4 array of IMC cores on a configurable on-chip network), where the paper's own
// system (Bruschi et al.) uses the AXI tree of AxiNode. platform/manycore/noc_builder.cpp
// builds the grid from the `noc.mesh` section, one router per cluster.
//
// Ports: the local cluster, the four neighbours (east = column + 1, south = row + 1) and, on
// one router, the HBM controller. Each is a slave/master socket pair, loosely timed as
// AxiNode: b_transport forwards at once and annotates the delay; DMI is never granted.
//
// Routing is dimension-ordered (XY): a transfer first moves along its row to the target's
// column, then along that column; deterministic, minimal and deadlock-free on a mesh. The
// target is decoded from the address: cluster i's window is at cluster_base + i x stride and
// sits at (i mod columns, i div columns); the HBM window at (hbm_column, hbm_row).
//
// Timing, with the link calendars of the tree (BusyCalendar, see axi_node.hpp):
//  - every link has a width and a latency (router-to-router, local, HBM); a transfer of S
//    bytes occupies each link it crosses for ceil(S / width) cycles and pays its latency
//    once, on the request path (the router's pipeline is part of the hop's latency);
//  - a link belongs to one router (its local, east, south and HBM links; the west and north
//    ones are the neighbours' east and south), which books it: every crossing is booked once;
//  - per link, one calendar per AXI port pair (initiated from either end) and data channel,
//    as the tree's full-duplex links; writes book on the way out, reads on the way back, with
//    cut-through (the NocTail extension).
// Uncontended, cluster a -> cluster b so costs 2 x local latency + hops x hop latency +
// ceil(S / w) of the narrowest link crossed, hops = |dx| + |dy|.
//
// Link modes, with the tree's meaning (ip/axi_node/README.md) and the mesh's own keys:
//  - latency_mode `pipelined` (default): a link is held for the burst's duration only, its
//    latency overlaps other bursts. `serialized`: every link a router owns on the path is
//    held for its latency + duration from when the burst gets it, and the burst moves on one
//    latency after getting it (reads: on the way back, where they then pay the latencies).
//    Where the tree has one latency per node, a mesh link has its own: each link is held for
//    its own. Uncontended, both modes give the same times.
//  - duplex `full` (default): reads and writes of a link's port pair have their own
//    calendars; `half`: they share one (2 per link instead of 4).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "axi_node/busy_calendar.hpp"
#include "sim/activity_tracer.hpp"

namespace vp {

class MeshRouter : public sc_core::sc_module {
 public:
  enum Port { kLocal = 0, kEast = 1, kWest = 2, kSouth = 3, kNorth = 4, kHbm = 5 };
  static constexpr int kPorts = 6;

  struct Params {
    int column = 0, row = 0;     // this router's place on the grid
    int columns = 1, rows = 1;   // the grid
    unsigned width_bytes = 32, latency_cycles = 2;             // router-to-router links
    unsigned local_width_bytes = 32, local_latency_cycles = 1;  // cluster <-> router
    int hbm_column = 0, hbm_row = 0;                            // the router with the HBM port
    unsigned hbm_width_bytes = 64, hbm_latency_cycles = 100;    // that router -> HBM controller
    uint64_t cluster_base = 0, cluster_stride = 0;  // cluster i: [base + i x stride, + stride)
    uint64_t hbm_base = 0, hbm_size = 0;
    bool serialized = false;   // noc.mesh.latency_mode: serialized (as the tree's, per link)
    bool half_duplex = false;  // noc.mesh.duplex: half (reads and writes share a calendar)
    sc_core::sc_time cycle = sc_core::sc_time(1, sc_core::SC_NS);
  };

  struct Stats {
    uint64_t transactions = 0, bytes = 0, decode_errors = 0;
    sc_core::sc_time contention = sc_core::SC_ZERO_TIME;  // summed waits on owned links
  };

  using TargetSocket = tlm_utils::simple_target_socket_tagged_optional<MeshRouter>;
  using InitiatorSocket = tlm_utils::simple_initiator_socket_tagged_optional<MeshRouter>;

  MeshRouter(sc_core::sc_module_name name, const Params& p);

  TargetSocket& in(Port p) { return *in_.at(size_t(p)); }         // requests arriving on port p
  InitiatorSocket& out(Port p) { return *out_.at(size_t(p)); }    // requests leaving by port p

  // The port a transfer at (column, row) for (to_column, to_row) leaves by: XY routing.
  static Port next_hop(int column, int row, int to_column, int to_row);
  // Whether this router owns (books) the link at port p.
  bool owns(Port p) const;
  bool has_hbm() const { return has_hbm_; }
  const Params& params() const { return params_; }
  const Stats& stats() const { return stats_; }
  static const char* port_name(Port p);

  // As AxiNode: waveform hook for an owned link, channels by data direction relative to this
  // router: 0 out_rd (read issued from the far end), 1 in_wr (write from the far end),
  // 2 in_rd (read issued through this router), 3 out_wr (write through this router).
  void trace_link(Port p, ActivityTracer* tracer, unsigned link_id);
  static constexpr unsigned kLinkChannels = 4;
  static const char* link_channel_name(unsigned channel);
  sc_core::sc_time link_busy(Port p, unsigned channel) const;  // zero for links not owned

 private:
  struct Link {
    BusyCalendar channel[2][2];  // [initiated from the far end / from this side][read / write]
    uint64_t booked[kLinkChannels] = {};
    ActivityTracer* tracer = nullptr;
    unsigned trace_id = 0;
  };
  static constexpr int kNone = -1;

  void b_transport(int port, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(int port, tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(int port, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  // The port toward the target of `addr` and, for a terminal port, the target window's base.
  int route(uint64_t addr, uint64_t& window_base) const;
  Link* owned_link(int port) { return owns(Port(port)) ? &links_[size_t(port)] : nullptr; }
  sc_core::sc_time reserve(Link& link, int side, int rw, const sc_core::sc_time& t, const sc_core::sc_time& occupancy,
                           sc_core::sc_time& tail);
  // One owned link crossed at t (port `port`, side, read/write) in the router's mode: the time
  // the burst moves on, latency paid (`pay`: pipelined reads pay it on the request path only).
  sc_core::sc_time cross(Link& link, int port, int side, int rw, sc_core::sc_time t, unsigned bytes, bool book,
                         bool pay, sc_core::sc_time& tail);

  Params params_;
  bool has_hbm_;
  uint64_t clusters_ = 0;
  unsigned width_[kPorts];
  sc_core::sc_time latency_[kPorts];
  std::vector<std::unique_ptr<TargetSocket>> in_;
  std::vector<std::unique_ptr<InitiatorSocket>> out_;
  Link links_[kPorts];
  Stats stats_;
};

}  // namespace vp
