#include "energy/power_sampler.hpp"

#include <cmath>

namespace vp::energy {

PowerSampler::PowerSampler(unsigned clusters, UsedClusters used, std::vector<unsigned> traced, const EnergyParams& e,
                           ClusterCounts cluster, SharedCounts shared, ActivityTracer* tracer)
    : used_(std::move(used)),
      traced_(std::move(traced)), e_(e), cluster_(std::move(cluster)), shared_(std::move(shared)), tracer_(tracer),
      last_pj_(clusters, 0.0) {}

void PowerSampler::sample(const sc_core::sc_time& now) {
  const double ns = (now - last_).to_seconds() * 1e9;
  if (ns <= 0) return;
  // uW = pJ / ns * 1e3; leakage of a powered cluster is constant.
  const auto uw = [&](double pj) { return uint64_t(std::llround(pj / ns * 1e3)); };
  double total = 0;
  size_t t = 0;
  for (unsigned c = 0; c < last_pj_.size(); ++c) {
    const Charge charge = charge_of(int(c), used_, e_);
    double window = 0;
    if (charge != Charge::kNothing) {
      const double pj = charge == Charge::kFull ? cluster_energy_pj(cluster_(c), e_).total() : 0.0;
      window = pj - last_pj_[c] + leakage_pj(e_, ns);
      last_pj_[c] = pj;
    }
    total += window;
    while (t < traced_.size() && traced_[t] < c) ++t;
    if (t < traced_.size() && traced_[t] == c) tracer_->span(c, TraceUnit::kPower, 0, uw(window), last_, now);
  }
  double level_bytes = 0, hbm_bytes = 0;
  shared_(level_bytes, hbm_bytes);
  const double shared_pj = level_bytes * e_.noc_pj_per_byte_per_level + hbm_bytes * e_.hbm_pj_per_byte;
  total += shared_pj - last_shared_pj_ + e_.hbm_background_mw * ns;
  last_shared_pj_ = shared_pj;
  tracer_->span(kNetworkSpan, TraceUnit::kPower, 0, uw(total), last_, now);
  last_ = now;
}

}  // namespace vp::energy
