// The golden model beside the simulation: see golden_run.hpp.
#include "golden_run.hpp"

#include <system_error>

#include "sim/idle_priority.hpp"

namespace vp::workload {

GoldenRun::GoldenRun(std::shared_ptr<const Prepared> p)
    : p_(std::move(p)), model_(*p_), done_(size_t(p_->batch)), ready_(new std::atomic<bool>[size_t(p_->batch)]) {
  for (int i = 0; i < p_->batch; ++i) ready_[size_t(i)] = false;
  try {
    thread_ = std::thread([this] { background(); });
  } catch (const std::system_error&) {  // no thread: get() computes every image
  }
}

GoldenRun::~GoldenRun() {
  cancel_ = true;
  if (thread_.joinable()) thread_.join();
}

void GoldenRun::background() {
  run_at_idle_priority();
  for (int i; (i = next_.fetch_add(1)) < p_->batch;) {
    auto im = model_.image(i, &cancel_);
    if (!im) return;
    done_[size_t(i)] = std::move(*im);
    ready_[size_t(i)].store(true, std::memory_order_release);
  }
}

Golden GoldenRun::get() {
  std::vector<GoldenModel::Image> images(static_cast<size_t>(p_->batch));
  std::vector<bool> mine(images.size(), false);
  // First the images nobody has begun (the thread may still claim some meanwhile),
  // then the thread's: done, or still on one (computed here too).
  for (int i; (i = next_.fetch_add(1)) < p_->batch;) images[size_t(i)] = *model_.image(i), mine[size_t(i)] = true;
  for (size_t i = 0; i < images.size(); ++i)
    if (!mine[i])
      images[i] = ready_[i].load(std::memory_order_acquire) ? std::move(done_[i]) : *model_.image(int(i));
  cancel_ = true;  // whatever the thread is on, it is done here
  return model_.combine(std::move(images));
}

}  // namespace vp::workload
