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

QuantumExchange::Summary QuantumExchange::summarize(const CoreGroup& g) {
  Summary s;
  s.all_halted = true;
  s.first = kNever;
  for (const RiscvCore* c : g.cores()) {
    s.all_halted &= c->halted();
    s.last = std::max<uint64_t>(s.last, c->local_time().value());
    if (c->halted() || c->sleeping()) continue;
    s.awake = true;
    s.first = std::min<uint64_t>(s.first, c->local_time().value());
  }
  return s;
}

QuantumExchange::QuantumExchange(sc_core::sc_module_name name, std::vector<CoreGroup*> groups)
    : sc_core::sc_module(name), groups_(std::move(groups)), failures_(groups_.size()) {
  SC_THREAD(thread);
}

// The workers may be running or queueing slices of phase_: the phases are
// stopped, then the workers joined while pool_ still points at the pool (a
// slice task queues the next through it; reset() would null it first).
QuantumExchange::~QuantumExchange() {
  if (!pool_) return;
  join_all(/*failed=*/true);
  delete pool_.get();
  (void)pool_.release();
}

void QuantumExchange::enable(unsigned threads, uint64_t batch_cycles) {
  threads_ = threads;
  if (threads == 0) return;
  // The stretch in core cycles (every core of a platform has the same clock).
  if (!groups_.empty() && !groups_.front()->cores().empty()) {
    burst_ = groups_.front()->cores().front()->cycle() * double(kBurstCycles);
    batch_cycles_ = batch_cycles;
    window_ = (groups_.front()->cores().front()->cycle() * double(batch_cycles)).value();
    slice_ = window_ * kSliceWindows;
  }
  pool_ = std::make_unique<WorkerPool>(threads);
  listed_.assign(groups_.size(), 0);
  pending_.assign(groups_.size(), 0);
  guard_.assign(groups_.size(), 0);
  known_.assign(groups_.size(), 0);
  in_live_.assign(groups_.size(), 0);
  phase_ = std::make_unique<Phase[]>(groups_.size());
  item_ = std::make_unique<std::atomic<uint8_t>[]>(groups_.size());
  item_of_.assign(groups_.size(), 0);
  local_due_.assign(groups_.size(), 0);
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

bool QuantumExchange::report(CoreGroup* g) {
  for (RiscvCore* c : g->cores())
    if (!c->fault().empty()) {
      g->record_fault(c->fault());
      return false;
    }
  return true;
}

// Windowed: the group's posted phase (or its round's local phase) brought
// to where it is the same whoever ran it, before anything touches the group.
void QuantumExchange::join(size_t i) {
  if (local_due_[i]) join_local(i);
  if (!pending_[i] || i == exchanging_ || stopped_) return;
  ++joins_;
  advance(i, horizon_.load(std::memory_order_relaxed));
}

void QuantumExchange::touch(size_t i) {
  if (window_ == 0 || !pending_[i] || i == exchanging_ || stopped_) return;
  join(i);
  if (!collect(i)) {
    stopped_ = true;
    return stop_run();
  }
  mark(i);  // a woken core may be behind the phase's slices: the rounds take the group
  wake_event_.notify(sc_core::SC_ZERO_TIME);
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

// A deferred core makes its access, then runs on here, making its accesses
// directly, in stretches of kBurstCycles while each stretch makes one: a run
// of peripheral accesses (programming a DMA, a barrier) costs one round, not
// one per access. It goes back to the local phase after a stretch without any.
bool QuantumExchange::exchange_group(size_t i, const sc_time& window, const sc_time& end, bool& any) {
  CoreGroup* g = groups_[i];
  bool first = true;
  exchanging_ = i;  // its own cores' accesses do not join it, until this returns
  struct Reset {
    size_t& group;
    ~Reset() { group = SIZE_MAX; }
  } reset{exchanging_};
  for (RiscvCore* c : g->cores()) {
    if (!c->deferred() || c->halted() || c->local_time() >= window) continue;
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
  set_local_due(i, 0);
}

bool QuantumExchange::pipelined_round(const sc_time& window, const sc_time& end, bool& any) {
  any = false;
  const size_t n = work_.size();
  round_end_ = window;
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
    set_local_due(i, 0);
    ok = local_ok(i) && exchange_group(i, window, end, any);
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
// Windowed (B > 0): windowed_thread().
void QuantumExchange::thread() {
  if (threads_ == 0) return;
  if (window_) return windowed_thread();
  QuantumGrid grid;
  const size_t n = groups_.size();
  for (size_t i = 0; i < n; ++i) mark(i);  // time zero: every group
  Settled settled(n);
  sc_time due_next;  // the next activation for due cores (when due_set)
  bool due_set = false;
  auto fail = [&] {
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
      if (!pipelined_round(end, end, any)) return fail();
      if (!any) break;
    }
    for (size_t i : candidates_) {
      settled.settle(*groups_[i], i, summarize(*groups_[i]));
      listed_[i] = 0;
    }
    candidates_.clear();
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

// Windowed (B > 0): SystemC time is cut into windows of B cycles on a fixed
// grid. At an activation (a window's start, a wake-up, a due group) the
// groups to look at run here, as unbatched, but only to the window's end:
// rounds of local phases (the pool helping) and exchange phases make every
// access inside the window, at its own time. What the groups have left to
// run past the window is *posted*: a phase that runs in slices (kSliceWindows
// windows, on their own grid), on any host thread, ahead of SystemC time up
// to the horizon, and stops after the first slice that leaves a core before
// an access (or faulted, or with nothing left to run). At each
// window's start every posted phase is brought to the window's end (here,
// slice by slice, if no host thread has got there): one that stopped inside
// the window is collected, and its accesses made, in the rounds; the others
// wait for the next window. Anything that touches a group with a posted
// phase first brings it to the horizon (join()): the phase is then a
// function of the group's state when posted whoever ran it, and the touch
// sees the group where the phase left it, as a touch after an unbatched
// local phase (which runs to the quantum's end) does.
struct QuantumExchange::Phase {
  std::atomic<uint8_t> busy{0};       // a host thread runs a slice
  std::atomic<uint8_t> complete{0};   // stopped: nothing more to run until collected
  std::atomic<uint64_t> reached{0};   // slices done up to here (a slice's end, or where it was posted)
  std::atomic<uint64_t> generation{0};
  uint64_t end = 0;                   // the quantum's end
  uint64_t stamp = 0;                 // SystemC time when posted (its local register accesses)
  uint64_t stop = kNever;             // once complete: its first access or fault, else its last slice's end - 1
};

bool QuantumExchange::try_hold(Phase& p) {
  uint8_t free = 0;
  return p.busy.compare_exchange_strong(free, 1, std::memory_order_acq_rel);
}

void QuantumExchange::hold(Phase& p) {
  for (unsigned spins = 0; !try_hold(p);) wait_step(spins);
}

void QuantumExchange::stop(Phase& p) {
  hold(p);
  p.complete.store(1, std::memory_order_relaxed);
  p.generation.fetch_or(kParked, std::memory_order_acq_rel);
  p.busy.store(0, std::memory_order_release);
}

bool QuantumExchange::try_slice(size_t i) {
  Phase& p = phase_[i];
  if (!try_hold(p)) return false;
  if (!p.complete.load(std::memory_order_relaxed) &&
      p.reached.load(std::memory_order_relaxed) < horizon_.load(std::memory_order_acquire))
    slice(i);
  p.busy.store(0, std::memory_order_release);
  return true;
}

// One slice of the group's cores, in order; then whether the phase stops.
void QuantumExchange::slice(size_t i) {
  Phase& p = phase_[i];
  CoreGroup* g = groups_[i];
  const uint64_t bound = std::min(p.end, (p.reached.load(std::memory_order_relaxed) / slice_ + 1) * slice_);
  try {
    g->before_run();
    for (RiscvCore* c : g->cores()) {
      if (c->halted() || c->sleeping() || c->deferred() || c->local_time().value() >= bound) continue;
      c->set_local_stamp(p.stamp);
      c->run_until(sc_time::from_value(bound));
      c->set_local_stamp(RiscvCore::kNoStamp);
      if (!c->fault().empty()) break;
    }
  } catch (...) {  // not expected: local work makes no access; kept for the report
    failures_[i] = std::current_exception();
  }
  uint64_t stop = failures_[i] ? bound - 1 : kNever;
  bool more = false;
  for (const RiscvCore* c : g->cores()) {
    if (c->halted()) continue;
    const uint64_t t = c->local_time().value();
    if (!c->fault().empty() || c->deferred())
      stop = std::min(stop, t);
    else if (!c->sleeping() && t < p.end)
      more = true;
  }
  p.reached.store(bound, std::memory_order_release);
  if (stop < bound || !more) {
    // Collected in the window of its first access or fault, else of the slice's
    // end: where it stopped, not when a host thread got there.
    p.stop = std::min(stop, bound - 1);
    p.complete.store(1, std::memory_order_release);
  }
}

void QuantumExchange::advance(size_t i, uint64_t target, bool wait) {
  Phase& p = phase_[i];
  for (unsigned spins = 0; !p.complete.load(std::memory_order_acquire) &&
                           p.reached.load(std::memory_order_acquire) < target;)
    if (!try_slice(i)) {
      if (!wait) return;
      wait_step(spins);
    }
  if (wait)
    for (unsigned spins = 0; p.busy.load(std::memory_order_acquire);) wait_step(spins);
}

// The pool's side: a slice, then the next one queued behind other work.
void QuantumExchange::queue_slice(size_t i, uint64_t generation, bool first) {
  pool_->post(make_task([this, i, generation] {
    Phase& p = phase_[i];
    if (p.generation.load(std::memory_order_acquire) != generation) return;
    try_slice(i);
    if (p.complete.load(std::memory_order_acquire) || p.generation.load(std::memory_order_acquire) != generation) return;
    if (p.reached.load(std::memory_order_acquire) >= horizon_.load(std::memory_order_acquire)) {
      // At the horizon: the SystemC thread queues it again when it moves on.
      p.generation.fetch_or(kParked, std::memory_order_acq_rel);
      if (p.reached.load(std::memory_order_acquire) >= horizon_.load(std::memory_order_acquire)) return;
      uint64_t parked = generation | kParked;
      if (!p.generation.compare_exchange_strong(parked, generation, std::memory_order_acq_rel)) return;
    }
    queue_slice(i, generation, false);
  }), first);
}

void QuantumExchange::raise_horizon(uint64_t h) {
  if (h <= horizon_.load(std::memory_order_relaxed)) return;
  horizon_.store(h, std::memory_order_release);
  for (size_t i : live_) {
    if (!pending_[i]) continue;  // collected since: its slices are over
    Phase& p = phase_[i];
    const uint64_t g = p.generation.load(std::memory_order_acquire);
    uint64_t parked = g;
    if ((g & kParked) && p.generation.compare_exchange_strong(parked, g & ~kParked, std::memory_order_acq_rel))
      queue_slice(i, g & ~kParked, false);
  }
}

void QuantumExchange::post_phase(size_t i, uint64_t from, uint64_t end) {
  Phase& p = phase_[i];
  hold(p);  // while it is set up: a slice task of an earlier phase may still be queued
  p.end = end;
  p.stamp = sc_core::sc_time_stamp().value();
  p.stop = kNever;
  p.complete.store(0, std::memory_order_relaxed);
  p.reached.store(from, std::memory_order_relaxed);
  const uint64_t generation = (p.generation.load(std::memory_order_relaxed) & ~kParked) + 2;
  p.generation.store(generation, std::memory_order_release);
  p.busy.store(0, std::memory_order_release);
  groups_[i]->before_post();
  groups_[i]->set_idle(false);
  set_pending(i, 1);
  known_[i] = from;
  if (!in_live_[i]) in_live_[i] = 1, live_.push_back(i);
  queue_slice(i, generation, true);  // its first slice is wanted at the next window's start
}

// The phase's result taken: a fault or error reported (false).
bool QuantumExchange::collect(size_t i) {
  set_pending(i, 0);
  stop(phase_[i]);
  return local_ok(i);
}

void QuantumExchange::join_all(bool failed) {
  for (size_t i = 0; i < pending_.size(); ++i) {
    if (!pending_[i]) continue;
    if (!failed && !stopped_) {
      join(i);
      continue;
    }
    stop(phase_[i]);
  }
}

// Windowed: see above the Phase.
void QuantumExchange::windowed_thread() {
  QuantumGrid grid;
  const size_t n = groups_.size();
  for (size_t i = 0; i < n; ++i) mark(i);
  Settled settled(n);
  const uint64_t w = window_;
  auto fail = [&] {
    for (CoreGroup* g : groups_) g->set_idle(true);
    stop_run();
  };
  for (;;) {
    const sc_time now = sc_core::sc_time_stamp();
    const uint64_t t = now.value();
    if (stopped_) return fail();
    const sc_time end = grid.next_sync_point();
    const uint64_t e = std::min<uint64_t>(end.value(), t / w * w + w);  // this window's end
    ++activations_;
    if (t % w) ++wakeups_;
    raise_horizon((t / w * w + kLookahead * w + slice_ - 1) / slice_ * slice_);
    settled.due.take_before(end.value(), [this](size_t g) { mark(g); });
    // A posted phase is looked at in each window it may stop in: past where
    // it was last seen (known_: a host thread's progress, so which windows
    // look changes, but a phase not looked at would not have been collected).
    size_t live = 0;
    for (size_t i : live_)
      if (pending_[i]) {
        live_[live++] = i;
        if (known_[i] < e) mark(i);
      } else {
        in_live_[i] = 0;
      }
    live_.resize(live);
    for (;;) {
      std::sort(candidates_.begin(), candidates_.end());
      work_.clear();
      // First the slices no host thread runs, then waits for those one does.
      if (threads_ > 1)
        for (size_t i : candidates_)
          if (pending_[i]) advance(i, e, /*wait=*/false);
      size_t keep = 0;
      for (size_t i : candidates_) {
        if (pending_[i]) {
          // To the window's end; with no other host thread, to the horizon at
          // once (the same slices, one cluster at a time: its state stays in the cache).
          advance(i, threads_ > 1 ? e : horizon_.load(std::memory_order_relaxed));
          const Phase& p = phase_[i];
          const bool complete = p.complete.load(std::memory_order_acquire);
          if (!complete || p.stop >= e) {  // nothing inside this window
            known_[i] = complete ? p.stop : p.reached.load(std::memory_order_acquire);
            listed_[i] = 0;
            continue;
          }
          if (!collect(i)) return fail();
        }
        candidates_[keep++] = i;
        bool due = false;
        for (RiscvCore* c : groups_[i]->cores()) {
          if (c->halted() || c->sleeping()) continue;
          if (!c->deferred() && c->local_time() < now) c->set_local_time(now);  // woken behind SystemC time
          due |= c->local_time().value() < e;
        }
        if (due) work_.push_back(i);
      }
      candidates_.resize(keep);
      if (work_.empty()) break;
      bool any = false;
      if (!pipelined_round(sc_time::from_value(e), end, any)) return fail();
      if (!any) break;
    }
    // What is left past the window is posted; a group with nothing left settles.
    for (size_t i : candidates_) {
      CoreGroup* g = groups_[i];
      listed_[i] = 0;
      bool left = false;
      for (const RiscvCore* c : g->cores()) left |= !c->halted() && !c->sleeping() && c->local_time() < end;
      if (left) {
        post_phase(i, e, end.value());
        continue;
      }
      settled.settle(*g, i, summarize(*g));
    }
    candidates_.clear();
    if (QuantumObserver* o = groups_.empty() ? nullptr : groups_.front()->quantum_observer()) {
      // An observer reading the cores (a power sample, the progress line)
      // sees them with their posted phases at the horizon, as a join does.
      if (o->reads_cores(now))
        for (size_t i : live_)
          if (pending_[i]) advance(i, horizon_.load(std::memory_order_relaxed));
      o->quantum(now);
    }
    if (live_.empty() && settled.all_halted()) {
      sc_core::wait(settled.last - sc_core::sc_time_stamp());
      break;
    }
    uint64_t next = kNever, first_due = 0;
    if (!live_.empty()) next = e;
    if (settled.due.next(first_due)) next = std::min(next, std::max<uint64_t>(end.value(), first_due));
    if (next != kNever)
      sc_core::wait(sc_time::from_value(next) - sc_core::sc_time_stamp(), wake_event_);
    else
      sc_core::wait(wake_event_);
  }
  for (CoreGroup* g : groups_) g->set_idle(true);
}

void QuantumExchange::stop_run() {
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_stop();
}

}  // namespace vp::rv
