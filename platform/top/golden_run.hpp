#pragma once
// The dataflow job's golden model (the output check's reference) on a host
// thread of its own. It needs only the job's inputs and weights, so vp-run
// starts it before elaborating the platform: elaboration and loading are
// serial, and the second host core would otherwise idle through them.
// Destroyed, it is cancelled between images and waited for.
#include <atomic>
#include <future>
#include <memory>

#include "workload.hpp"

namespace vp {

class GoldenRun {
 public:
  explicit GoldenRun(std::shared_ptr<const workload::Prepared> p)
      : p_(std::move(p)), result_(std::async(std::launch::async, [this] {
          return workload::golden_outputs(*p_, &cancel_);
        })) {}
  ~GoldenRun() {
    cancel_ = true;
    if (result_.valid()) result_.wait();
  }
  GoldenRun(const GoldenRun&) = delete;
  GoldenRun& operator=(const GoldenRun&) = delete;

  const workload::Prepared& job() const { return *p_; }
  // The outputs, waited for; once.
  workload::Golden get() { return result_.get(); }

 private:
  std::shared_ptr<const workload::Prepared> p_;
  std::atomic<bool> cancel_{false};
  std::future<workload::Golden> result_;  // last: its thread uses the members above
};

}  // namespace vp
