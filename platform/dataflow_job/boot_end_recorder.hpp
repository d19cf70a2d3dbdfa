#pragma once
// When each core of each cluster ended its boot: the end of its first phase
// span. A core is in the compute phase from time 0 until the firmware's first
// phase mark, so that span holds the boot (role loading, weight programming,
// the boot barrier); the job report takes it out of the compute phase and
// dates the pipeline's start by it. Hooked on the cluster controls only (not
// DMA or IMA), it forwards every span to the timeline recorder when a cluster
// is also traced.
#include <vector>

#include "sim/activity_tracer.hpp"

namespace vp::dataflow {

class BootEndRecorder : public ActivityTracer {
 public:
  BootEndRecorder(unsigned clusters, unsigned cores)
      : cores_(cores), first_(size_t(clusters) * cores, -1.0), next_(clusters, nullptr) {}
  void forward(unsigned cluster, ActivityTracer* next) { next_.at(cluster) = next; }
  void span(unsigned cluster, TraceUnit unit, unsigned index, uint64_t value, const sc_core::sc_time& begin,
            const sc_core::sc_time& end) override {
    // A core's spans come in its own time order: the first one is the boot.
    if (unit == TraceUnit::kCorePhase && index < cores_) {
      double& t = first_[size_t(cluster) * cores_ + index];
      if (t < 0) t = end.to_seconds() * 1e9;
    }
    if (ActivityTracer* n = next_[cluster]) n->span(cluster, unit, index, value, begin, end);
  }
  // Per core, ns; -1 for a core that never marked a phase nor halted.
  std::vector<double> boot_end_ns(unsigned cluster) const {
    const auto at = first_.begin() + long(size_t(cluster) * cores_);
    return std::vector<double>(at, at + cores_);
  }

 private:
  unsigned cores_;
  std::vector<double> first_;
  std::vector<ActivityTracer*> next_;
};

}  // namespace vp::dataflow
