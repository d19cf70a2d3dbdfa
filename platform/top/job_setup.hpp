#pragma once
// The dataflow job's setup (dataflow::prepare_job: mapper, calibration image,
// weights) on a host thread of its own, so that it runs beside the platform's
// elaboration instead of before it; as soon as it is ready, its golden model
// starts on another, at idle priority (workload::GoldenRun). vp-run waits for it after elaboration, and
// reports its error first, as when it ran before elaboration.
// The thread reads its own deep copy of the configuration (Config::clone).
#include <future>
#include <memory>
#include <optional>
#include <system_error>
#include <utility>

#include "dataflow_job/dataflow_job.hpp"
#include "golden_run.hpp"

namespace vp {

class JobSetup {
 public:
  // Starts prepare_job(o, cfg); on a host that cannot start a thread, it runs
  // at the first get() instead.
  JobSetup(dataflow::JobOptions o, const Config& cfg)
      : opts_(std::move(o)), cfg_(std::make_unique<Config>(cfg.clone())) {
    try {
      ready_ = std::async(std::launch::async, [this] { return prepare(); });
    } catch (const std::system_error&) {
      ready_ = std::async(std::launch::deferred, [this] { return prepare(); });
    }
  }
  ~JobSetup() {
    if (ready_.valid()) ready_.wait();  // its thread reads opts_ and cfg_
  }
  JobSetup(const JobSetup&) = delete;
  JobSetup& operator=(const JobSetup&) = delete;

  // The prepared job, waited for; throws what prepare_job threw, at every call.
  std::shared_ptr<const workload::Prepared> job() { return ready().job; }
  // Its golden model, already running.
  std::shared_ptr<workload::GoldenRun> golden() { return ready().golden; }

 private:
  struct Ready {
    std::shared_ptr<const workload::Prepared> job;
    std::shared_ptr<workload::GoldenRun> golden;
  };
  Ready prepare() {
    Ready r;
    r.job = dataflow::prepare_job(opts_, *cfg_);
    r.golden = std::make_shared<workload::GoldenRun>(r.job);
    return r;
  }
  const Ready& ready() {
    if (!got_) {
      try {
        got_ = ready_.get();
      } catch (...) {
        error_ = std::current_exception();
      }
    }
    if (error_) std::rethrow_exception(error_);
    return *got_;
  }

  dataflow::JobOptions opts_;
  std::unique_ptr<Config> cfg_;
  std::optional<Ready> got_;
  std::exception_ptr error_;
  std::future<Ready> ready_;  // last: its thread uses the members above
};

}  // namespace vp
