// The worker pool (sim/worker_pool.hpp): posted tasks run once, on a worker
// or at their owner's wait(); queued tasks are taken in posting order, a
// `first` post ahead of everything queued.
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

TEST_CASE("worker pool takes queued tasks in posting order, a `first` post ahead of them", "[pool]") {
  vp::WorkerPool pool(2);
  Gate gate;
  auto hold = gate.task();
  pool.post(hold);
  while (!gate.entered) vp::spin_pause();
  std::mutex m;
  std::vector<int> order;
  std::vector<std::shared_ptr<vp::AsyncTask>> tasks;
  auto post = [&](int id, bool first = false) {
    tasks.push_back(vp::make_task([&, id] {
      std::lock_guard<std::mutex> lock(m);
      order.push_back(id);
    }));
    pool.post(tasks.back(), first);
  };
  post(1);
  post(2);
  post(3, /*first=*/true);
  post(4);
  post(5, /*first=*/true);  // the latest `first` runs first
  gate.open = true;
  // Not wait(): it would run a task the worker has not taken yet here.
  for (auto& t : tasks)
    while (!t->done()) vp::spin_pause();
  CHECK(order == std::vector<int>{5, 3, 1, 2, 4});
}

TEST_CASE("worker pool runs every posted task exactly once, on a worker or at its wait()", "[pool]") {
  for (unsigned threads : {1u, 2u, 3u}) {
    vp::WorkerPool pool(threads);
    std::atomic<int> runs{0};
    std::vector<std::shared_ptr<vp::AsyncTask>> tasks;
    for (int i = 0; i < 2000; ++i) {
      tasks.push_back(vp::make_task([&] { ++runs; }));
      pool.post(tasks.back(), i % 7 == 0);
    }
    for (auto& t : tasks) t->wait();
    CHECK(runs == 2000);
    for (auto& t : tasks) CHECK(t->done());
  }
}
