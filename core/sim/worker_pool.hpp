#pragma once
// A fixed set of host threads that run the items of one batch: for_each(n, fn)
// calls fn(0..n-1), each once, on the pool's threads and the caller's, and
// returns when all are done. Which thread runs which item is not fixed, so fn
// must only touch what item i owns (the quantum exchange: one cluster each).
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace vp {

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
    {
      std::lock_guard<std::mutex> lock(m_);
      fn_ = &fn;
      n_ = n;
      next_.store(0, std::memory_order_relaxed);
      busy_ = workers_.size();
      ++batch_;
    }
    start_.notify_all();
    drain(fn, n);
    std::unique_lock<std::mutex> lock(m_);
    done_.wait(lock, [this] { return busy_ == 0; });
    fn_ = nullptr;
  }

 private:
  void drain(const std::function<void(size_t)>& fn, size_t n) {
    for (size_t i; (i = next_.fetch_add(1, std::memory_order_relaxed)) < n;) fn(i);
  }
  void work() {
    uint64_t seen = 0;
    for (;;) {
      const std::function<void(size_t)>* fn;
      size_t n;
      {
        std::unique_lock<std::mutex> lock(m_);
        start_.wait(lock, [&] { return quit_ || batch_ != seen; });
        if (quit_) return;
        seen = batch_;
        fn = fn_;
        n = n_;
      }
      drain(*fn, n);
      std::lock_guard<std::mutex> lock(m_);
      if (--busy_ == 0) done_.notify_one();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex m_;
  std::condition_variable start_, done_;
  const std::function<void(size_t)>* fn_ = nullptr;
  size_t n_ = 0, busy_ = 0;
  uint64_t batch_ = 0;
  bool quit_ = false;
  std::atomic<size_t> next_{0};
};

}  // namespace vp
