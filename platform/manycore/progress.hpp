#pragma once
// A progress line on stderr for long runs (only on a terminal): simulated
// time, clusters finished, host time. Wakes on simulated time, so it costs
// nothing when the run is short and little when it is long.
#include <chrono>
#include <vector>

#include <systemc>

namespace vp {

class Cluster;

class Progress : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Progress);
  Progress(sc_core::sc_module_name name, const std::vector<Cluster*>& clusters, bool enabled);
  void done();

 private:
  void tick();
  const std::vector<Cluster*>& clusters_;
  bool enabled_, printed_ = false;
  std::chrono::steady_clock::time_point start_, last_;
  sc_core::sc_event ev_;
};

}  // namespace vp
