#pragma once
// Parallel simulation (`--threads N`, `simulation.threads`; docs/architecture.md,
// "Parallel simulation"). One SystemC thread runs every group's cores instead
// of one thread per group. At each activation it repeats two phases until no
// core is left before a bus access:
//  - local: every group's cores run, on N host threads (one group per task,
//    its cores in order), until the quantum's end, a sleep, a halt, or just
//    before their next bus access (RiscvCore::Exchange::kDefer). They touch
//    only their own cluster: registers, decode cache, DMI memory.
//  - exchange: on the SystemC thread, groups in order, cores in order, each
//    deferred core makes its access (peripherals, the network, other
//    clusters, SystemC events) and runs on while it keeps making accesses.
// Neither phase depends on which host thread ran what, so results are the
// same for every N. They differ from the per-group threads' schedule (threads
// 0), where a group runs its quantum whole, accesses included.
// Windowed (`simulation.batch_cycles` B > 0; windowed_thread()): the same
// rounds, but only to the end of a window of B cycles (a fixed grid); what
// the groups have left past it is *posted*, a phase that runs in slices of
// kSliceWindows windows on any host thread, ahead of SystemC time up to a horizon, and stops
// after a slice that leaves a core before an access. At each window's start
// every posted phase is brought to the window's end: one that stopped inside
// it is collected and its accesses made in the rounds, at their own times.
// Anything that touches a group with a posted phase first brings the phase to
// the horizon (join()). B = 0: an activation at every wake-up, local phases
// to the quantum's end.
#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <vector>

#include <systemc>

#include "core_group.hpp"

namespace vp {
class WorkerPool;
class AsyncTask;
}

namespace vp::rv {

class QuantumExchange : public sc_core::sc_module {
 public:
  QuantumExchange(sc_core::sc_module_name name, std::vector<CoreGroup*> groups);
  ~QuantumExchange() override;
  SC_HAS_PROCESS(QuantumExchange);

  // Before sc_start: 0 leaves the groups their own threads; N >= 1 takes them
  // over with N host threads (debug hooks need 1: they are not thread-safe).
  // batch_cycles: B above (0: an activation at every wake-up).
  void enable(unsigned threads, uint64_t batch_cycles = 0);
  uint64_t batch_cycles() const { return batch_cycles_; }
  // Windowed: while *pending_flag(i) is set, group i has a posted phase
  // (or, in a round, a local phase) that may still run; join(i) brings it to
  // the horizon (runs its slices here while no host thread does, else waits),
  // so what touches the group sees it the same whoever ran it. The group's
  // L1 and slave port call it before any access but its own cores' DMI. Not
  // during the group's own exchange. join_all(failed), at the run's end:
  // every posted group brought to the horizon, or after a failure stopped
  // where it is (no host thread runs it further while the report reads it).
  const uint8_t* pending_flag(size_t group) const { return &guard_[group]; }
  void join(size_t group);
  void join_all(bool failed);
  // Windowed: anything about to touch group i's cores (an event line, a halt;
  // Cluster::set_core_join): join(i), then the phase is collected and the
  // group looked at a delta later, as at a wake-up. Unbatched: nothing.
  void touch(size_t group);
  // Unbatched rounds are pipelined: group k's exchange phase runs as soon as
  // its local phase is done, while the host threads run the later groups'.
  // While *local_due_flag(i) is set, group i's local phase of the round may
  // still be running or not yet begun; join_local(i) finishes it (runs it
  // here if no host thread has begun it, else waits). The cluster calls it
  // before anything reaches it from the network, so every touch sees the
  // cluster after its local phase, as when all local phases ran first.
  const uint8_t* local_due_flag(size_t group) const { return &local_due_[group]; }
  void join_local(size_t group);
  unsigned threads() const { return threads_; }
  // The host threads (null before enable(N >= 1)): models may post pure work to it.
  WorkerPool* pool() const { return pool_.get(); }
  // Activations of the thread and local phases run (--stats "exchange"; the
  // same for every N).
  uint64_t activations() const { return activations_; }
  uint64_t rounds() const { return rounds_; }
  // Windowed schedule: activations inside a window (wake-ups), cv.elw
  // completed at the wake-up (none today: a woken core runs its cv.elw
  // again, as unbatched), posted phases joined.
  uint64_t wakeups() const { return wakeups_; }
  uint64_t elw_completed() const { return 0; }
  uint64_t joins() const { return joins_; }

