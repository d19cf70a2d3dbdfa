#pragma once
// Collects the spans the models report (see activity_tracer.hpp) for the
// timeline and waveform writers. Only the traced clusters are given a tracer,
// so everything recorded is wanted.
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "sim/activity_tracer.hpp"

namespace vp {

struct ActivitySpan {
  unsigned cluster;
  TraceUnit unit;
  unsigned index;
  uint64_t value;
  uint64_t begin_ps, end_ps;
};

class ActivityRecorder : public ActivityTracer {
 public:
  void span(unsigned cluster, TraceUnit unit, unsigned index, uint64_t value, const sc_core::sc_time& begin,
            const sc_core::sc_time& end) override;
  // Spans ordered by cluster, unit, index, begin, end, value: the same for
  // every run, whatever order the models reported them in.
  std::vector<ActivitySpan> sorted() const;

 private:
  // The parallel simulation reports from several host threads (a core's
  // sleep in its local phase, the models in the exchange on the SystemC thread).
  std::mutex m_;
  std::vector<ActivitySpan> spans_;
};

// Writes `text` to `path` through a temporary file and a rename, so a reader
// never sees half a trace. Throws std::runtime_error.
void write_trace_file(const std::string& path, const std::string& text);

}  // namespace vp
