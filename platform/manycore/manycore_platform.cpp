// The manycore platform: clusters joined by the AXI tree to the HBM.
#include "manycore/manycore_platform.hpp"

#include "manycore/idle_cluster_slot.hpp"
#include "manycore/noc_builder.hpp"
#include "top/platform_builders.hpp"

namespace vp {
namespace {

class ManycorePlatform : public Platform, public sc_core::sc_module {
 public:
  ManycorePlatform(sc_core::sc_module_name name, const Config& cfg, const ClusterFactory& factory)
      : sc_core::sc_module(name), cfg_(cfg), map_(cfg), noc_("noc", cfg, map_) {
    for (int i = 0; i < map_.clusters(); ++i) {
      clusters_.push_back(factory(i, cfg, map_));
      noc_.attach_cluster(i, clusters_.back().ports);
    }
  }

  void load(const RunRequest& req) override {
    if (!req.elf.empty())
      throw SimulationError("the manycore platform has no cores to load '" + req.elf.front() + "' into yet");
  }

  RunResult run(const RunRequest& req) override {
    if (req.max_time != sc_core::SC_ZERO_TIME)
      sc_core::sc_start(req.max_time);
    else
      sc_core::sc_start();
    RunResult r;
    r.stats["clusters"] = map_.clusters();
    r.stats["noc"] = noc_.stats();
    return r;
  }

 private:
  const Config& cfg_;
  MemoryMap map_;
  AxiNetwork noc_;
  std::vector<ClusterSlot> clusters_;
};

}  // namespace

std::unique_ptr<Platform> make_manycore_platform(const Config& cfg, const ClusterFactory& factory) {
  return std::make_unique<ManycorePlatform>("soc", cfg, factory);
}

std::unique_ptr<Platform> make_manycore_platform(const Config& cfg) {
  return make_manycore_platform(cfg, &IdleClusterSlot::make);
}

}  // namespace vp