 private:
  void thread();
  void windowed_thread();  // B > 0: rounds to the window's end, the rest posted in slices
  struct Phase;
  static bool try_hold(Phase& p);  // claims it as a slice does
  static void hold(Phase& p);      // claims it, waiting while a host thread runs a slice
  static void stop(Phase& p);      // complete: a queued slice task that claims it later finds nothing
  bool try_slice(size_t group);  // a slice of its posted phase unless a host thread runs one (any thread)
  void slice(size_t group);
  // SystemC thread: slices until the phase is at `target` or stopped (run here
  // while no host thread runs one); `wait`: else waits for the one that does.
  void advance(size_t group, uint64_t target, bool wait = true);
  void queue_slice(size_t group, uint64_t generation, bool first);  // first: ahead of queued work
  void raise_horizon(uint64_t horizon);
  void post_phase(size_t group, uint64_t from, uint64_t end);
  bool collect(size_t group);  // false: a fault or error (recorded)
  // `window`: local phases run to it and only accesses before it are made
  // (the windowed schedule's window; unbatched, the quantum's end).
  bool exchange_group(size_t group, const sc_core::sc_time& window, const sc_core::sc_time& end,
                      bool& any);  // false: the run stops
  bool pipelined_round(const sc_core::sc_time& window, const sc_core::sc_time& end,
                       bool& any);  // false: the run stops
  // Items of a pipelined round (positions in work_): claimed once, by any host thread.
  enum : uint8_t { kFree, kRunning, kDone };
  bool claim(size_t k) {
    uint8_t expected = kFree;
    return item_[k].compare_exchange_strong(expected, kRunning, std::memory_order_acq_rel);
  }
  void run_item(size_t k);   // work_[k]'s local phase, then kDone
  void finish_item(size_t k);  // on the SystemC thread: until item k is done (run here if free)
  void stop_run();
  struct Settled;  // the groups' due times and halts, as the activations leave them
  bool report(CoreGroup* g);  // a core's fault recorded; false if there was one
  // Group i's local phase, an exception kept in failures_ (any host thread).
  void run_local_of(size_t i, const sc_core::sc_time& end, const sc_core::sc_time& stamp);
  // After it, on the SystemC thread: its error or a core's fault recorded; false if either.
  bool local_ok(size_t i);

  // A core in the exchange phase runs on in stretches of this many cycles
  // while each stretch makes a bus access. Part of the schedule: changing it
  // changes timing (the same for every N).
  static constexpr unsigned kBurstCycles = 256;

  std::vector<CoreGroup*> groups_;
  sc_core::sc_time burst_;
  void set_local_due(size_t i, uint8_t due) {
    local_due_[i] = due;
    guard_[i] = due | pending_[i];
  }
  void set_pending(size_t i, uint8_t pending) {
    pending_[i] = pending;
    guard_[i] = pending | local_due_[i];
  }
  void mark(size_t group) {  // a candidate of this activation
    if (!listed_[group]) listed_[group] = 1, candidates_.push_back(group);
  }

  std::vector<size_t> candidates_;             // groups to look at in this activation
  std::vector<uint8_t> listed_;                // per group: in candidates_
  std::vector<size_t> work_;                   // candidates with a core to run, in order
  std::vector<std::exception_ptr> failures_;   // per group, from the local phase
  std::unique_ptr<std::atomic<uint8_t>[]> item_;  // per position of work_ in a pipelined round
  std::vector<size_t> item_of_;                // per group: its position in work_ (while local_due_)
  std::vector<uint8_t> local_due_;             // per group: its round's local phase not seen done
  sc_core::sc_time round_end_;                 // the pipelined round's end (the helpers read it)
  sc_core::sc_time round_stamp_;               // and its SystemC time
  std::vector<std::shared_ptr<AsyncTask>> helpers_;  // the round's tasks on the pool's workers
  unsigned threads_ = 0;
  std::unique_ptr<WorkerPool> pool_;
  sc_core::sc_event wake_event_;
  uint64_t activations_ = 0, rounds_ = 0;
  // Windowed schedule.
  uint64_t batch_cycles_ = 0;
  uint64_t window_ = 0;                        // B as a time value
  // A posted phase runs in slices of kSliceWindows windows (on their own
  // grid): a group's cores interleave by slices, and a host thread runs a
  // cluster that long before it moves on (its state stays in the cache). No
  // slice ends past the horizon: kLookahead windows past the window's start,
  // up to the next slice's end.
  static constexpr uint64_t kSliceWindows = 16, kLookahead = 32;
  uint64_t slice_ = 0;                         // kSliceWindows windows as a time value
  static constexpr uint64_t kParked = 1;       // in Phase::generation: no slice queued
  std::unique_ptr<Phase[]> phase_;             // per group
  std::atomic<uint64_t> horizon_{0};           // no slice ends past it
  std::vector<uint8_t> pending_;               // per group: a posted phase not collected
  std::vector<uint8_t> guard_;                 // per group: pending_ or local_due_ (what joins)
  std::vector<size_t> live_;                   // groups posted (some may be collected since)
  std::vector<uint8_t> in_live_;               // per group: in live_
  std::vector<uint64_t> known_;                // per posted group: no access or fault before this
  size_t exchanging_ = SIZE_MAX;               // the group in its exchange phase (not joined)
  bool stopped_ = false;                       // a collection met a fault
  uint64_t wakeups_ = 0, joins_ = 0;
  // What an activation leaves of a group it settles (Settled).
  struct Summary {
    bool awake = false, all_halted = false;
    uint64_t first = 0, last = 0;  // earliest awake core's local time; latest local time
  };
  static Summary summarize(const CoreGroup& g);
};

}  // namespace vp::rv
