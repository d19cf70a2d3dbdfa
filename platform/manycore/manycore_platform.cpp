// The manycore platform: clusters joined by the AXI tree to the HBM.
// Until the cluster and network models land it elaborates the top module only.
#include "top/platform_builders.hpp"

namespace vp {
namespace {

class ManycorePlatform : public Platform, public sc_core::sc_module {
 public:
  explicit ManycorePlatform(const Config& cfg) : sc_core::sc_module("soc"), cfg_(cfg) {}

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
    r.stats["clusters"] = cfg_.get_int("cluster.count");
    return r;
  }

 private:
  const Config& cfg_;
};

}  // namespace

std::unique_ptr<Platform> make_manycore_platform(const Config& cfg) {
  return std::make_unique<ManycorePlatform>(cfg);
}

}  // namespace vp
