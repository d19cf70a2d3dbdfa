// The worker pool (sim/worker_pool.hpp): posted tasks run once, on a worker
// or at their owner's wait(); a queued task is taken earliest due first,
// `first` posts ahead of everything, equal dues in posting order.
#include <atomic>
#include <mutex>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/worker_pool.hpp"

namespace {

// Holds the only worker until released, so that the tasks posted meanwhile queue.
struct Gate {
  std::atomic<bool> entered{false}, open{false};
  std::shared_ptr<vp::AsyncTask> task() {
    return vp::make_task([this] {
      entered = true;
      while (!open) vp::spin_pause();
    });
  }
};

}  // namespace

TEST_CASE("worker pool takes queued tasks earliest due first, `first` posts ahead, ties in posting order", "[pool]") {
  vp::WorkerPool pool(2);
  Gate gate;
  auto hold = gate.task();
  pool.post(hold);
  while (!gate.entered) vp::spin_pause();
  std::mutex m;
  std::vector<int> order;
  std::vector<std::shared_ptr<vp::AsyncTask>> tasks;
  auto post = [&](int id, uint64_t due, bool first = false) {
    tasks.push_back(vp::make_task([&, id] {
      std::lock_guard<std::mutex> lock(m);
      order.push_back(id);
    }));
    if (first) pool.post(tasks.back(), true);
    else if (due == vp::WorkerPool::kLast) pool.post(tasks.back());
    else pool.post_by(tasks.back(), due);
  };
  post(1, 500);
  post(2, vp::WorkerPool::kLast);  // a plain post: after every due one
  post(3, 100);
  post(4, 500);  // the same due as 1: after it
  post(5, 0, /*first=*/true);
  post(6, 0, /*first=*/true);  // the latest `first` runs first
  post(7, 300);
  gate.open = true;
  // Not wait(): it would run a task the worker has not taken yet here.
  for (auto& t : tasks)
    while (!t->done()) vp::spin_pause();
  CHECK(order == std::vector<int>{6, 5, 3, 7, 1, 4, 2});
}

TEST_CASE("worker pool runs every posted task exactly once, on a worker or at its wait()", "[pool]") {
  for (unsigned threads : {1u, 2u, 3u}) {
    vp::WorkerPool pool(threads);
    std::atomic<int> runs{0};
    std::vector<std::shared_ptr<vp::AsyncTask>> tasks;
    for (int i = 0; i < 2000; ++i) {
      tasks.push_back(vp::make_task([&] { ++runs; }));
      pool.post_by(tasks.back(), uint64_t(i % 7));
    }
    for (auto& t : tasks) t->wait();
    CHECK(runs == 2000);
    for (auto& t : tasks) CHECK(t->done());
  }
}
