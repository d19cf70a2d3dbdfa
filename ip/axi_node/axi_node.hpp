#pragma once
// One node of the hierarchical AXI4 network (Bruschi et al., section II-3, Fig. 1B/1D):
// N slave ports from its children, one slave port from its parent, and the matching
// master ports. Loosely timed: b_transport forwards the payload at once and annotates the
// delay; no clocked process, no wait().
//
// Timing (see docs/architecture.md, "Contention is modelled by reservation"):
//  - crossing the node costs `latency_cycles` once, on the request path;
//  - a transfer of S bytes occupies every link it crosses for ceil(S / width_bytes) cycles;
//    a link keeps, per channel, a calendar of its busy intervals (BusyCalendar), so a
//    request that arrives late in host order but early in simulated time (temporal
//    decoupling) still finds the link free at its time;
//  - a link is two AXI4 master/slave pairs (one initiated from below, one from above), each
//    with independent read-data and write-data channels: 4 reservations per link;
//  - writes reserve links on the way out at the time the data head reaches them; reads
//    reserve them on the way back (as the call stack unwinds) once the target has the data;
//  - cut-through: a link passes the data from its start for its occupancy, but never before
//    the last byte has crossed the previous link (a narrower link upstream sets the pace).
//    The last byte's time travels with the payload in a NocTail extension, which the entry
//    node adds and removes;
//  - the delay handed to a terminal target is the arrival of the last byte (writes) or of
//    the request (reads); the initiator sees completion when its last byte has moved.
// Uncontended, a transfer of S bytes so costs the latencies of the nodes crossed plus
// ceil(S / w) cycles of the narrowest link crossed.
//
// Latency mode (per node, `noc.latency_mode` of its level; see README.md):
//  - pipelined (default): the latency is a delay on the request path and a link is held only
//    for the burst's duration, so bursts through a port overlap their latencies;
//  - serialized: every link the node owns on the burst's path is held for latency + duration
//    from when the burst gets it, and the burst leaves `latency` after it holds the last of
//    them; a queued burst's latency starts when it gets the port. Reads pay it on the way back.
// Duplex (per node): full keeps read and write data apart on every link (4 calendars);
// half makes reads and writes of one AXI port pair share a calendar (2 calendars).
// A node owns the links to its children, and the link to its parent only when the parent
// is not another node (the root's link to the HBM). So every link is reserved exactly once.
//
// DMI is never granted through the network: a remote L1 or HBM access must pay the
// network's latency and contention, which a direct pointer would bypass.
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

class AxiNode : public sc_core::sc_module {
 public:
  struct Params {
    int children = 0;            // N slave + N master ports toward children
    unsigned width_bytes = 64;   // data width of the links this node owns
    unsigned latency_cycles = 4; // cost of crossing the node, once per transaction
    sc_core::sc_time cycle = sc_core::sc_time(1, sc_core::SC_NS);
    bool owns_parent_link = false;  // true when the parent port leads to a memory, not a node
    bool serialized = false;     // latency mode: false pipelined, true serialized (see above)
    bool half_duplex = false;    // reads and writes share each port's data calendar
  };

  // A child's address window. `terminal` children are final targets (clusters): they get
  // window-relative addresses, and the delay they see includes the last link's serialization.
  struct Route {
    uint64_t base = 0, size = 0;
    bool terminal = false;
  };

  // Per-node counters for statistics and benchmarks.
  struct Stats {
    uint64_t transactions = 0, bytes = 0, decode_errors = 0;
    sc_core::sc_time contention = sc_core::SC_ZERO_TIME;  // summed waits on owned links
  };

  // Every child port must be bound; the parent ports may stay open (the root has no parent).
  using ChildTarget = tlm_utils::simple_target_socket_tagged<AxiNode>;
  using ChildInitiator = tlm_utils::simple_initiator_socket_tagged<AxiNode>;
  using TargetSocket = tlm_utils::simple_target_socket_tagged_optional<AxiNode>;
  using InitiatorSocket = tlm_utils::simple_initiator_socket_tagged_optional<AxiNode>;

