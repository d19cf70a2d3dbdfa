#pragma once
// Runs N cores from one SystemC thread with temporal decoupling: each
// quantum (aligned on the global quantum grid of tlm_utils::tlm_quantumkeeper),
// every runnable core runs to the quantum's end, then the thread waits for
// SystemC time to catch up. When every core sleeps the thread waits on an
// event that a core's wake() notifies: no host cost while asleep.
#include <exception>
#include <functional>
#include <string>
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
  // Whether quantum(now) will read the cores' state: the windowed exchange
  // then first brings their posted phases to its horizon.
  virtual bool reads_cores(const sc_core::sc_time& /*now*/) { return true; }
};

class CoreGroup : public sc_core::sc_module {
 public:
  // The cores must outlive the group. Quantum: tlm_global_quantum.
  CoreGroup(sc_core::sc_module_name name, std::vector<RiscvCore*> cores);
  SC_HAS_PROCESS(CoreGroup);

  const std::vector<RiscvCore*>& cores() const { return cores_; }
  bool all_halted() const;
  // The error (e.g. a trap without handler) that stopped the simulation, or
  // null. A core's fault is recorded, not thrown, inside the SystemC thread
  // (no unwinding through a coroutine stack, which the sanitizers cannot
  // follow); call this after sc_start returns: the exception is made here.
  std::exception_ptr error() const;
  // True once the thread has nothing left to do: every core halted, or every
  // live core asleep with no wake pending (the platform decides if that is a stall).
  bool idle() const { return idle_; }
  uint64_t quanta() const { return quanta_; }
  // Called on the thread about to run the cores, before they run: the
  // cluster lands its L1's deferred writes there, which the cores' DMI
  // accesses would bypass (Tcdm::flush).
  void set_before_run(std::function<void()> f) { before_run_ = std::move(f); }
  void before_run() const {
    if (before_run_) before_run_();
  }
  // Called on the SystemC thread when the windowed exchange posts the cores'
  // phase, which then runs while SystemC time moves on: the cluster fixes
  // there what the phase may touch without the bus.
  void set_before_post(std::function<void()> f) { before_post_ = std::move(f); }
  void before_post() const {
    if (before_post_) before_post_();
  }
  void set_quantum_observer(QuantumObserver* o) { observer_ = o; }  // null: none
  QuantumObserver* quantum_observer() const { return observer_; }

  // The quantum exchange (quantum_exchange.hpp) runs the cores instead of this
  // group's thread, which then ends at once; call before sc_start. It records
  // here what the thread would have: the fault or error, idleness, quanta.
  void hand_over() { handed_over_ = true; }
  void record_fault(const std::string& report) { fault_ = report; }
  void record_error(std::exception_ptr e) { error_ = std::move(e); }
  void record_quantum() { ++quanta_; }
  void set_idle(bool idle) { idle_ = idle; }

 private:
  void thread();
  void stop_run();  // sc_stop() without SystemC's own notice
  std::vector<RiscvCore*> cores_;
  std::string fault_;  // the first core fault's report
  sc_core::sc_event wake_event_;
  std::exception_ptr error_;
  bool idle_ = false;
  uint64_t quanta_ = 0;
  QuantumObserver* observer_ = nullptr;
  std::function<void()> before_run_, before_post_;
  bool handed_over_ = false;
};

}  // namespace vp::rv
