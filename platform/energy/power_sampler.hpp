#pragma once
// Power over time for the traces (docs/energy.md): every `period` of
// simulated time, the energy the clusters' counters grew by since the last
// sample becomes an average power, reported as kPower spans for the traced
// clusters and for the whole platform (cluster kNetworkSpan: every cluster,
// the network and the HBM). The counters of cores that run ahead within their
// quantum are read as they are, so a sample is exact to within a quantum;
// sample no finer than simulation.quantum_cycles.
#include <cstdint>
#include <functional>
#include <vector>

#include <systemc>

#include "energy/energy_model.hpp"
#include "sim/activity_tracer.hpp"

namespace vp::energy {

class PowerSampler {
 public:
  // Counts of cluster i so far; bytes the network levels and the HBM moved so far.
  using ClusterCounts = std::function<ClusterActivity(unsigned cluster)>;
  using SharedCounts = std::function<void(double& network_level_bytes, double& hbm_bytes)>;

  // `used`: the clusters a mapping uses (empty: all); the others are gated as in run_energy().
  PowerSampler(unsigned clusters, UsedClusters used, std::vector<unsigned> traced, const EnergyParams& e, ClusterCounts cluster,
               SharedCounts shared, ActivityTracer* tracer);
  // A sample at `now` (the end of the window since the last one).
  void sample(const sc_core::sc_time& now);

 private:
  UsedClusters used_;
  std::vector<unsigned> traced_;
  EnergyParams e_;
  ClusterCounts cluster_;
  SharedCounts shared_;
  ActivityTracer* tracer_;
  std::vector<double> last_pj_;  // per cluster: dynamic energy at the last sample
  double last_shared_pj_ = 0;
  sc_core::sc_time last_;
};

}  // namespace vp::energy
