#pragma once
// The cluster L1 (TCDM): a multi-bank scratchpad shared by the cores, the DMA,
// the IMA streamers and the network slave port (Fig. 1A).
//
// Banks are word-interleaved: word w = offset / bank_width lives in bank
// w % banks. Cores get DMI (fixed latency, no conflict modelling, for speed);
// every b_transport access reserves the banks it touches: a bank keeps a
// calendar of its busy intervals, and an access that finds a bank busy starts
// at the first time all its banks are free, the wait added to the annotated
// delay. An access of W words touches each bank ceil(W / banks) times at most
// and costs one cycle per touch. The calendar (not a single next-free time)
// lets initiators that run ahead of SystemC time by different amounts (DMA,
// IMA, network) reserve out of order without making the earlier one wait.
//
// A write carrying DeferredData (common/deferred_data.hpp) is booked now and
// its data copied later, in arrival order, when anything may see it: an
// access overlapping it, a debug access, a host access, or flush(), which the
// cluster calls before its cores run (their DMI accesses bypass this model).
// A read carrying DeferredData with `read_base` is booked now and copied by
// its task; until that task is done, every write to those bytes (an access, a
// deferred write landing, a debug or host write) waits for it, and flush()
// and DMI requests wait for all of them.
//
// A payload carrying an active L1Burst (common/l1_burst.hpp) is a streamer's
// whole piece: its beats are booked, timed and copied here one by one exactly
// as separate accesses would be.
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include "common/deferred_data.hpp"
#include "common/l1_burst.hpp"
#include "sim/zeroed_memory.hpp"
#include "tcdm/bank_calendar.hpp"
#include "tcdm/bank_timeline.hpp"
#include "tcdm/tcdm_params.hpp"

namespace vp {

class Tcdm : public sc_core::sc_module {
 public:
  // Any number of initiators bind here; addresses are offsets within the L1.
  tlm_utils::multi_passthrough_target_socket<Tcdm> socket;

  Tcdm(sc_core::sc_module_name name, const TcdmParams& p);

  // Host/load-time access (loaders, tests): no timing, no reservation.
  uint8_t* data() {
    join();
    flush();
    return mem_.data();
  }
  const uint8_t* data() const {
    join();
    flush();
    return mem_.data();
  }
  uint64_t size() const { return mem_.size(); }
  // Throws std::out_of_range if [offset, offset + n) is outside the L1.
  void write(uint64_t offset, const void* src, uint64_t n);
  void read(uint64_t offset, void* dst, uint64_t n) const;

  // Lands the deferred writes (waiting for their data). On the thread that
  // owns the cluster at that moment: the SystemC thread, or the worker
  // running the cluster's local phase.
  // Also waits for the deferred reads' tasks (the cores may write anything).
  void flush() const {
    if (!pending_.empty()) land();
    if (!reads_.empty()) settle_reads(0, size());
  }
  size_t deferred() const { return pending_.size(); }  // writes not landed yet
  size_t deferred_reads() const { return reads_.size(); }  // reads whose task may not have copied yet

  // The quantum exchange's windowed schedule (docs/architecture.md, "Parallel
  // simulation"): while *pending is set, the cluster's cores have a posted
  // phase host threads may still run, and an access from anything but their
  // DMI (DMA, IMA, network, host, a DMI request) first brings it to where it
  // is the same whoever ran it (`join`). Debug accesses do
  // not: they change nothing the cores could see.
  void set_join(const uint8_t* pending, std::function<void()> join) {
    join_pending_ = pending;
    join_ = std::move(join);
  }

  unsigned banks() const { return banks_; }
  unsigned bank_width() const { return bank_width_; }
  sc_core::sc_time cycle() const { return cycle_; }

  // Statistics of the b_transport (non-DMI) path.
  uint64_t accesses() const { return accesses_; }
  uint64_t bytes() const { return bytes_; }
  uint64_t conflict_cycles() const { return conflict_ticks_ / cycle_ticks_; }

