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
#include <exception>
#include <memory>
#include <vector>

#include <systemc>

#include "core_group.hpp"

namespace vp {
class WorkerPool;
}

namespace vp::rv {

class QuantumExchange : public sc_core::sc_module {
 public:
  QuantumExchange(sc_core::sc_module_name name, std::vector<CoreGroup*> groups);
  ~QuantumExchange() override;
  SC_HAS_PROCESS(QuantumExchange);

  // Before sc_start: 0 leaves the groups their own threads; N >= 1 takes them
  // over with N host threads (debug hooks need 1: they are not thread-safe).
  void enable(unsigned threads);
  unsigned threads() const { return threads_; }
  // The host threads (null before enable(N >= 1)): models may post pure work to it.
  WorkerPool* pool() const { return pool_.get(); }
  // Activations of the thread and local phases run (--stats "exchange"; the
  // same for every N).
  uint64_t activations() const { return activations_; }
  uint64_t rounds() const { return rounds_; }

 private:
  void thread();
  bool local_phase(const sc_core::sc_time& end);   // false: a fault ended the run
  bool exchange_phase(const sc_core::sc_time& end, bool& any);
  void stop_run();

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
  unsigned threads_ = 0;
  std::unique_ptr<WorkerPool> pool_;
  sc_core::sc_event wake_event_;
  uint64_t activations_ = 0, rounds_ = 0;
};

}  // namespace vp::rv
