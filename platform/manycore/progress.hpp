#pragma once
// A progress line on stderr for long runs (only on a terminal): simulated
// time, clusters finished, host time; and the power samples of the traces
// (on_tick every `period` of simulated time). Both ride on the clusters'
// quantum ends (rv::QuantumObserver) instead of an event of their own: an
// extra timed event would reorder processes that run at the same time and
// with them the results, which must not depend on a terminal or a trace.
#include <chrono>
#include <functional>
#include <vector>

#include <systemc>

#include "core_group.hpp"

namespace vp {

class Cluster;

class Progress : public rv::QuantumObserver {
 public:
  // Observes the core groups of `clusters` until done().
  Progress(const std::vector<Cluster*>& clusters, bool line, sc_core::sc_time period,
           std::function<void(const sc_core::sc_time&)> on_tick);
  ~Progress() override;
  void quantum(const sc_core::sc_time& now) override;
  bool reads_cores(const sc_core::sc_time& now) override;
  // After the run: the last tick (at the end) and the line's end.
  void done();

 private:
  const std::vector<Cluster*>& clusters_;
  bool line_, printed_ = false;
  bool asked_ = false, line_due_ = false;  // reads_cores() decided the line's next quantum()
  sc_core::sc_time period_, next_tick_;
  std::function<void(const sc_core::sc_time&)> on_tick_;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace vp
