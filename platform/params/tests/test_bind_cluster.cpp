// bind_cluster through the class cache (what the manycore platform uses) gives
// every cluster what the plain binder reads for it, on homogeneous and
// heterogeneous platforms.
#include <catch2/catch.hpp>

#include <algorithm>

#include "config/cluster_classes.hpp"
#include "params/ip_params.hpp"

using namespace vp;

namespace {

void same_window(const L1Window& a, const L1Window& b) {
  CHECK(a.local_base == b.local_base);
  CHECK(a.global_base == b.global_base);
  CHECK(a.size == b.size);
}

void same(const ClusterParams& a, const ClusterParams& b) {
  CHECK(a.id == b.id);
  CHECK(a.clusters == b.clusters);
  CHECK(a.cores == b.cores);
  CHECK(a.map.local_base == b.map.local_base);
  CHECK(a.map.global_base == b.map.global_base);
  CHECK(a.map.stride == b.map.stride);
  CHECK(a.map.peripherals_offset == b.map.peripherals_offset);
  CHECK(a.map.l1_size == b.map.l1_size);
  CHECK(a.map.imem_base == b.map.imem_base);
  CHECK(a.map.imem_size == b.map.imem_size);
  CHECK(a.cycle == b.cycle);
  CHECK(a.imem_latency == b.imem_latency);
  CHECK(a.wake_latency == b.wake_latency);
  CHECK(a.core.isa == b.core.isa);
  CHECK(a.core.trap_misaligned == b.core.trap_misaligned);
  CHECK(a.core.cycle == b.core.cycle);
  CHECK(a.l1.size == b.l1.size);
  CHECK(a.l1.banks == b.l1.banks);
  CHECK(a.l1.bank_width == b.l1.bank_width);
  CHECK(a.l1.latency == b.l1.latency);
  CHECK(a.event_unit.cores == b.event_unit.cores);
  CHECK(a.event_unit.access_latency == b.event_unit.access_latency);
  CHECK(a.dma.cluster_id == b.dma.cluster_id);
  same_window(a.dma.l1, b.dma.l1);
  CHECK(a.dma.channels == b.dma.channels);
  CHECK(a.dma.outstanding == b.dma.outstanding);
  CHECK(a.dma.setup == b.dma.setup);
  CHECK(a.ima.cluster_id == b.ima.cluster_id);
  same_window(a.ima.l1, b.ima.l1);
  CHECK(a.ima.present == b.ima.present);
  CHECK(a.ima.rows == b.ima.rows);
  CHECK(a.ima.cols == b.ima.cols);
  CHECK(a.ima.adc_bits == b.ima.adc_bits);
  CHECK(a.ima.mvm == b.ima.mvm);
  CHECK(a.ima.noise.seed == b.ima.noise.seed);
  CHECK(a.ima.noise.enabled == b.ima.noise.enabled);
  CHECK(a.dwconv.cluster_id == b.dwconv.cluster_id);
  same_window(a.dwconv.l1, b.dwconv.l1);
  CHECK(a.dwconv.present == b.dwconv.present);
  CHECK(a.dwconv.lanes == b.dwconv.lanes);
}

}  // namespace

TEST_CASE("bind_cluster through the class cache equals bind_cluster for every cluster", "[params]") {
  for (const char* platform : {"mpaimc-512", "mpaimc-512-hetero", "hetero-multi-256", "hetero-cluster-8"}) {
    INFO(platform);
    const Config cfg = Config::load(platform);
    const unsigned n = unsigned(cfg.get_int("cluster.count"));
    ClusterClassCache cache;
    for (unsigned id = 0; id < n; ++id) {
      INFO("cluster " << id << " of class '" << cluster_class(cfg, id) << "'");
      same(bind_cluster(cfg, id, cache), bind_cluster(cfg, id));
    }
    // One entry per class the platform uses (a homogeneous platform: one).
    auto classes = cluster_class_table(cfg);
    std::sort(classes.begin(), classes.end());
    CHECK(cache.size() == size_t(std::unique(classes.begin(), classes.end()) - classes.begin()));
  }
}
