#include "trace/activity_recorder.hpp"

#include "config/output_file.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <tuple>

namespace vp {

static uint64_t to_ps(const sc_core::sc_time& t) { return uint64_t(t.to_seconds() * 1e12 + 0.5); }

void ActivityRecorder::span(unsigned cluster, TraceUnit unit, unsigned index, uint64_t value,
                            const sc_core::sc_time& begin, const sc_core::sc_time& end) {
  std::lock_guard<std::mutex> lock(m_);
  spans_.push_back({cluster, unit, index, value, to_ps(begin), to_ps(end)});
}

std::vector<ActivitySpan> ActivityRecorder::sorted() const {
  std::vector<ActivitySpan> s = spans_;
  auto key = [](const ActivitySpan& a) {
    return std::make_tuple(a.cluster, unsigned(a.unit), a.index, a.begin_ps, a.end_ps, a.value);
  };
  std::sort(s.begin(), s.end(), [&](const ActivitySpan& a, const ActivitySpan& b) { return key(a) < key(b); });
  return s;
}

void write_trace_file(const std::string& path, const std::string& text) { write_output(path, text); }

}  // namespace vp
