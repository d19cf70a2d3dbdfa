#pragma once
// A network built from a platform's YAML with a stand-in in every cluster slot, for the
// tree and mesh tests (test_noc.cpp, test_mesh.cpp): transfers are scripted per cluster
// at chosen cycles and their completion times read back in cycles.
#include <memory>
#include <string>
#include <vector>

#include "manycore/noc_builder.hpp"
#include "params/ip_params.hpp"
#include "standins.hpp"

namespace vp::test {

// A network from a built-in platform, every slot filled with a stand-in.
struct Rig {
  Config cfg;
  MemoryMap map;
  AxiNetwork noc;
  std::vector<std::unique_ptr<ClusterStandIn>> clusters;
  sc_core::sc_time cycle;

  explicit Rig(const std::string& platform, const std::vector<std::string>& overrides = {})
      : Rig(Config::load(platform, overrides)) {}
  explicit Rig(Config c)
      : cfg(std::move(c)), map(cfg), noc("noc", cfg, map),
        cycle(sc_core::sc_time(1.0 / cfg.get_float("clock_hz"), sc_core::SC_SEC)) {
    for (int i = 0; i < map.clusters(); ++i) {
      clusters.push_back(std::make_unique<ClusterStandIn>(("cluster_" + std::to_string(i)).c_str(), map.cluster_stride()));
      noc.attach_cluster(i, clusters.back()->ports());
    }
  }
  int64_t cycles(const sc_core::sc_time& t) const { return int64_t(t / cycle + 0.5); }
  // Adds a transfer to cluster `from`'s script and returns its index there.
  size_t add(int from, int64_t at_cycle, tlm::tlm_command cmd, uint64_t addr, std::vector<uint8_t> data) {
    auto& s = clusters[size_t(from)]->script;
    s.push_back({cycle * double(at_cycle), cmd, addr, std::move(data), false, {}, {}});
    return s.size() - 1;
  }
  // M back-to-back writes of `bytes` from `from` to `addr`, one issued per `gap` cycles.
  void stream(int from, int64_t t0, int count, unsigned bytes, int64_t gap, uint64_t addr,
              tlm::tlm_command cmd = tlm::TLM_WRITE_COMMAND) {
    for (int j = 0; j < count; ++j) add(from, t0 + j * gap, cmd, addr, std::vector<uint8_t>(bytes, uint8_t(from)));
  }
  int64_t finish(int c) const { return cycles(clusters[size_t(c)]->last_done()); }
};

inline std::vector<uint8_t> pattern(int a, int b, size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t k = 0; k < n; ++k) v[k] = uint8_t(a * 7 + b * 13 + k);
  return v;
}

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }


}  // namespace vp::test
