#pragma once
// The dataflow job's golden model (the output check's reference) beside the
// simulation. It needs only the job's inputs and weights, so vp-run starts it
// as soon as the job is ready, before elaborating the platform.
//
// Its thread runs at idle priority (sim/idle_priority.hpp): it takes only the
// host time the simulation leaves (the elaboration, a worker waiting for
// work), never a core the simulation's threads want, so `--threads N` runs on
// N cores however many the host has. Whoever asks for the outputs (get(), at
// the check) computes the images not yet done itself, at its own priority,
// so the check never waits for a starved thread; an image both computed is
// the same bytes (a pure function of the job). Destroyed, it is cancelled
// between layers and joined.
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "workload.hpp"

namespace vp::workload {

class GoldenRun {
 public:
  explicit GoldenRun(std::shared_ptr<const Prepared> p);
  ~GoldenRun();
  GoldenRun(const GoldenRun&) = delete;
  GoldenRun& operator=(const GoldenRun&) = delete;

  const Prepared& job() const { return *p_; }
  // The outputs; once.
  Golden get();

 private:
  void background();

  std::shared_ptr<const Prepared> p_;
  GoldenModel model_;
  std::vector<GoldenModel::Image> done_;  // the thread's, each valid once its `ready_` is set
  std::unique_ptr<std::atomic<bool>[]> ready_;
  std::atomic<int> next_{0};  // the next image nobody has claimed
  std::atomic<bool> cancel_{false};
  std::thread thread_;  // last: it uses the members above
};

}  // namespace vp::workload
