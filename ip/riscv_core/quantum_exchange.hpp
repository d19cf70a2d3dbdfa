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
// Batched (`simulation.batch_cycles` B > 0; posted_thread()): local phases
// are *posted* to the host threads and run while SystemC time moves on. At
// each batch point (a multiple of B, or the quantum's end) the posted phases
// are collected, the deferred accesses made (groups and cores in order) and
// each group with a core to run gets its next phase posted. A delta after a
// wake-up the woken groups run here up to their first access, made at once
// (a core woken in a held cv.elw first completes it,
// RiscvCore::complete_held_elw), and what follows is posted. A phase is a
// function of its group's state when posted: anything that would touch the
// group before its collection (its L1, its cores' event lines, the network)
// first finishes it (join()). Its accesses are made at the next batch point:
// up to B cycles late. B = 0: an activation at every wake-up.
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
  // Batched: while *pending_flag(i) is set, group i has a posted local phase
  // not yet collected; join(i) finishes it (runs it here if no host thread
  // has begun it, else waits). The group's L1 and bus call it before any
  // access but its own cores' DMI. Not during the group's own exchange.
  // join_all(): every pending group, in order (the run's end).
  const uint8_t* pending_flag(size_t group) const { return &pending_[group]; }
  void join(size_t group);
  void join_all();
  // Batched: anything about to touch group i's cores (an event line, a halt;
  // Cluster::set_core_join): finishes its posted phase (join) and drops what
  // the phase summed up about them. Unbatched: nothing.
  void touch(size_t group) {
    if (dirty_.empty()) return;
    dirty_[group] = 1;
    join(group);
  }
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
  // Batched schedule: wake-ups that did not start a batch (their held cv.elw
  // completed), cv.elw completed at the wake-up, pending groups joined.
  uint64_t wakeups() const { return wakeups_; }
  uint64_t elw_completed() const { return elw_completed_; }
  uint64_t joins() const { return joins_; }

 private:
  void thread();
  void posted_thread();  // batched (B > 0): local phases posted, collected at the next batch point
  struct GroupPhase;
  void post(size_t group, const sc_core::sc_time& end);
  bool collect(size_t group);  // false: a fault or error (recorded)
  bool exchange_phase(const sc_core::sc_time& end, bool& any);
  bool exchange_group(size_t group, const sc_core::sc_time& end, bool& any);  // false: the run stops
  bool pipelined_round(const sc_core::sc_time& end, bool& any);               // false: the run stops
  // Items of a pipelined round (positions in work_): claimed once, by any host thread.
  enum : uint8_t { kFree, kRunning, kDone };
  bool claim(size_t k) {
    uint8_t expected = kFree;
    return item_[k].compare_exchange_strong(expected, kRunning, std::memory_order_acq_rel);
  }
  void run_item(size_t k);   // work_[k]'s local phase, then kDone
  void finish_item(size_t k);  // on the SystemC thread: until item k is done (run here if free)
  void stop_run();
  // The next batch point from now (after now: strictly later), if earlier than the one set.
  void schedule_batch(bool after_now = false);
  struct Settled;  // the groups' due times and halts, as the activations leave them
  bool complete_elws();   // false: a fault or a model's error (recorded)
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
  // Batched schedule.
  uint64_t batch_cycles_ = 0;
  sc_core::sc_time batch_;                     // B as time
  std::vector<uint8_t> pending_;               // per group: a posted local phase not collected
  std::vector<std::pair<RiscvCore*, size_t>> elw_due_;  // woken in a held cv.elw (core, group), in wake order
  sc_core::sc_event woken_event_;              // a delta after a wake-up between batch points
  sc_core::sc_time batch_at_;
  bool batch_set_ = false;
  bool in_activation_ = false;                 // wakes now are taken by the activation's next round
  size_t exchanging_ = SIZE_MAX;               // the group in its exchange phase (not joined)
  bool stopped_ = false;                       // a collection met a fault
  uint64_t wakeups_ = 0, elw_completed_ = 0, joins_ = 0;
  std::vector<std::shared_ptr<GroupPhase>> phases_;  // per group: its posted local phase (pending_)
  // What a posted phase left, summed up on the host thread that ran it (the
  // cores' state is in its cache there): valid until the group is touched
  // (dirty_: an event line, a halt, its exchange).
  struct Summary {
    bool deferred = false, runnable = false, awake = false, all_halted = false, fault = false;
    uint64_t first = 0, last = 0;  // earliest awake core's local time; latest local time
    uint64_t end = 0;              // `runnable` against this end
  };
  static Summary summarize(const CoreGroup& g, const sc_core::sc_time& end);
  std::vector<Summary> summary_;
  std::vector<uint8_t> dirty_;

};

}  // namespace vp::rv
