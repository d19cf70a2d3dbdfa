// The quantum exchange: local phases on a worker pool, accesses in a fixed order.
#include "quantum_exchange.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <queue>
#include <thread>

#include "quantum_grid.hpp"
#include "sim/worker_pool.hpp"

namespace vp::rv {

using sc_core::sc_time;

namespace {
constexpr uint64_t kNever = UINT64_MAX;

bool runnable(const RiscvCore* c, const sc_time& end) { return !c->halted() && !c->sleeping() && c->local_time() < end; }

// A core to run that is not stopped before an access (woken, or never run).
bool fresh(const CoreGroup* g, const sc_time& end) {
  for (const RiscvCore* c : g->cores())
    if (runnable(c, end) && !c->deferred()) return true;
  return false;
}

// A group's local work: its deferred L1 writes land (on the calling host
// thread), then each core runs up to `end` or its next bus access; a fault
// stops the group's later cores. `stamp`: SystemC time as the phase sees it
// (its local register accesses), fixed whatever the SystemC thread does meanwhile.
void run_local(CoreGroup* g, const sc_time& end, const sc_time& stamp) {
  g->before_run();
  for (RiscvCore* c : g->cores()) {
    if (!runnable(c, end)) continue;
    c->set_local_stamp(stamp.value());
    c->run_until(end);
    c->set_local_stamp(RiscvCore::kNoStamp);
    if (!c->fault().empty()) break;
  }
}
// Each awake group's earliest core time, for the activation that runs it
// next: a heap with one live entry per group (older ones are stale).
class DueGroups {
 public:
  explicit DueGroups(size_t groups) : at_(groups, kNever) {}
  // Marks (calls `mark(g)`) every group due before `end`.
  template <class Mark>
  void take_before(uint64_t end, Mark mark) {
    while (!heap_.empty() && heap_.top().first < end) {
      const auto [t, g] = heap_.top();
      heap_.pop();
      if (at_[g] != t) continue;
      at_[g] = kNever;
      mark(g);
    }
  }
  // Group g's earliest awake core is at `first`, or none is awake.
  void set(size_t g, bool awake, uint64_t first) {
    if (!awake) at_[g] = kNever;
    else if (at_[g] != first) heap_.emplace(at_[g] = first, g);
  }
  // The earliest live entry, if any.
  bool next(uint64_t& t) {
    while (!heap_.empty() && at_[heap_.top().second] != heap_.top().first) heap_.pop();
    if (heap_.empty()) return false;
    t = heap_.top().first;
    return true;
  }

 private:
  using Due = std::pair<uint64_t, size_t>;
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> heap_;
  std::vector<uint64_t> at_;
};
}  // namespace

// What an activation leaves of a group that has nothing left to run before
// the quantum's end: its next due time, halts, the latest core time.
struct QuantumExchange::Settled {
  explicit Settled(size_t groups) : due(groups), halted(groups, 0) {}
  void settle(CoreGroup& g, size_t i, const Summary& s) {
    last = std::max(last, sc_time::from_value(s.last));
    due.set(i, s.awake, s.first);
    if (s.all_halted && !halted[i]) halted[i] = 1, ++halted_groups;
    g.set_idle(!s.awake);
    g.record_quantum();
  }
  bool all_halted() const { return halted_groups == halted.size(); }
  DueGroups due;
  std::vector<uint8_t> halted;
  size_t halted_groups = 0;
  sc_time last = sc_core::SC_ZERO_TIME;
};

struct QuantumExchange::GroupPhase final : AsyncTask {
  QuantumExchange* x = nullptr;
  size_t group = 0;
  sc_time end, stamp;  // the quantum's end; SystemC time when posted
  void again() { rearm(); }

