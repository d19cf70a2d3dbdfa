#include "manycore/progress.hpp"

#include <cstdio>

#include "cluster.hpp"

namespace vp {

Progress::Progress(const std::vector<Cluster*>& clusters, bool line, sc_core::sc_time period,
                   std::function<void(const sc_core::sc_time&)> on_tick)
    : clusters_(clusters), line_(line), period_(period), next_tick_(period), on_tick_(std::move(on_tick)) {
  start_ = last_ = std::chrono::steady_clock::now();
  if (!line_ && !on_tick_) return;
  for (Cluster* c : clusters_) c->core_group().set_quantum_observer(this);
}

Progress::~Progress() {
  for (Cluster* c : clusters_) c->core_group().set_quantum_observer(nullptr);
}

void Progress::quantum(const sc_core::sc_time& now) {
  if (on_tick_ && now >= next_tick_) {
    on_tick_(now);
    next_tick_ = now + period_;
  }
  if (!line_) return;
  const auto host = std::chrono::steady_clock::now();
  const bool due = asked_ ? line_due_ : host - last_ >= std::chrono::milliseconds(500);
  asked_ = false;
  if (!due) return;
  last_ = host;
  printed_ = true;
  size_t finished = 0;
  for (const Cluster* c : clusters_) finished += c->finished();
  std::fprintf(stderr, "\r[vp-run] simulated %.3f ms, clusters finished %zu/%zu, host %.1f s   ",
               now.to_seconds() * 1e3, finished, clusters_.size(), std::chrono::duration<double>(host - start_).count());
  std::fflush(stderr);
}

bool Progress::reads_cores(const sc_core::sc_time& now) {
  // The line's decision is kept for quantum(): it must not read the cores when this said no.
  asked_ = true;
  line_due_ = line_ && std::chrono::steady_clock::now() - last_ >= std::chrono::milliseconds(500);
  return (on_tick_ && now >= next_tick_) || line_due_;
}

void Progress::done() {
  if (on_tick_) on_tick_(sc_core::sc_time_stamp());  // the last, partial window
  if (printed_) std::fprintf(stderr, "\n");
}

}  // namespace vp
