// The hart scheduler: one SC_THREAD for a group of cores.
#include "core_group.hpp"

#include <algorithm>

#include "quantum_grid.hpp"
#include "sim/simulation_error.hpp"

namespace vp::rv {

using sc_core::sc_time;

CoreGroup::CoreGroup(sc_core::sc_module_name name, std::vector<RiscvCore*> cores)
    : sc_core::sc_module(name), cores_(std::move(cores)) {
  for (RiscvCore* c : cores_) c->on_wake([this] { wake_event_.notify(sc_core::SC_ZERO_TIME); });
  SC_THREAD(thread);
}

bool CoreGroup::all_halted() const {
  for (const RiscvCore* c : cores_)
    if (!c->halted()) return false;
  return true;
}

void CoreGroup::thread() {
  if (handed_over_) return;
  try {
    QuantumGrid grid;
    for (;;) {
      const sc_time now = sc_core::sc_time_stamp();
      const sc_time end = grid.next_sync_point();
      bool any_awake = false;
      before_run();
      for (RiscvCore* c : cores_) {
        if (c->halted() || c->sleeping()) continue;
        // A core woken with a time stamp behind SystemC time resumes now.
        if (c->local_time() < now) c->set_local_time(now);
        if (c->local_time() < end) c->run_until(end);
        if (!c->fault().empty()) {  // the run ends here; the platform reports it
          fault_ = c->fault();
          idle_ = true;
          stop_run();
          return;
        }
        if (!c->halted() && !c->sleeping()) any_awake = true;
      }
      ++quanta_;
      if (observer_) observer_->quantum(now);
      if (all_halted()) {
        // SystemC time ends where the last core stopped, so the run's
        // simulated time is the cores' time.
        sc_time last = sc_core::sc_time_stamp();
        for (RiscvCore* c : cores_) last = std::max(last, c->local_time());
        sc_core::wait(last - sc_core::sc_time_stamp());
        break;
      }
      if (any_awake) {
        // Let SystemC time catch up with the earliest core still to run
        // (past `end` when every core overshot it, e.g. after a slow access).
        sc_time next = sc_core::SC_ZERO_TIME;
        bool first = true;
        for (RiscvCore* c : cores_)
          if (!c->halted() && !c->sleeping() && (first || c->local_time() < next)) next = c->local_time(), first = false;
        if (next < end) next = end;
        // A sleeping core woken meanwhile (a DMA or IMA completion, another
        // cluster's event) resumes at its wake-up time, not at the quantum's end.
        sc_core::wait(next - sc_core::sc_time_stamp(), wake_event_);
      } else {
        idle_ = true;
        sc_core::wait(wake_event_);
        idle_ = false;
      }
    }
    idle_ = true;
  } catch (...) {  // a model's error thrown from a core's access (e.g. a peripheral's check)
    error_ = std::current_exception();
    idle_ = true;
    stop_run();
  }
}

void CoreGroup::stop_run() {
  // The reason is in fault_ or error_, reported by the platform; SystemC's
  // own "stopped by user" notice would only add noise to the report.
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_stop();
}

std::exception_ptr CoreGroup::error() const {
  if (error_) return error_;
  if (!fault_.empty()) return std::make_exception_ptr(SimulationError(fault_));
  return nullptr;
}

}  // namespace vp::rv