 private:
  void body() override {
    x->run_local_of(group, end, stamp);
    x->summary_[group] = summarize(*x->groups_[group], end);
  }
};

QuantumExchange::Summary QuantumExchange::summarize(const CoreGroup& g, const sc_time& end) {
  Summary s;
  s.end = end.value();
  s.all_halted = true;
  s.first = kNever;
  for (const RiscvCore* c : g.cores()) {
    s.all_halted &= c->halted();
    s.fault |= !c->fault().empty();
    s.last = std::max<uint64_t>(s.last, c->local_time().value());
    if (c->halted()) continue;
    s.deferred |= c->deferred();
    s.runnable |= runnable(c, end);
    if (c->sleeping()) continue;
    s.awake = true;
    s.first = std::min<uint64_t>(s.first, c->local_time().value());
  }
  return s;
}

void QuantumExchange::post(size_t i, const sc_time& end) {
  auto& t = phases_[i];
  // Reused unless a worker's queue still holds it (it ran here, and the
  // worker has not yet dropped the stale entry).
  if (!t || t.use_count() != 1 || !t->done()) {
    t = std::make_shared<GroupPhase>();
    t->x = this;
    t->group = i;
  } else {
    t->again();
  }
  t->end = end;
  t->stamp = sc_core::sc_time_stamp();
  groups_[i]->before_post();
  pending_[i] = 1;
  dirty_[i] = 0;
  pool_->post(t, /*first=*/true);
}

bool QuantumExchange::collect(size_t i) {
  if (!pending_[i]) return true;
  phases_[i]->wait();
  pending_[i] = 0;
  return (!failures_[i] && !summary_[i].fault) || local_ok(i);
}

QuantumExchange::QuantumExchange(sc_core::sc_module_name name, std::vector<CoreGroup*> groups)
    : sc_core::sc_module(name), groups_(std::move(groups)), failures_(groups_.size()) {
  SC_THREAD(thread);
}

QuantumExchange::~QuantumExchange() = default;

void QuantumExchange::enable(unsigned threads, uint64_t batch_cycles) {
  threads_ = threads;
  if (threads == 0) return;
  // The stretch in core cycles (every core of a platform has the same clock).
  if (!groups_.empty() && !groups_.front()->cores().empty()) {
    burst_ = groups_.front()->cores().front()->cycle() * double(kBurstCycles);
    batch_cycles_ = batch_cycles;
    batch_ = groups_.front()->cores().front()->cycle() * double(batch_cycles);
  }
  pool_ = std::make_unique<WorkerPool>(threads);
  listed_.assign(groups_.size(), 0);
  pending_.assign(groups_.size(), 0);
  phases_.resize(groups_.size());
  summary_.resize(groups_.size());
  if (batch_cycles_) dirty_.assign(groups_.size(), 1);
  item_ = std::make_unique<std::atomic<uint8_t>[]>(groups_.size());
  item_of_.assign(groups_.size(), 0);
  local_due_.assign(groups_.size(), 0);
  for (size_t i = 0; i < groups_.size(); ++i) {
    groups_[i]->hand_over();
    for (RiscvCore* c : groups_[i]->cores()) {
      c->set_exchange(RiscvCore::Exchange::kDefer);
      c->on_wake([this, i, c] {  // on the SystemC thread (an exchange phase, a DMA or IMA completion)
        mark(i);
        if (batch_cycles_ == 0) {
          wake_event_.notify(sc_core::SC_ZERO_TIME);
          return;
        }
        if (c->woken_in_elw()) elw_due_.emplace_back(c, i);
        if (in_activation_) return;  // the activation's next round takes it
        woken_event_.notify(sc_core::SC_ZERO_TIME);  // a delta later: held cv.elw completed, the phase posted
        schedule_batch();
      });
    }
  }
}

// The next multiple of B, or the quantum's end if that comes first.
void QuantumExchange::schedule_batch(bool after_now) {
  const sc_time now = sc_core::sc_time_stamp();
  const uint64_t b = batch_.value();
  sc_time at = sc_time::from_value(after_now ? (now.value() / b + 1) * b : (now.value() + b - 1) / b * b);
  at = std::min(at, QuantumGrid().next_sync_point());
  if (batch_set_ && batch_at_ <= at) return;
  batch_at_ = at;
  batch_set_ = true;
  wake_event_.notify(at - now);
}

bool QuantumExchange::report(CoreGroup* g) {
  for (RiscvCore* c : g->cores())
    if (!c->fault().empty()) {
      g->record_fault(c->fault());
      return false;
    }
  return true;
}

// In wake order, on the SystemC thread; a completion may wake others (appended).
bool QuantumExchange::complete_elws() {
  for (size_t k = 0; k < elw_due_.size(); ++k) {
    const auto [c, i] = elw_due_[k];
    if (!c->woken_in_elw()) continue;  // joined meanwhile
    try {
      if (c->complete_held_elw()) ++elw_completed_;
    } catch (...) {  // a model's error from the access
      groups_[i]->record_error(std::current_exception());
      elw_due_.clear();
      return false;
    }
    if (!c->fault().empty()) {
      groups_[i]->record_fault(c->fault());
      elw_due_.clear();
      return false;
    }
  }
  elw_due_.clear();
  return true;
}

// The group's posted phase finished (run here if no host thread has begun
// it, else waited for) before anything touches the group; a fault stops the run.
void QuantumExchange::join(size_t i) {
  if (!pending_[i] || i == exchanging_ || stopped_) return;
  ++joins_;
  if (collect(i)) return;
  stopped_ = true;
  stop_run();
}

void QuantumExchange::join_all() {
  for (size_t i = 0; i < pending_.size(); ++i) join(i);
}

void QuantumExchange::run_local_of(size_t i, const sc_time& end, const sc_time& stamp) {
  try {
    run_local(groups_[i], end, stamp);
  } catch (...) {  // not expected: local work makes no access; kept for the report
    failures_[i] = std::current_exception();
  }
}

bool QuantumExchange::local_ok(size_t i) {
  if (!failures_[i]) return report(groups_[i]);
  groups_[i]->record_error(failures_[i]);
  return false;
}

// The deferred accesses, groups and cores in order. A core makes its access,
// then runs on here, making its accesses directly, in stretches of
// kBurstCycles while each stretch makes one: a run of peripheral accesses
// (programming a DMA, a barrier) costs one round, not one per access. It goes
// back to the local phase after a stretch without any.
bool QuantumExchange::exchange_phase(const sc_time& end, bool& any) {
  any = false;
  for (size_t i : work_)
    if (!exchange_group(i, end, any)) return false;
  return true;
}

bool QuantumExchange::exchange_group(size_t i, const sc_time& end, bool& any) {
  CoreGroup* g = groups_[i];
  bool first = true;
  exchanging_ = i;  // its own cores' accesses do not join it, until this returns
  struct Reset {
    size_t& group;
    ~Reset() { group = SIZE_MAX; }
  } reset{exchanging_};
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
    if (stopped_) return false;  // a join in this core's accesses met a fault
  }
  return true;
}