  AxiNode(sc_core::sc_module_name name, const Params& p);

  // Address decode, set before simulation: child c covers `r`; everything else goes to the
  // parent. If `parent` is given (the root toward the HBM), only that window goes up, it is
  // terminal, and the rest is a decode error.
  void set_child_route(int child, const Route& r);
  void set_parent_route(const Route& r);

  ChildTarget& child_in(int c) { return *child_in_.at(c); }       // slave port from child c
  ChildInitiator& child_out(int c) { return *child_out_.at(c); }  // master port to child c
  TargetSocket parent_in;                                       // slave port from the parent
  InitiatorSocket parent_out;                                   // master port to the parent / HBM

  int children() const { return params_.children; }
  const Stats& stats() const { return stats_; }

  // Waveform hook: every booking of the link at `port` (a child index, or -1 for the
  // owned parent link) is reported as a TraceUnit::kLink span with index `link_id` and
  // value the channel (link_channel_name). Null: off, one pointer test per booking.
  void trace_link(int port, ActivityTracer* tracer, unsigned link_id);
  // Channels by data direction: 0 down_rd (read issued from below), 1 up_wr (write
  // issued from below), 2 up_rd (read issued from above), 3 down_wr (write from above).
  static constexpr unsigned kLinkChannels = 4;
  static const char* link_channel_name(unsigned channel);
  // Time booked on one channel of an owned link so far (the port's occupancy: in serialized
  // mode this includes the latency it is held for). `port` as for trace_link; 0 when the
  // node does not own that link.
  sc_core::sc_time link_busy(int port, unsigned channel) const;

 private:
  static constexpr int kParent = -1;
  static constexpr int kNone = -2;
  // A link as two AXI4 port pairs (initiated from below / from above) x (read / write data).
  struct Link {
    BusyCalendar channel[2][2];
    uint64_t booked[kLinkChannels] = {};  // summed booking lengths per channel (time units)
    ActivityTracer* tracer = nullptr;  // waveforms only
    unsigned trace_id = 0;
  };
  enum Initiation { kFromBelow = 0, kFromAbove = 1 };

  void b_transport(int port, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(int port, tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(int port, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);

  int decode(uint64_t addr) const;  // child index, kParent or kNone
  const Route* route_of(int dest) const;
  // Reserves a link channel for data whose head is ready at t and whose last byte has
  // crossed the previous link at `tail` (absolute times); returns the start and moves
  // `tail` to when the last byte has crossed this link.
  // The channel is link.channel[side][rw] (rw: 0 read data, 1 write data).
  sc_core::sc_time reserve(Link& link, int side, int rw, const sc_core::sc_time& t, const sc_core::sc_time& occupancy,
                           sc_core::sc_time& tail);
  // Serialized mode: holds `first` then `second` (either may be null) for latency + occupancy
  // each, the second from when the first is held; `tail` is the last byte's arrival on
  // entry and its departure on return. Returns when the head leaves.
  sc_core::sc_time hold(Link* first, int first_side, Link* second, int second_side, int rw, const sc_core::sc_time& t,
                        const sc_core::sc_time& occupancy, sc_core::sc_time& tail);
  Link* owned_link(int port) { return port == kParent ? (params_.owns_parent_link ? &parent_link_ : nullptr) : &child_links_[port]; }

  Params params_;
  sc_core::sc_time latency_;
  std::vector<std::unique_ptr<ChildTarget>> child_in_;
  std::vector<std::unique_ptr<ChildInitiator>> child_out_;
  std::vector<Route> child_routes_;
  Route parent_route_;
  bool parent_restricted_ = false;
  bool uniform_children_ = false;  // children tile one range in equal steps: decode by division
  uint64_t children_base_ = 0, child_span_ = 0;
  std::vector<Link> child_links_;
  Link parent_link_;
  Stats stats_;
};

}  // namespace vp
