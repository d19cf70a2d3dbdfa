#pragma once
// The mapper's choices as policies (docs/architecture.md): a mapping mode of
// Fig. 5A is one residual placement and one balancing policy, so a new
// strategy is a new policy class, not a flag inside the builder.
//   naive:     residuals in the HBM, no balancing (one copy of each layer)
//   replicate: residuals in the HBM, balanced against the cost model
//   full:      residuals in the L1 of free clusters, balanced
//   auto:      as full, packing allowed, every free cluster spent, against
//              the cost model calibrated by measured stage times
#include <functional>
#include <memory>
#include <vector>

#include "mapper.hpp"

namespace vp::map {

// What a policy may ask of the mapper while it works: the plans it changes,
// and a new mapping built from them (mapper.cpp's builder implements it).
class Planner {
 public:
  virtual ~Planner() = default;
  virtual const Network& network() const = 0;
  virtual const PlatformInfo& platform() const = 0;
  virtual const CostParams& cost() const = 0;
  virtual std::vector<LayerPlan>& plans() = 0;
  // Tile width of layer i for its current plan (the widest whose buffers fit).
  virtual void retile(int layer) = 0;
  // Clusters the current plans need.
  virtual int clusters_needed() const = 0;
  // A mapping of the current plans, with its cost-model estimates.
  virtual Mapping build() = 0;
};

// Where the residual rings live. Called by the builder once the clusters of
// every layer are placed and the rings sized (Residual::bytes); a residual it
// leaves with in_hbm set goes through the HBM.
class ResidualPlacement {
 public:
  virtual ~ResidualPlacement() = default;
  // `add_cluster` appends a cluster whose L1 holds the role's l1_used bytes
  // to the mapping and returns its id, or -1 when no free cluster does.
  virtual void place(Mapping& m, const Planner& p, const std::function<int(ClusterRole)>& add_cluster) const = 0;
};

// Residuals through the HBM (the paper's first two steps).
class ResidualsInHbm : public ResidualPlacement {
 public:
  void place(Mapping&, const Planner&, const std::function<int(ClusterRole)>&) const override {}
};

// Residuals in the L1 of residual-store clusters, first fit, split over
// several stores if large, whole tiles per store; a ring that does not fit
// stays in the HBM (Fig. 5A's third step).
class ResidualsInFreeL1 : public ResidualPlacement {
 public:
  void place(Mapping& m, const Planner& p, const std::function<int(ClusterRole)>& add_cluster) const override;
};

// How free clusters are spent once the first mapping stands.
class Balancing {
 public:
  virtual ~Balancing() = default;
  virtual Mapping balance(Planner& p, Mapping first) const = 0;
};

// One copy of each layer, one reduction node per column group: the first mapping stays.
class NoBalancing : public Balancing {
 public:
  Mapping balance(Planner&, Mapping first) const override { return first; }
};

// Against the cost model: steps of at least cost.balance_step shorter
// bottleneck, each layer slower than the target improved (its slowest
// reduction level split further, else one more replica) until it meets it,
// while the clusters last and the gain pays for them
// (mapping/docs/cost-model.md).
class BottleneckBalancing : public Balancing {
 public:
  Mapping balance(Planner& p, Mapping first) const override;
};

// The most output pixels of layer l one MVM may compute at plan p (1: no
// packing): its packed window and pack x its columns fit one crossbar, at
// most max_pack (0: no limit but the crossbar's).
int pack_limit(const Layer& l, const LayerPlan& p, int max_pack);

struct Policies {
  std::unique_ptr<ResidualPlacement> residuals;
  std::unique_ptr<Balancing> balancing;
};
Policies policies_for(Mode mode);

}  // namespace vp::map