// A local phase and an exchange phase, overlapped (unbatched). Nothing of
// the order changes: group k's accesses still come after group k-1's, and
// every group's local phase is finished before anything touches the group
// (its own exchange, or join_local() from the network), so each local phase
// sees what it would see if they all ran first. What changes is who waits:
// the pool's workers take the groups from the front, the SystemC thread
// makes group k's accesses as soon as its local phase is done, and takes
// groups from the back while it waits. A fault stops the run at the first
// group, in order, whose local or exchange phase met one: the same for every
// number of host threads.
void QuantumExchange::run_item(size_t k) {
  run_local_of(work_[k], round_end_, round_stamp_);
  item_[k].store(kDone, std::memory_order_release);
}

void QuantumExchange::finish_item(size_t k) {
  if (claim(k)) return run_item(k);
  for (unsigned spins = 0; item_[k].load(std::memory_order_acquire) != kDone;) wait_step(spins);
}

void QuantumExchange::join_local(size_t i) {
  if (!local_due_[i]) return;
  finish_item(item_of_[i]);
  local_due_[i] = 0;
}

bool QuantumExchange::pipelined_round(const sc_time& end, bool& any) {
  any = false;
  const size_t n = work_.size();
  round_end_ = end;
  round_stamp_ = sc_core::sc_time_stamp();
  for (size_t k = 0; k < n; ++k) {
    item_[k].store(kFree, std::memory_order_relaxed);
    item_of_[work_[k]] = k;
    local_due_[work_[k]] = 1;
  }
  if (n > 1)  // the workers take groups from the front (post: a release of the state above), before queued MVMs
    for (unsigned w = 1; w < pool_->threads(); ++w) {
      helpers_.push_back(make_task([this, n] {
        for (size_t k = 0; k < n; ++k)
          if (claim(k)) run_item(k);
      }));
      pool_->post(helpers_.back(), /*first=*/true);
    }
  bool ok = true;
  size_t back = n;  // the SystemC thread's look from the back: [back, n) are not free
  for (size_t k = 0; k < n && ok; ++k) {
    if (claim(k)) {  // nobody began it: here, now
      run_item(k);
    } else {  // a worker runs it: take groups from the back meanwhile
      for (unsigned spins = 0; item_[k].load(std::memory_order_acquire) != kDone;) {
        while (back > k + 1 && item_[back - 1].load(std::memory_order_relaxed) != kFree) --back;
        if (back > k + 1 && claim(back - 1)) {
          run_item(--back);
          continue;
        }
        wait_step(spins);
      }
    }
    const size_t i = work_[k];
    local_due_[i] = 0;
    ok = local_ok(i) && exchange_group(i, end, any);
  }
  // Stopped early: the groups nobody began are not run.
  for (size_t k = 0; k < n; ++k) {
    uint8_t expected = kFree;
    item_[k].compare_exchange_strong(expected, kDone, std::memory_order_acq_rel);
    local_due_[work_[k]] = 0;
  }
  for (auto& h : helpers_) h->cancel();  // begun: waited for (it finds nothing left)
  helpers_.clear();
  ++rounds_;
  return ok;
}

