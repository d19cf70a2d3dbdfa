#pragma once
// The cluster DMA (section II-1): several channels of 1D/2D transfers between
// the cluster's L1 and any global address (other clusters' L1, HBM).
//
// One engine thread takes the queued transfers in start order. It wakes when
// a transfer starts (never earlier, so its effects are never early) and
// issues it as bursts: the L1 side through `l1`, anything else through `noc`.
// Bursts overlap: burst k issues when the engine has sent the previous
// burst's beats (width_bytes per cycle) and when burst k - outstanding has
// completed, so a large transfer takes size / bandwidth + latency. Each burst
// is read then written (store and forward), the targets' annotated delays
// giving its completion. Reads and writes through `noc` may also be limited
// apart (outstanding_reads / outstanding_writes, as mchan's 8 + 8). The engine only waits on SystemC time when it runs
// more than a global quantum ahead.
#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "common/l1_window.hpp"
#include "common/register_file.hpp"
#include "dma/dma_params.hpp"
#include "sim/activity_tracer.hpp"

namespace vp {

class Dma : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Dma> regs;     // register block (offsets from the DMA base)
  tlm_utils::simple_initiator_socket<Dma> l1;    // to the cluster's L1 (offsets within L1)
  tlm_utils::simple_initiator_socket<Dma> noc;   // to the network (global addresses)

  // Completion events: line DMA_EVENT_DONE(c), at the absolute simulated time it happens.
  using EventFn = std::function<void(unsigned line, sc_core::sc_time at)>;

  Dma(sc_core::sc_module_name name, const DmaParams& p);

  void set_event_callback(EventFn f) { on_event_ = std::move(f); }
  void set_tracer(ActivityTracer* t) { tracer_ = t; }  // null: no tracing
  unsigned channels() const { return static_cast<unsigned>(ch_.size()); }
  // Every register's name and value as a read at `at` would see it.
  RegisterDump dump_registers(const sc_core::sc_time& at) const {
    return regfile_.dump(at);
  }

  // The registers the cluster's cores may access in their local phase
  // (RiscvCore::add_local_target): INFO and the channels' transfer
  // parameters, latched by CMD, which takes the bus as BUSY and STATUS do.
  RegisterFile* local_registers() { return &regfile_; }

  // Statistics.
  uint64_t transfers() const { return transfers_; }
  uint64_t bytes() const { return bytes_; }
  uint64_t bursts() const { return bursts_; }

 private:
  struct Transfer {
    unsigned ch;
    uint32_t src, dst, len, src_stride, dst_stride, reps;
    sc_core::sc_time start;
  };
  struct Channel {
    explicit Channel(unsigned c);
    // The channel's registers (dma_regs.h), named CH<c>_<register>.
    Register src, dst, len, src_stride, dst_stride, reps, cmd, status;
    unsigned queued = 0;                  // started, not yet taken by the engine
    std::deque<sc_core::sc_time> ends;    // completion times not yet reached
    uint32_t done = 0;                    // completions reached
    void retire(const sc_core::sc_time& at);
  };

  void engine();
  void run_transfer(const Transfer& t);
  // One burst of n bytes; returns its completion time.
  sc_core::sc_time burst(const Transfer& t, uint32_t src, uint32_t dst, uint32_t n,
                         sc_core::sc_time issue);
  // Sends one access at absolute time `at`; returns when it completes.
  sc_core::sc_time access(tlm::tlm_command cmd, uint32_t addr, uint8_t* data, uint32_t n,
                          sc_core::sc_time at, const Transfer& t);
  void start(unsigned ch, const sc_core::sc_time& at);
  uint32_t status(unsigned ch, const sc_core::sc_time& at);
  void b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) { regfile_.b_transport(tx, delay); }
  unsigned transport_dbg(tlm::tlm_generic_payload& tx) { return regfile_.transport_dbg(tx); }

  unsigned cluster_id_;
  L1Window l1_window_;
  sc_core::sc_time cycle_, setup_;
  uint32_t width_, max_burst_;
  RegisterFile regfile_;
  Register info_, busy_;
  std::deque<Channel> ch_;  // a deque: registers do not move
  std::deque<Transfer> queue_;
  sc_core::sc_event queued_ev_;
  EventFn on_event_;
  ActivityTracer* tracer_ = nullptr;

  // Engine timing state, carried across transfers so back-to-back ones overlap.
  sc_core::sc_time engine_free_;              // when the engine can send its next burst
  std::vector<sc_core::sc_time> slot_free_;   // completion of the burst last in each outstanding slot
  uint64_t next_slot_ = 0;
  // Network-side reads and writes in flight (mchan's separate limits; empty: none): the
  // completion of the access last in each slot.
  std::vector<sc_core::sc_time> read_slot_, write_slot_;
  uint64_t next_read_ = 0, next_write_ = 0;
  std::vector<uint8_t> buf_;
  tlm::tlm_generic_payload tx_;  // every access's payload
  uint64_t transfers_ = 0, bytes_ = 0, bursts_ = 0;
};

}  // namespace vp
