#include "manycore/progress.hpp"

#include <cstdio>

#include "cluster.hpp"

namespace vp {

Progress::Progress(sc_core::sc_module_name name, const std::vector<Cluster*>& clusters, bool enabled)
    : sc_module(name), clusters_(clusters), enabled_(enabled) {
  start_ = last_ = std::chrono::steady_clock::now();
  if (!enabled_) return;
  SC_METHOD(tick);
  sensitive << ev_;
  dont_initialize();
  ev_.notify(sc_core::sc_time(10, sc_core::SC_US));
}

void Progress::tick() {
  // The run is over when only this method would keep the kernel busy.
  size_t finished = 0;
  for (const Cluster* c : clusters_) finished += c->finished();
  // Never keep an otherwise idle (finished or stalled) simulation alive.
  if (finished == clusters_.size() || !sc_core::sc_pending_activity()) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ > std::chrono::milliseconds(500)) {
    last_ = now;
    printed_ = true;
    std::fprintf(stderr, "\r[vp-run] simulated %.3f ms, clusters finished %zu/%zu, host %.1f s   ",
                 sc_core::sc_time_stamp().to_seconds() * 1e3, finished, clusters_.size(),
                 std::chrono::duration<double>(now - start_).count());
    std::fflush(stderr);
  }
  ev_.notify(sc_core::sc_time(10, sc_core::SC_US));
}

void Progress::done() {
  if (printed_) std::fprintf(stderr, "\n");
}

}  // namespace vp