// Cost per activation follows the groups that have something to do, not the
// platform's size: the candidates are the groups woken since the last
// activation and those whose earliest awake core is due before the quantum's
// end (after an activation every awake core is at or past it).
// Batched (B > 0): posted_thread().
void QuantumExchange::thread() {
  if (threads_ == 0) return;
  if (batch_cycles_) return posted_thread();
  QuantumGrid grid;
  const size_t n = groups_.size();
  for (size_t i = 0; i < n; ++i) mark(i);  // time zero: every group
  Settled settled(n);
  sc_time due_next;  // the next activation for due cores (when due_set)
  bool due_set = false;
  auto fail = [&] {
    in_activation_ = false;
    for (CoreGroup* g : groups_) g->set_idle(true);
    stop_run();
  };
  for (;;) {
    const sc_time now = sc_core::sc_time_stamp();
    if (stopped_) return fail();
    const sc_time end = grid.next_sync_point();
    ++activations_;
    settled.due.take_before(end.value(), [this](size_t g) { mark(g); });
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
      if (!pipelined_round(end, any)) return fail();
      if (!any) break;
    }
    for (size_t i : candidates_) {
      settled.settle(*groups_[i], i, summarize(*groups_[i], end));
      listed_[i] = 0;
    }
    candidates_.clear();
    in_activation_ = false;
    // The same observer on every group (Progress): told once. Not a walk over
    // every group per activation (a cache miss each: 1.5 % of the SystemC thread).
    if (QuantumObserver* o = groups_.empty() ? nullptr : groups_.front()->quantum_observer()) o->quantum(now);
    if (settled.all_halted()) {
      // SystemC time ends where the last core stopped, as with the groups' threads.
      sc_core::wait(settled.last - sc_core::sc_time_stamp());
      break;
    }
    uint64_t first_due = 0;
    due_set = settled.due.next(first_due);
    if (due_set) {
      // Until the earliest awake core (past `end` when every core overshot
      // it), or a wake-up: a core woken meanwhile resumes at its wake time.
      due_next = std::max(end, sc_time::from_value(first_due));
      sc_core::wait(due_next - sc_core::sc_time_stamp(), wake_event_);
    } else {
      sc_core::wait(wake_event_);
    }
  }
  for (CoreGroup* g : groups_) g->set_idle(true);
}