 private:
  void b_transport(int port, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(int port, tlm::tlm_generic_payload& tx, tlm::tlm_dmi& dmi);
  unsigned transport_dbg(int port, tlm::tlm_generic_payload& tx);
  bool in_range(uint64_t offset, uint64_t n) const { return offset <= size() && n <= size() - offset; }
  void copy(tlm::tlm_generic_payload& tx);
  // Books an access of [offset, offset + n) issued at now + delay (ticks
  // `now`: the simulation time) and adds its wait and duration to `delay`.
  void book(uint64_t offset, uint64_t n, uint64_t now, sc_core::sc_time& delay);
  // A streamer's piece as its beats (L1Burst).
  void burst(tlm::tlm_generic_payload& tx, L1Burst& b);
  // Queues a deferred write.
  void defer(uint64_t offset, uint32_t n, const uint8_t* src, const DeferredData& later);
  // Records a deferred read of [offset, offset + n) and hands the reader the memory.
  void defer_read(uint64_t offset, uint32_t n, const DeferredData& later);
  // Waits for the deferred reads overlapping [offset, offset + n) (a write is about to change it).
  void settle_reads(uint64_t offset, uint64_t n) const;
  bool overlaps_reads(uint64_t offset, uint64_t n) const {
    return !reads_.empty() && offset < reads_hi_ && reads_lo_ < offset + n;
  }
  // Before a plain (not deferred) access to [offset, offset + n): what it sees or
  // overwrites has landed, and a write waits for the deferred reads of those bytes.
  void settle_for(uint64_t offset, uint64_t n, bool write) const {
    if (overlaps_pending(offset, n)) land();
    if (write && overlaps_reads(offset, n)) settle_reads(offset, n);
  }
  // Reserves the banks of [offset, offset + n) from time t (ticks); returns the start tick.
  uint64_t reserve(uint64_t offset, uint64_t n, uint64_t t, uint64_t now);
  // Moves the bookings from the timeline to the per-bank calendars (a booking off the cycle grid).
  void to_calendars();
  void land() const;
  void join() const {
    if (join_pending_ && *join_pending_) join_();
  }

  // The deferred writes, in arrival order, and the byte range they cover.
  struct Pending {
    uint64_t offset;
    uint32_t n;
    const uint8_t* src;
    std::shared_ptr<AsyncTask> ready;
    std::shared_ptr<const void> keep;
  };
  bool overlaps_pending(uint64_t offset, uint64_t n) const {
    return !pending_.empty() && offset < hi_ && lo_ < offset + n;
  }

  mutable ZeroedMemory mem_;  // mutable: landing deferred writes does not change what a read sees
  mutable std::vector<Pending> pending_;
  mutable uint64_t lo_ = std::numeric_limits<uint64_t>::max(), hi_ = 0;
  // The deferred reads not known to be copied, and the byte range they cover;
  // a task's consecutive reads (a stream's pieces) are one entry over their hull.
  struct Reading {
    uint64_t offset;
    uint32_t n;
    std::shared_ptr<AsyncTask> task;
  };
  mutable std::vector<Reading> reads_;
  mutable uint64_t reads_lo_ = std::numeric_limits<uint64_t>::max(), reads_hi_ = 0;
  unsigned banks_, bank_width_;
  sc_core::sc_time cycle_, latency_;
  uint64_t cycle_ticks_;
  // Up to 32 / 64 banks and while every booking is on the cycle grid: the cycle timeline; else the calendars.
  std::unique_ptr<BankTimeline32> narrow_;
  std::unique_ptr<BankTimeline64> wide_;
  std::vector<BankCalendar> bank_;
  uint64_t accesses_ = 0, bytes_ = 0, conflict_ticks_ = 0;
  const uint8_t* join_pending_ = nullptr;
  std::function<void()> join_;
};

}  // namespace vp
