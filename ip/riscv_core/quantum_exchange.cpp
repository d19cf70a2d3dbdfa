// The quantum exchange: local phases on a worker pool, accesses in a fixed order.
#include "quantum_exchange.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <queue>

#include "quantum_grid.hpp"
#include "sim/worker_pool.hpp"

namespace vp::rv {

using sc_core::sc_time;

namespace {
constexpr uint64_t kNever = UINT64_MAX;

bool runnable(const RiscvCore* c, const sc_time& end) { return !c->halted() && !c->sleeping() && c->local_time() < end; }
}  // namespace

QuantumExchange::QuantumExchange(sc_core::sc_module_name name, std::vector<CoreGroup*> groups)
    : sc_core::sc_module(name), groups_(std::move(groups)), failures_(groups_.size()) {
  SC_THREAD(thread);
}

QuantumExchange::~QuantumExchange() = default;

void QuantumExchange::enable(unsigned threads) {
  threads_ = threads;
  if (threads == 0) return;
  // The stretch in core cycles (every core of a platform has the same clock).
  if (!groups_.empty() && !groups_.front()->cores().empty())
    burst_ = groups_.front()->cores().front()->cycle() * double(kBurstCycles);
  pool_ = std::make_unique<WorkerPool>(threads);
  listed_.assign(groups_.size(), 0);
  for (size_t i = 0; i < groups_.size(); ++i) {
    groups_[i]->hand_over();
    for (RiscvCore* c : groups_[i]->cores()) {
      c->set_exchange(RiscvCore::Exchange::kDefer);
      c->on_wake([this, i] {  // on the SystemC thread (an exchange phase, a DMA or IMA completion)
        mark(i);
        wake_event_.notify(sc_core::SC_ZERO_TIME);
      });
    }
  }
}

// Each group on one host thread, its cores in order, up to `end` or their next
// bus access. A fault stops the group's later cores (as CoreGroup's thread);
// it is reported after the phase, in group order, whatever the threads did.
bool QuantumExchange::local_phase(const sc_time& end) {
  pool_->for_each(work_.size(), [&](size_t i) {
    CoreGroup* g = groups_[work_[i]];
    try {
      g->before_run();  // here, on this host thread: the cluster's own deferred L1 writes
      for (RiscvCore* c : g->cores()) {
        if (!runnable(c, end)) continue;
        c->run_until(end);
        if (!c->fault().empty()) break;
      }
    } catch (...) {  // not expected: local work makes no access; kept for the report
      failures_[work_[i]] = std::current_exception();
    }
  });
  ++rounds_;
  for (size_t i : work_) {
    CoreGroup* g = groups_[i];
    if (failures_[i]) {
      g->record_error(failures_[i]);
      return false;
    }
    for (RiscvCore* c : g->cores())
      if (!c->fault().empty()) {
        g->record_fault(c->fault());
        return false;
      }
  }
  return true;
}

// The deferred accesses, groups and cores in order. A core makes its access,
// then runs on here, making its accesses directly, in stretches of
// kBurstCycles while each stretch makes one: a run of peripheral accesses
// (programming a DMA, a barrier) costs one round, not one per access. It goes
// back to the local phase after a stretch without any.
bool QuantumExchange::exchange_phase(const sc_time& end, bool& any) {
  any = false;
  for (size_t i : work_) {
    CoreGroup* g = groups_[i];
    bool first = true;
    for (RiscvCore* c : g->cores()) {
      if (!c->deferred() || c->halted()) continue;
      if (first) g->before_run(), first = false;  // nothing lands between the phases today; kept for safety
      any = true;
      c->set_exchange(RiscvCore::Exchange::kDirect);
      try {
        uint64_t seen;
        do {
          seen = c->bus_accesses();
          c->run_until(std::min(end, c->local_time() + burst_));
        } while (c->bus_accesses() != seen && c->fault().empty() && !c->halted() && !c->sleeping() &&
                 c->local_time() < end);
      } catch (...) {  // a model's error from the access (e.g. a peripheral's check)
        c->set_exchange(RiscvCore::Exchange::kDefer);
        g->record_error(std::current_exception());
        return false;
      }
      c->set_exchange(RiscvCore::Exchange::kDefer);
      if (!c->fault().empty()) {
        g->record_fault(c->fault());
        return false;
      }
    }
  }
  return true;
}

// Cost per activation follows the groups that have something to do, not the
// platform's size: the candidates are the groups woken since the last
// activation and those whose earliest awake core is due before the quantum's
// end (after an activation every awake core is at or past it).
void QuantumExchange::thread() {
  if (threads_ == 0) return;
  QuantumGrid grid;
  const size_t n = groups_.size();
  for (size_t i = 0; i < n; ++i) mark(i);  // time zero: every group
  using Due = std::pair<uint64_t, size_t>;  // (earliest awake core's local time, group)
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> due;
  std::vector<uint64_t> due_at(n, kNever);  // each group's live entry in `due` (older ones are stale)
  std::vector<uint8_t> halted(n, 0);
  size_t halted_groups = 0;
  sc_time last = sc_core::SC_ZERO_TIME;
  for (;;) {
    const sc_time now = sc_core::sc_time_stamp();
    const sc_time end = grid.next_sync_point();
    ++activations_;
    while (!due.empty() && due.top().first < end.value()) {
      const auto [t, g] = due.top();
      due.pop();
      if (due_at[g] != t) continue;
      due_at[g] = kNever;
      mark(g);
    }
    for (;;) {
      std::sort(candidates_.begin(), candidates_.end());
      work_.clear();
      for (size_t i : candidates_)
        for (RiscvCore* c : groups_[i]->cores()) {
          // A core woken behind SystemC time resumes now.
          if (!c->halted() && !c->sleeping() && c->local_time() < now) c->set_local_time(now);
          if (runnable(c, end) && (work_.empty() || work_.back() != i)) work_.push_back(i);
        }
      if (work_.empty()) break;
      bool any = false;
      if (!local_phase(end) || !exchange_phase(end, any)) {
        for (CoreGroup* g : groups_) g->set_idle(true);
        stop_run();
        return;
      }
      if (!any) break;
    }
    for (size_t i : candidates_) {
      CoreGroup* g = groups_[i];
      bool awake = false, all_halted = true;
      uint64_t first = kNever;
      for (RiscvCore* c : g->cores()) {
        all_halted &= c->halted();
        last = std::max(last, c->local_time());
        if (c->halted() || c->sleeping()) continue;
        awake = true;
        first = std::min<uint64_t>(first, c->local_time().value());
      }
      if (awake && due_at[i] != first) due.emplace(due_at[i] = first, i);
      if (!awake) due_at[i] = kNever;
      if (all_halted && !halted[i]) halted[i] = 1, ++halted_groups;
      g->set_idle(!awake);
      g->record_quantum();
      listed_[i] = 0;
    }
    candidates_.clear();
    // The same observer on every group (Progress): told once. Not a walk over
    // every group per activation (a cache miss each: 1.5 % of the SystemC thread).
    if (QuantumObserver* o = groups_.empty() ? nullptr : groups_.front()->quantum_observer()) o->quantum(now);
    if (halted_groups == n) {
      // SystemC time ends where the last core stopped, as with the groups' threads.
      sc_core::wait(last - sc_core::sc_time_stamp());
      break;
    }
    while (!due.empty() && due_at[due.top().second] != due.top().first) due.pop();
    if (!due.empty()) {
      // Until the earliest awake core (past `end` when every core overshot
      // it), or a wake-up: a core woken meanwhile resumes at its wake time.
      const sc_time next = std::max(end, sc_time::from_value(due.top().first));
      sc_core::wait(next - sc_core::sc_time_stamp(), wake_event_);
    } else {
      sc_core::wait(wake_event_);
    }
  }
  for (CoreGroup* g : groups_) g->set_idle(true);
}

void QuantumExchange::stop_run() {
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_stop();
}

}  // namespace vp::rv