// Batched: at each batch point, every listed group's posted phase is
// collected, the deferred accesses are made (groups and cores in order), and
// every group with a core to run gets its next local phase posted, to be
// collected at the next batch point or when something touches the group.
void QuantumExchange::posted_thread() {
  QuantumGrid grid;
  const size_t n = groups_.size();
  for (size_t i = 0; i < n; ++i) mark(i);
  Settled settled(n);
  sc_time due_next;
  bool due_set = false, at_start = true;
  std::vector<size_t> kept;
  auto fail = [&] {
    in_activation_ = false;
    for (CoreGroup* g : groups_) g->set_idle(true);
    stop_run();
  };
  auto post_woken = [&](const sc_time& end) {  // every listed group with a fresh core, not posted
    for (size_t i : candidates_)
      if (!pending_[i] && fresh(groups_[i], end)) post(i, end);
  };
  for (;;) {
    const sc_time now = sc_core::sc_time_stamp();
    if (stopped_) return fail();
    in_activation_ = true;
    if (!complete_elws()) return fail();
    if (!at_start && !(batch_set_ && now >= batch_at_) && !(due_set && now >= due_next)) {
      // A wake-up between batch points: the woken groups run now, here, up to
      // their first access, which is made at once (as unbatched: a wake-up's
      // reaction is not late); what follows is posted.
      ++wakeups_;
      const sc_time end = grid.next_sync_point();
      std::sort(candidates_.begin(), candidates_.end());
      work_.clear();
      for (size_t i : candidates_)
        if (!pending_[i] && fresh(groups_[i], end)) work_.push_back(i);
      for (size_t i : work_) {
        run_local_of(i, end, now);
        dirty_[i] = 1;
        if (!local_ok(i)) return fail();
      }
      bool any = false;
      if (!exchange_phase(end, any) || !complete_elws()) return fail();
      post_woken(end);  // those just exchanged, and any woken meanwhile
      in_activation_ = false;
      if (!candidates_.empty()) schedule_batch();
      if (due_set)
        sc_core::wait(due_next - now, wake_event_ | woken_event_);
      else
        sc_core::wait(wake_event_ | woken_event_);
      continue;
    }
    batch_set_ = at_start = false;
    wake_event_.cancel();
    const sc_time end = grid.next_sync_point();
    ++activations_;
    settled.due.take_before(end.value(), [this](size_t g) { mark(g); });
    std::sort(candidates_.begin(), candidates_.end());
    // Collected in two passes: first those done or not begun (run here),
    // then those a worker is on. Which runs where changes nothing.
    for (size_t i : candidates_)
      if (pending_[i]) phases_[i]->run_if_free();
    for (size_t i : candidates_)
      if (!collect(i)) return fail();
    work_.clear();
    for (size_t i : candidates_)
      if (dirty_[i] || summary_[i].deferred) work_.push_back(i);
    bool any = false;
    if (!exchange_phase(end, any)) return fail();
    for (size_t i : work_) dirty_[i] = 1;
    if (!complete_elws()) return fail();
    ++rounds_;
    std::sort(candidates_.begin(), candidates_.end());
    kept.clear();
    for (size_t i : candidates_) {
      CoreGroup* g = groups_[i];
      const Summary sum = dirty_[i] || summary_[i].end != end.value() ? summarize(*g, end) : summary_[i];
      if (sum.runnable) {
        post(i, end);
        kept.push_back(i);
        continue;
      }
      settled.settle(*g, i, sum);
      listed_[i] = 0;
    }
    candidates_.swap(kept);
    in_activation_ = false;
    if (QuantumObserver* o = groups_.empty() ? nullptr : groups_.front()->quantum_observer()) {
      // An observer reading the cores (a power sample, the progress line)
      // sees them after their posted phases: finished here (when, or on
      // which host thread, changes no result; a fault is still found at
      // the group's collection).
      if (o->reads_cores(now))
        for (size_t i : candidates_)
          if (pending_[i]) phases_[i]->wait();
      o->quantum(now);
    }
    if (settled.all_halted()) {
      sc_core::wait(settled.last - sc_core::sc_time_stamp());
      break;
    }
    uint64_t first_due = 0;
    due_set = settled.due.next(first_due);
    if (due_set) due_next = std::max(end, sc_time::from_value(first_due));
    if (!candidates_.empty()) schedule_batch(/*after_now=*/true);  // the posted phases' collection
    if (due_set)
      sc_core::wait(due_next - sc_core::sc_time_stamp(), wake_event_ | woken_event_);
    else
      sc_core::wait(wake_event_ | woken_event_);
  }
  for (CoreGroup* g : groups_) g->set_idle(true);
}

void QuantumExchange::stop_run() {
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_stop();
}

}  // namespace vp::rv
