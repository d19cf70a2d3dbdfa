// The cluster bus decode: local alias, own global window, peripherals,
// instruction memory, holes, and everything else to the network.
#include <catch2/catch.hpp>

#include "cluster_bus.hpp"
#include "params/ip_params.hpp"

using vp::ClusterBus;

TEST_CASE("cluster bus decodes the address map of docs/architecture.md", "[cluster]") {
  auto cfg = vp::Config::load("mpaimc-8");
  ClusterBus bus("bus", vp::bind_cluster(cfg, 3));
  uint64_t a = 0;
  const uint64_t global = 0x20000000 + 3 * 0x200000;
  CHECK(bus.decode(0x10000000, 4, a) == ClusterBus::kL1);
  CHECK(a == 0);
  CHECK(bus.decode(0x100FFFFC, 4, a) == ClusterBus::kL1);
  CHECK(a == 0xFFFFC);
  CHECK(bus.decode(0x100FFFFE, 4, a) == ClusterBus::kNumTargets);  // runs off the end of L1
  CHECK(bus.decode(global + 0x40, 64, a) == ClusterBus::kL1);
  CHECK(a == 0x40);
  CHECK(bus.decode(0x10100000 + 0x44, 4, a) == ClusterBus::kEventUnit);
  CHECK(a == 0x44);
  CHECK(bus.decode(0x10101008, 4, a) == ClusterBus::kDma);
  CHECK(a == 8);
  CHECK(bus.decode(global + 0x100000 + 0x2010, 4, a) == ClusterBus::kIma);
  CHECK(a == 0x10);
  CHECK(bus.decode(0x10103014, 4, a) == ClusterBus::kCtrl);
  CHECK(a == 0x14);
  CHECK(bus.decode(0x1C000100, 4, a) == ClusterBus::kImem);
  CHECK(a == 0x100);
  CHECK(bus.decode(0x10104000, 4, a) == ClusterBus::kNumTargets);  // no depthwise accelerator here: a hole
  CHECK(bus.decode(0x10105000, 4, a) == ClusterBus::kNumTargets);  // hole after the peripherals
  // Other clusters and the HBM go out to the network with their global address.
  CHECK(bus.decode(0x20000000, 4, a) == ClusterBus::kNoc);
  CHECK(a == 0x20000000);
  CHECK(bus.decode(0x80001000, 64, a) == ClusterBus::kNoc);
  CHECK(a == 0x80001000);
}

TEST_CASE("cluster bus decodes the depthwise accelerator where the cluster has one", "[cluster]") {
  auto cfg = vp::Config::load("hetero-cluster-8");
  ClusterBus bus("bus", vp::bind_cluster(cfg, 0));
  uint64_t a = 0;
  CHECK(bus.decode(0x10104030, 4, a) == ClusterBus::kDwconv);
  CHECK(a == 0x30);
  CHECK(bus.decode(0x20000000 + 0x104000, 4, a) == ClusterBus::kDwconv);  // its global window
  CHECK(a == 0);
  CHECK(bus.decode(0x10104FFE, 4, a) == ClusterBus::kNumTargets);  // straddles the block's end
  CHECK(bus.decode(0x10105000, 4, a) == ClusterBus::kNumTargets);
}

TEST_CASE("firmware HAL addresses equal the platform's memory map defaults", "[cluster]") {
  auto cfg = vp::Config::load("mpaimc-512");
  CHECK(cfg.get_int("memory_map.cluster_local_base") == 0x10000000);
  CHECK(cfg.get_int("memory_map.peripherals_offset") == 0x100000);
  CHECK(cfg.get_int("memory_map.imem_base") == 0x1C000000);
  CHECK(cfg.get_size("memory_map.imem_size") == 256 * 1024);  // firmware/cluster/cluster.ld IMEM
}
