#pragma once
// Runs N cores from one SystemC thread with temporal decoupling: each
// quantum (aligned on the global quantum grid of tlm_utils::tlm_quantumkeeper),
// every runnable core runs to the quantum's end, then the thread waits for
// SystemC time to catch up. When every core sleeps the thread waits on an
// event that a core's wake() notifies: no host cost while asleep.
#include <exception>
#include <vector>

#include <systemc>

#include "riscv_core.hpp"

namespace vp::rv {

// Told at the end of each quantum a group ran (the progress line, power
// samples): it adds no SystemC event, so observing never changes the
// schedule, and with it the results.
class QuantumObserver {
 public:
  virtual ~QuantumObserver() = default;
  virtual void quantum(const sc_core::sc_time& now) = 0;
};

class CoreGroup : public sc_core::sc_module {
 public:
  // The cores must outlive the group. Quantum: tlm_global_quantum.
  CoreGroup(sc_core::sc_module_name name, std::vector<RiscvCore*> cores);
  SC_HAS_PROCESS(CoreGroup);

  const std::vector<RiscvCore*>& cores() const { return cores_; }
  bool all_halted() const;
  // The error (e.g. a trap without handler) that stopped the simulation, or null.
  std::exception_ptr error() const { return error_; }
  // True once the thread has nothing left to do: every core halted, or every
  // live core asleep with no wake pending (the platform decides if that is a stall).
  bool idle() const { return idle_; }
  uint64_t quanta() const { return quanta_; }
  void set_quantum_observer(QuantumObserver* o) { observer_ = o; }  // null: none

 private:
  void thread();
  std::vector<RiscvCore*> cores_;
  sc_core::sc_event wake_event_;
  std::exception_ptr error_;
  bool idle_ = false;
  uint64_t quanta_ = 0;
  QuantumObserver* observer_ = nullptr;
};

}  // namespace vp::rv
