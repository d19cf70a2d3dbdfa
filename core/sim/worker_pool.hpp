#pragma once
// A fixed set of host threads for the parallel simulation (docs/architecture.md,
// "Parallel simulation"). Two kinds of work:
//  - for_each(n, fn): calls fn(0..n-1), each once, on the pool's threads and
//    the caller's, and returns when all are done. Which thread runs which item
//    is not fixed, so fn must only touch what item i owns (the quantum
//    exchange: one cluster each).
//  - post(task): a pure computation (AsyncTask) an idle worker runs while the
//    caller goes on; the caller's task.wait() runs it itself if no worker has
//    begun it. Its result is the same whoever runs it, provided nothing
//    changes its inputs before wait() returns (the IMA's MVMs).
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace vp {

// A short busy wait: work comes in bursts (a quantum's exchange rounds, an
// IMA's jobs), and a futex wake-up costs more than the work it brings.
inline void spin_pause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// One step of waiting for another host thread's short work: spin a while,
// then give the core away (an oversubscribed host may be running that thread
// on this core).
inline void wait_step(unsigned& spins) {
  if (++spins < 4096) spin_pause();
  else std::this_thread::yield();
}

// Made by make_task(fn): the function is stored in the task, one allocation each.
class AsyncTask {
 public:
  AsyncTask() = default;
  virtual ~AsyncTask() = default;
  AsyncTask(const AsyncTask&) = delete;
  AsyncTask& operator=(const AsyncTask&) = delete;

  // Done when this returns: run here if nobody began it, else waited for.
  void wait() {
    if (claim()) return run();
    settle();
  }
  // Run here unless a host thread has begun it (then it returns at once).
  void run_if_free() {
    if (claim()) run();
  }
  // Its result is no longer wanted (its owner goes away): not run if nobody
  // began it, else waited for, so it no longer touches the owner's buffers.
  void cancel() {
    if (claim()) return state_.store(kDone, std::memory_order_release);
    settle();
  }
  bool done() const { return state_.load(std::memory_order_acquire) == kDone; }

 protected:
  // Queued again, for another run of a recycled task: only by its owner, once
  // done and held by nobody else (no worker, no pending reader).
  void rearm() { state_.store(kQueued, std::memory_order_relaxed); }

 private:
  friend class WorkerPool;
  enum : int { kQueued, kRunning, kDone };
  bool claim() {
    int expected = kQueued;
    return state_.compare_exchange_strong(expected, kRunning, std::memory_order_acq_rel);
  }
  virtual void body() = 0;
  void run() {
    body();
    state_.store(kDone, std::memory_order_release);
  }
  void settle() const {  // a worker runs it: it is short
    for (unsigned spins = 0; state_.load(std::memory_order_acquire) != kDone;) wait_step(spins);
  }
  std::atomic<int> state_{kQueued};
};

template <class F>
std::shared_ptr<AsyncTask> make_task(F fn) {
  struct Task final : AsyncTask {
    explicit Task(F f) : fn(std::move(f)) {}
    void body() override { fn(); }
    F fn;
  };
  return std::make_shared<Task>(std::move(fn));
}

class WorkerPool {
 public:
  // `threads` host threads in all, the caller's included (1: no extra thread).
  explicit WorkerPool(unsigned threads) {
    for (unsigned i = 1; i < threads; ++i) workers_.emplace_back([this] { work(); });
  }
  ~WorkerPool() {
    {
      std::lock_guard<std::mutex> lock(m_);
      quit_ = true;
    }
    start_.notify_all();
    for (auto& t : workers_) t.join();
  }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  unsigned threads() const { return unsigned(workers_.size()) + 1; }

  void for_each(size_t n, const std::function<void(size_t)>& fn) {
    if (workers_.empty() || n < 2) {
      for (size_t i = 0; i < n; ++i) fn(i);
      return;
    }
    Batch b{&fn, n};
    bool wake;
    {
      std::lock_guard<std::mutex> lock(m_);
      batch_ = &b;
      ++generation_;
      signal_.fetch_add(1, std::memory_order_release);  // under m_: a worker about to sleep sees it
      wake = sleeping_.load(std::memory_order_relaxed) > woken_;
      woken_ = sleeping_.load(std::memory_order_relaxed);
    }
    if (wake) start_.notify_all();
    b.drain();
    // No worker joins from now on; wait for those inside (running an item).
    std::unique_lock<std::mutex> lock(m_);
    batch_ = nullptr;
    done_.wait(lock, [&] { return b.inside == 0; });
  }

  // Hands a task to an idle worker; with no worker it runs at its wait().
  // The IMA posts an MVM every few microseconds: the queue has a spin lock of
  // its own (a worker takes a task in a few instructions), and m_ is taken only
  // to wake a sleeping worker, once per sleep. With the queue under m_ the two
  // threads met on it ~50 000 times a headline run, a futex wait and wake each.
  // `first`: ahead of the tasks already queued (work the caller will wait for
  // sooner, e.g. the quantum exchange's local phases, before queued MVMs).
  void post(std::shared_ptr<AsyncTask> task, bool first = false) {
    if (workers_.empty()) return;
    {
      QueueLock q(queue_lock_);
      if (first)
        tasks_.push_front(std::move(task));
      else
        tasks_.push_back(std::move(task));
    }
    // Sequentially consistent with the worker's sleeping_ then signal_: one of
    // the two sees the other's update (work() before sleeping).
    signal_.fetch_add(1, std::memory_order_seq_cst);
    if (sleeping_.load(std::memory_order_seq_cst) == 0) return;
    bool wake;
    {
      std::lock_guard<std::mutex> lock(m_);
      wake = sleeping_.load(std::memory_order_relaxed) > woken_;
      woken_ += wake;
    }
    if (wake) start_.notify_one();
  }

 private:
  struct Batch {
    const std::function<void(size_t)>* fn;
    size_t n;
    std::atomic<size_t> next{0};
    unsigned inside = 0;  // workers in drain(), under m_
    void drain() {
      for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < n;) (*fn)(i);
    }
  };

  class QueueLock {
   public:
    explicit QueueLock(std::atomic_flag& f) : f_(f) {
      while (f_.test_and_set(std::memory_order_acquire)) spin_pause();
    }
    ~QueueLock() { f_.clear(std::memory_order_release); }
    QueueLock(const QueueLock&) = delete;
    QueueLock& operator=(const QueueLock&) = delete;

   private:
    std::atomic_flag& f_;
  };

  std::shared_ptr<AsyncTask> pop() {
    QueueLock q(queue_lock_);
    if (tasks_.empty()) return nullptr;
    std::shared_ptr<AsyncTask> t = std::move(tasks_.front());
    tasks_.pop_front();
    return t;
  }

  // A batch first (the caller waits for it), else a posted task.
  void work() {
    uint64_t seen = 0;
    std::unique_lock<std::mutex> lock(m_);
    for (;;) {
      if (quit_) return;
      if (batch_ && generation_ != seen) {
        seen = generation_;
        Batch* b = batch_;
        ++b->inside;
        lock.unlock();
        b->drain();
        lock.lock();
        if (--b->inside == 0) done_.notify_one();
        continue;
      }
      // Read before looking at the queue: a post after the look changes it.
      const uint64_t signal = signal_.load(std::memory_order_seq_cst);
      lock.unlock();
      if (std::shared_ptr<AsyncTask> t = pop()) {
        if (t->claim()) t->run();  // else its owner ran or cancelled it
        t.reset();
        lock.lock();
        continue;
      }
      // Nothing to do: watch for work a little before sleeping.
      for (unsigned spins = 0; spins < kSpins && signal_.load(std::memory_order_acquire) == signal; ++spins)
        spin_pause();
      lock.lock();
      if (quit_) continue;
      sleeping_.fetch_add(1, std::memory_order_seq_cst);
      if (signal_.load(std::memory_order_seq_cst) == signal) {
        start_.wait(lock);
        if (woken_ > 0) --woken_;  // a spurious return may take another's: it looks at the work all the same
      }
      sleeping_.fetch_sub(1, std::memory_order_relaxed);
    }
  }

  // About 50-100 us of pause instructions: longer than a futex wake-up.
  static constexpr unsigned kSpins = 2000;

  std::vector<std::thread> workers_;
  std::mutex m_;
  std::atomic<uint64_t> signal_{0};  // counts batches and posts: what a spinning worker watches
  std::condition_variable start_, done_;
  Batch* batch_ = nullptr;
  uint64_t generation_ = 0;
  std::atomic_flag queue_lock_ = ATOMIC_FLAG_INIT;
  std::deque<std::shared_ptr<AsyncTask>> tasks_;  // under queue_lock_
  std::atomic<unsigned> sleeping_{0};  // workers in start_.wait(), changed under m_
  unsigned woken_ = 0;                 // of those, how many a notify already woke (<= sleeping_), under m_
  bool quit_ = false;
};

}  // namespace vp
