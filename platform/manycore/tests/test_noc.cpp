// The AXI tree and the HBM as built from the platform YAML, with stand-in clusters.
#include <catch2/catch.hpp>

#include <numeric>
#include <sstream>

#include "cluster.hpp"
#include "manycore/manycore_platform.hpp"
#include "manycore/noc_builder.hpp"
#include "params/ip_params.hpp"
#include "noc_rig.hpp"

using namespace vp;
using test::ClusterStandIn;
using test::Rig;
using test::Transfer;
using test::ceil_div;
using test::pattern;
using sc_core::sc_time;
using sc_core::SC_NS;

TEST_CASE("memory map of the 512-cluster platform follows the memory_map section", "[noc][map]") {
  Config cfg = Config::load("mpaimc-512");
  MemoryMap m(cfg);
  CHECK(m.clusters() == 512);
  CHECK(m.cluster_base(0) == 0x20000000);
  CHECK(m.cluster_base(511) == 0x20000000 + 511ull * 0x200000);
  CHECK(m.cluster_peripherals_base(3) == 0x20000000 + 3ull * 0x200000 + 0x100000);
  CHECK(m.cluster_of(0x20000000) == 0);
  CHECK(m.cluster_of(0x203FFFFF) == 1);
  CHECK(m.cluster_of(m.clusters_end()) == -1);
  CHECK(m.cluster_of(0x1FFFFFFF) == -1);
  CHECK(m.is_hbm(0x80000000));
  CHECK(m.is_hbm(0x80000000ull + 1536ull * 1024 * 1024 - 1));
  CHECK_FALSE(m.is_hbm(0x80000000ull + 1536ull * 1024 * 1024));
  CHECK(m.decode(0x20300010).region == MemoryMap::Region::kClusterPeripherals);
  CHECK(m.decode(0x20300010).cluster == 1);
  CHECK(m.decode(0x20300010).offset == 0x10);
  CHECK(m.decode(0x10000040).region == MemoryMap::Region::kLocalL1);
  CHECK(m.decode(0x10100000).region == MemoryMap::Region::kLocalPeripherals);
  CHECK(m.decode(0x1C000004).region == MemoryMap::Region::kImem);
  CHECK(m.decode(0x80000010).offset == 0x10);
  CHECK(m.quadrant_path(0) == std::vector<int>{0, 0, 0, 0, 0});
  CHECK(m.quadrant_path(5) == std::vector<int>{0, 0, 0, 1, 1});
  CHECK(m.quadrant_path(511) == std::vector<int>{0, 7, 3, 3, 3});
  std::string t = m.table();
  CHECK(t.find("| cluster 511 L1 | 0x5FE00000 | 0x5FF00000 | 0x100000 | hbm_link 0 / wrapper 7 / l3 3 / l2 3 / l1 3 |") !=
        std::string::npos);
  CHECK(t.find("| HBM | 0x80000000 | 0xE0000000 |") != std::string::npos);
}

TEST_CASE("memory map rejects overlapping regions with a located error", "[noc][map]") {
  try {
    Config cfg = Config::load("mpaimc-8", {"memory_map.imem_base=0x20100000"});
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()).find("memory_map.imem_base") != std::string::npos);
    CHECK(std::string(e.what()).find("overlaps") != std::string::npos);
  }
}

TEST_CASE("routing: every cluster of mpaimc-64 writes to every other and to the HBM", "[noc][routing]") {
  Rig r("mpaimc-64");
  const int n = r.map.clusters();
  REQUIRE(n == 64);
  // Cluster i writes 16 bytes to offset 16*i of every cluster j != i, and its own 16 bytes to
  // the HBM; then reads back its neighbour's HBM block and the next cluster's peripherals.
  for (int i = 0; i < n; ++i) {
    int64_t t = 0;
    for (int j = 0; j < n; ++j)
      if (j != i) r.add(i, t++, tlm::TLM_WRITE_COMMAND, r.map.cluster_base(j) + 16u * unsigned(i), pattern(i, j, 16));
    r.add(i, t++, tlm::TLM_WRITE_COMMAND, r.map.hbm_base() + 0x100000u * unsigned(i), pattern(i, 99, 16));
    r.add(i, t++, tlm::TLM_WRITE_COMMAND, r.map.cluster_peripherals_base((i + 1) % n) + 4, pattern(i, 98, 4));
  }
  // Reads start once every write has completed (well after 10000 cycles).
  for (int i = 0; i < n; ++i) {
    r.add(i, 10000, tlm::TLM_READ_COMMAND, r.map.hbm_base() + 0x100000u * unsigned((i + 1) % n), std::vector<uint8_t>(16));
    r.add(i, 10001, tlm::TLM_READ_COMMAND, r.map.cluster_base((i + 5) % n) + 16u * unsigned(i), std::vector<uint8_t>(16));
  }
  sc_core::sc_start();
  for (int i = 0; i < n; ++i) {
    for (const auto& x : r.clusters[size_t(i)]->script) REQUIRE(x.status == tlm::TLM_OK_RESPONSE);
    for (int j = 0; j < n; ++j) {
      if (j == i) continue;
      for (int k = 0; k < 16; ++k) REQUIRE(r.clusters[size_t(j)]->byte(16u * unsigned(i) + unsigned(k)) == pattern(i, j, 16)[size_t(k)]);
    }
    // Peripheral accesses arrive window-relative, at peripherals_offset.
    for (int k = 0; k < 4; ++k)
      REQUIRE(r.clusters[size_t((i + 1) % n)]->byte(r.map.peripherals_offset() + 4 + unsigned(k)) == pattern(i, 98, 4)[size_t(k)]);
    std::vector<uint8_t> hbm(16);
    r.noc.hbm().read(0x100000u * unsigned(i), hbm.data(), hbm.size());
    REQUIRE(hbm == pattern(i, 99, 16));
    const auto& s = r.clusters[size_t(i)]->script;
    REQUIRE(s[s.size() - 2].data == pattern((i + 1) % n, 99, 16));
    REQUIRE(s.back().data == pattern(i, (i + 5) % n, 16));
  }
  // 64 clusters x (63 + 2 + 2) transfers entered the leaves; none went astray.
  auto st = r.noc.stats();
  CHECK(st["levels"][3]["transactions"].get<uint64_t>() >= 64u * 67u);
  for (const auto& lv : st["levels"]) CHECK(lv["decode_errors"].get<uint64_t>() == 0);
  CHECK(st["hbm"]["writes"].get<uint64_t>() == 64);
  CHECK(st["hbm"]["reads"].get<uint64_t>() == 64);
}

TEST_CASE("routing: any factors whose product is the cluster count, here (2, 3, 1, 4)", "[noc][routing]") {
  // Root with two children, a factor-1 level in the middle: 24 clusters.
  Rig r(Config::from_string("name: odd\nkind: manycore\ncluster: {count: 24}\n"
                            "noc: {levels: [root, a, b, leaf], factors: [2, 3, 1, 4], width_bytes: [64, 32, 64, 16],"
                            " latency_cycles: [50, 3, 2, 1]}\nhbm: {size: 64MiB}\n",
                            "odd.yaml"));
  const int n = r.map.clusters();
  REQUIRE(n == 24);
  REQUIRE(r.noc.level(0).size() == 1);
  REQUIRE(r.noc.level(3).size() == 6);
  for (int i = 0; i < n; ++i) {
    int64_t t = 0;
    for (int j = 0; j < n; ++j) r.add(i, t++, tlm::TLM_WRITE_COMMAND, r.map.cluster_base(j) + 8u * unsigned(i), pattern(i, j, 8));
    r.add(i, t++, tlm::TLM_WRITE_COMMAND, r.map.hbm_base() + 8u * unsigned(i), pattern(i, 99, 8));
  }
  // Uncontended timing with mixed widths: the narrowest link crossed sets the serialization.
  // Cluster 0 -> cluster 23 (across the root): 1+2+3 + 50 + 3+2+1 = 62, + 100 B / 16 B = 7 beats.
  r.add(0, 5000, tlm::TLM_WRITE_COMMAND, r.map.cluster_base(23) + 0x1000, std::vector<uint8_t>(100));
  // Cluster 0 -> HBM: 1+2+3+50 = 56, + 7 beats on the 16-byte leaf link (the HBM link alone
  // would take 2), for a write and for a read.
  r.add(0, 6000, tlm::TLM_WRITE_COMMAND, r.map.hbm_base() + 0x1000, std::vector<uint8_t>(100));
  r.add(0, 7000, tlm::TLM_READ_COMMAND, r.map.hbm_base() + 0x1000, std::vector<uint8_t>(100));
  sc_core::sc_start();
  for (int i = 0; i < n; ++i) {
    for (const auto& x : r.clusters[size_t(i)]->script) REQUIRE(x.status == tlm::TLM_OK_RESPONSE);
    for (int j = 0; j < n; ++j) {
      std::vector<uint8_t> got(8);
      REQUIRE(r.noc.debug_read(r.map.cluster_base(j) + 8u * unsigned(i), got.data(), 8));
      REQUIRE(got == pattern(i, j, 8));
    }
    std::vector<uint8_t> got(8);
    REQUIRE(r.noc.debug_read(r.map.hbm_base() + 8u * unsigned(i), got.data(), 8));
    REQUIRE(got == pattern(i, 99, 8));
  }
  const auto& s = r.clusters[0]->script;
  CHECK(r.cycles(s[s.size() - 3].done) - 5000 == 62 + 7);
  CHECK(r.cycles(s[s.size() - 2].done) - 6000 == 56 + 7);
  CHECK(r.cycles(s.back().done) - 7000 == 56 + 7);
}

TEST_CASE("host debug access through the network reaches cluster windows and the HBM", "[noc][routing]") {
  Rig r("mpaimc-8");
  const uint8_t in[4] = {9, 8, 7, 6};
  REQUIRE(r.noc.debug_write(r.map.cluster_base(6) + 0x20, in, 4));
  CHECK(r.clusters[6]->byte(0x20) == 9);
  REQUIRE(r.noc.debug_write(r.map.hbm_base() + 0x40, in, 4));
  uint8_t out[4] = {};
  REQUIRE(r.noc.debug_read(r.map.hbm_base() + 0x40, out, 4));
  CHECK(std::equal(out, out + 4, in));
  CHECK_FALSE(r.noc.debug_read(r.map.local_base(), out, 4));
  CHECK_FALSE(r.noc.debug_read(r.map.hbm_base() + r.map.hbm_size() - 2, out, 4));
  CHECK(sc_core::sc_time_stamp() == sc_core::SC_ZERO_TIME);
}

TEST_CASE("routing: addresses outside every window get an address error", "[noc][routing]") {
  Rig r("mpaimc-8");
  r.add(0, 0, tlm::TLM_WRITE_COMMAND, r.map.clusters_end() + 8, std::vector<uint8_t>(4));  // past the last window
  r.add(0, 1, tlm::TLM_READ_COMMAND, r.map.local_base(), std::vector<uint8_t>(4));         // an alias: not global
  r.add(0, 2, tlm::TLM_READ_COMMAND, r.map.hbm_base() + r.map.hbm_size() - 2, std::vector<uint8_t>(4));  // straddles the end
  sc_core::sc_start();
  for (const auto& x : r.clusters[0]->script) CHECK(x.status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

// Expected uncontended time of one transfer of S bytes: the latency of every node crossed
// plus one serialization ceil(S / 64) (all Table I widths are 64 bytes).
TEST_CASE("latency: near, middle, far and HBM transfers cost the per-hop sum plus serialization", "[noc][latency]") {
  // Distinct latencies per level so each level's place in the sum shows.
  Rig r("mpaimc-512", {"noc.latency_cycles.0=100", "noc.latency_cycles.1=5", "noc.latency_cycles.2=7",
                       "noc.latency_cycles.3=11", "noc.latency_cycles.4=13"});
  const auto lat = r.cfg.get_int_list("noc.latency_cycles");  // hbm_link, wrapper, l3, l2, l1
  const int64_t w = r.cfg.get_int_list("noc.width_bytes")[4];
  const unsigned S = 1000;
  const int64_t ser = ceil_div(S, w);  // 16 cycles
  REQUIRE(ser == 16);
  const int64_t near = lat[4] + ser;                                     // 0 -> 1: 13 + 16 = 29
  const int64_t middle = 2 * lat[4] + lat[3] + ser;                      // 0 -> 4: 26 + 11 + 16 = 53
  const int64_t far = 2 * (lat[4] + lat[3] + lat[2]) + lat[1] + ser;     // 0 -> 511: 62 + 5 + 16 = 83
  const int64_t hbm = lat[0] + lat[1] + lat[2] + lat[3] + lat[4] + ser;  // 136 + 16 = 152
  CHECK(near == 29);
  CHECK(far == 83);
  CHECK(hbm == 152);
  // Each transfer alone on the network: 1000 cycles apart, starting at an odd time.
  const int64_t t0 = 37;
  struct Case { uint64_t addr; int64_t expect; };
  const Case cases[] = {{r.map.cluster_base(1), near}, {r.map.cluster_base(4), middle},
                        {r.map.cluster_base(511), far}, {r.map.hbm_base() + 4096, hbm}};
  int64_t at = t0;
  for (const auto& c : cases) {
    r.add(0, at, tlm::TLM_WRITE_COMMAND, c.addr, std::vector<uint8_t>(S, 1));
    r.add(0, at + 1000, tlm::TLM_READ_COMMAND, c.addr, std::vector<uint8_t>(S));
    at += 2000;
  }
  // And the other way round: the far cluster reads from cluster 0.
  r.add(511, at, tlm::TLM_READ_COMMAND, r.map.cluster_base(0), std::vector<uint8_t>(S));
  sc_core::sc_start();
  const auto& s = r.clusters[0]->script;
  at = t0;
  for (size_t i = 0; i < std::size(cases); ++i, at += 2000) {
    INFO("case " << i);
    CHECK(r.cycles(s[2 * i].done) - at == cases[i].expect);
    CHECK(r.cycles(s[2 * i + 1].done) - (at + 1000) == cases[i].expect);
    CHECK(s[2 * i + 1].data == std::vector<uint8_t>(S, 1));
  }
  CHECK(r.cycles(r.clusters[511]->script[0].done) - at == far);
}

TEST_CASE("latency: Table I figures, near and across the wrapper", "[noc][latency]") {
  Rig r("mpaimc-512");
  // Table I: latencies (100, 4, 4, 4, 4), width 64 bytes. A 256-byte burst: 4 beats.
  // near (0 -> 3, same L1 quadrant): 4 + 4 = 8; far (0 -> 511): 7 x 4 + 4 = 32; HBM: 116 + 4 = 120.
  r.add(0, 0, tlm::TLM_WRITE_COMMAND, r.map.cluster_base(3), std::vector<uint8_t>(256));
  r.add(0, 100, tlm::TLM_WRITE_COMMAND, r.map.cluster_base(511), std::vector<uint8_t>(256));
  r.add(0, 200, tlm::TLM_READ_COMMAND, r.map.hbm_base(), std::vector<uint8_t>(256));
  sc_core::sc_start();
  const auto& s = r.clusters[0]->script;
  CHECK(r.cycles(s[0].done) == 8);
  CHECK(r.cycles(s[1].done) - 100 == 32);
  CHECK(r.cycles(s[2].done) - 200 == 120);
}

// Alone-versus-together comparisons run in one network (SystemC elaborates once per
// process): the phases are far apart in time, so they cannot interact.
TEST_CASE("contention: N clusters streaming to the HBM take N times as long as one", "[noc][contention]") {
  // 64-cluster tree: hbm_link (100), l3 (4), l2 (4), l1 (4). Clusters 0, 16, 32, 48 sit in
  // different L3 quadrants and meet only at the root, so the links to the HBM are the
  // bottleneck. Each streams M writes of 1 KiB, one every 16 cycles (its own link's rate).
  Rig r("mpaimc-64");
  const int M = 32, N = 4;
  const unsigned S = 1024;
  const int64_t k = ceil_div(S, 64);  // 16 cycles per burst on every link
  const int64_t sum_lat = 100 + 4 + 4 + 4;
  const int64_t t1 = 100000;
  r.stream(0, 0, M, S, k, r.map.hbm_base());  // phase 1: cluster 0 alone
  for (int c : {0, 16, 32, 48}) r.stream(c, t1, M, S, k, r.map.hbm_base() + 0x10000u * unsigned(c));  // phase 2
  sc_core::sc_start();
  // Completion of a phase: the last burst's end, from the phase's start.
  auto finish = [&](int64_t from, int64_t to) {
    int64_t f = 0;
    for (int c : {0, 16, 32, 48})
      for (const auto& x : r.clusters[size_t(c)]->script)
        if (x.at >= r.cycle * double(from) && x.at < r.cycle * double(to)) f = std::max(f, r.cycles(x.done) - from);
    return f;
  };
  const int64_t alone = finish(0, t1), together = finish(t1, 2 * t1);
  // Alone the stream is issue-bound: the last burst leaves at (M-1)k and takes sum_lat + k.
  CHECK(alone == sum_lat + M * k);
  // Together the shared links carry N*M bursts back to back.
  CHECK(together == sum_lat + N * M * k);
  CHECK(double(together) / double(alone) > N - 0.75);
  CHECK(r.noc.stats()["levels"][0]["contention_cycles"].get<uint64_t>() > 0);
}

TEST_CASE("contention: two disjoint quadrants do not slow each other", "[noc][contention]") {
  // Quadrant A = clusters 0..3, quadrant B = clusters 4..7 (L1 quadrants of mpaimc-64).
  // Inside each, 0->1, 1->0, 2->3, 3->2 stream writes (A's pattern shifted by 4 in B).
  Rig r("mpaimc-64");
  const int M = 40;
  const unsigned S = 512;
  const int64_t k = ceil_div(S, 64), t1 = 100000;
  auto quadrant = [&](int base, int64_t t0) {
    for (int c = 0; c < 4; ++c) r.stream(base + c, t0, M, S, k, r.map.cluster_base(base + (c ^ 1)) + 0x1000);
  };
  quadrant(0, 0);   // phase 1: A alone
  quadrant(0, t1);  // phase 2: A and B together
  quadrant(4, t1);
  sc_core::sc_start();
  auto finish = [&](int c, bool phase2) {
    int64_t f = 0;
    for (const auto& x : r.clusters[size_t(c)]->script)
      if ((x.at >= r.cycle * double(t1)) == phase2) f = std::max(f, r.cycles(x.done) - (phase2 ? t1 : 0));
    return f;
  };
  for (int c = 0; c < 4; ++c) {
    INFO("cluster " << c);
    CHECK(finish(c, false) == 4 + M * k);  // leaf latency + M bursts at the link rate
    CHECK(finish(c, true) == finish(c, false));
    CHECK(finish(c + 4, true) == finish(c, false));
  }
}

TEST_CASE("contention: two streams into one cluster share its link, reads and writes do not", "[noc][contention]") {
  Rig r("mpaimc-64");
  const int M = 40;
  const unsigned S = 512;
  const int64_t k = ceil_div(S, 64), t1 = 100000, t2 = 200000;
  // Phase 1: clusters 0 and 2 both write into cluster 1: its incoming link serializes them.
  r.stream(0, 0, M, S, k, r.map.cluster_base(1));
  r.stream(2, 0, M, S, k, r.map.cluster_base(1) + 0x8000);
  // Phase 2: cluster 0 writes into cluster 16 while its leaf neighbour 1 reads from cluster
  // 17: both cross the same links, but AXI4 read and write data channels are independent.
  r.stream(0, t1, M, S, k, r.map.cluster_base(16));
  r.stream(1, t1, M, S, k, r.map.cluster_base(17), tlm::TLM_READ_COMMAND);
  // Phase 3: the same with cluster 1 writing instead: now they share the write channels.
  r.stream(0, t2, M, S, k, r.map.cluster_base(16));
  r.stream(1, t2, M, S, k, r.map.cluster_base(17));
  sc_core::sc_start();
  auto finish = [&](int c, int64_t from, int64_t to) {
    int64_t f = 0;
    for (const auto& x : r.clusters[size_t(c)]->script)
      if (x.at >= r.cycle * double(from) && x.at < r.cycle * double(to)) f = std::max(f, r.cycles(x.done) - from);
    return f;
  };
  const int64_t lat_0_16 = 2 * (4 + 4) + 4;  // up through l1 and l2, across l3, down again
  CHECK(std::max(finish(0, 0, t1), finish(2, 0, t1)) == 4 + 2 * M * k);
  CHECK(finish(0, t1, t2) == lat_0_16 + M * k);
  CHECK(finish(1, t1, t2) == lat_0_16 + M * k);
  CHECK(std::max(finish(0, t2, 300000), finish(1, t2, 300000)) == lat_0_16 + 2 * M * k);
}

TEST_CASE("contention: a transfer booked ahead in host order does not delay an earlier one", "[noc][contention]") {
  // Temporal decoupling: cluster 0 runs ahead and books the HBM links for cycle 1000 while
  // SystemC time is 0; cluster 16 then, at cycle 10, sends its own burst, which must find
  // the links free (the calendar keeps the gap) and take the uncontended time. A burst of
  // cluster 32 at cycle 1000 does meet cluster 0's and waits one burst.
  Rig r("mpaimc-64");
  const unsigned S = 1024;
  const int64_t k = ceil_div(S, 64), sum_lat = 112;
  r.add(0, 1000, tlm::TLM_WRITE_COMMAND, r.map.hbm_base(), std::vector<uint8_t>(S));
  r.clusters[0]->script.back().run_ahead = true;
  r.add(16, 10, tlm::TLM_WRITE_COMMAND, r.map.hbm_base() + 0x10000, std::vector<uint8_t>(S));
  r.add(32, 1000, tlm::TLM_WRITE_COMMAND, r.map.hbm_base() + 0x20000, std::vector<uint8_t>(S));
  sc_core::sc_start();
  CHECK(r.cycles(r.clusters[0]->script[0].done) == 1000 + sum_lat + k);
  CHECK(r.cycles(r.clusters[16]->script[0].done) == 10 + sum_lat + k);
  CHECK(r.cycles(r.clusters[32]->script[0].done) == 1000 + sum_lat + 2 * k);
}

TEST_CASE("mpaimc-512-gvsoc has the memory map of mpaimc-512 and the level-3 router of the paper's simulator", "[noc][gvsoc]") {
  Config table1 = Config::load("mpaimc-512");
  Rig r("mpaimc-512-gvsoc");
  CHECK(r.map.table() == MemoryMap(table1).table());
  CHECK(r.cfg.get_size("hbm.size") == table1.get_size("hbm.size"));
  // A 2 KiB write to the HBM alone: latencies 4 + 4 + 4 + 100 (+ 0 at the root), then
  // 2048 / 16 = 128 cycles on the level-3 router's 16-byte ports.
  // Two from one quadrant at once: serialized, the first holds the level-3 quadrant port for
  // 100 + 128 cycles [12, 240), the second holds it [240, 468) and ends with it. (Pipelined
  // the port carries them [12, 140) and [140, 268): the second ends at 268 + 100 = 368.)
  r.add(0, 0, tlm::TLM_WRITE_COMMAND, r.map.hbm_base(), std::vector<uint8_t>(2048, 1));
  r.add(1, 0, tlm::TLM_WRITE_COMMAND, r.map.hbm_base() + 4096, std::vector<uint8_t>(2048, 2));
  // A 2 KiB read from the HBM alone, and a 256-byte write across quadrants (100 + 2 x 12 + 16).
  r.add(2, 1000, tlm::TLM_READ_COMMAND, r.map.hbm_base(), std::vector<uint8_t>(2048));
  r.add(3, 2000, tlm::TLM_WRITE_COMMAND, r.map.cluster_base(511), std::vector<uint8_t>(256));
  sc_core::sc_start();
  const int64_t a = r.finish(0), b = r.finish(1);
  CHECK(std::min(a, b) == 112 + 128);
  CHECK(std::max(a, b) == 468);
  CHECK(r.finish(2) - 1000 == 112 + 128);
  CHECK(r.clusters[2]->script[0].data == std::vector<uint8_t>(2048, 1));
  CHECK(r.finish(3) - 2000 == 100 + 24 + 16);
  // The busiest port of the level-3 router: quadrant 0's, up (writes), held 228 + 228 + 116.
  const auto busiest = r.noc.stats()["levels"][1]["busiest_links"];
  REQUIRE(busiest.size() == 3);
  CHECK(busiest[0]["link"] == "l3_0");
  CHECK(busiest[0]["channel"] == "up_wr");
  CHECK(busiest[0]["busy_cycles"] == 572);
  CHECK(busiest[1]["link"] == "l3_0");
  CHECK(busiest[1]["channel"] == "down_rd");
  CHECK(busiest[1]["busy_cycles"] == 228);
}

TEST_CASE("mpaimc-512-gvsoc pipelined: two bursts share the level-3 port for their durations only", "[noc][gvsoc]") {
  Rig r("mpaimc-512-gvsoc", {"noc.latency_mode=[pipelined, pipelined, pipelined, pipelined, pipelined]"});
  r.add(0, 0, tlm::TLM_WRITE_COMMAND, r.map.hbm_base(), std::vector<uint8_t>(2048, 1));
  r.add(1, 0, tlm::TLM_WRITE_COMMAND, r.map.hbm_base() + 4096, std::vector<uint8_t>(2048, 2));
  sc_core::sc_start();
  CHECK(std::min(r.finish(0), r.finish(1)) == 240);
  CHECK(std::max(r.finish(0), r.finish(1)) == 368);
}

TEST_CASE("the 512-cluster platform elaborates from mpaimc-512 and runs without firmware", "[noc][platform]") {
  Config cfg = Config::load("mpaimc-512");
  auto p = make_manycore_platform(cfg);
  RunRequest req;
  p->load(req);
  RunResult res = p->run(req);
  CHECK(res.exit_code == 0);
  CHECK(res.stats["clusters"] == 512);
  const auto& levels = res.stats["noc"]["levels"];
  REQUIRE(levels.size() == 5);
  std::vector<int> nodes;
  for (const auto& l : levels) nodes.push_back(l["nodes"].get<int>());
  CHECK(nodes == std::vector<int>{1, 1, 8, 32, 128});
  CHECK(res.stats["noc"]["hbm"]["allocated_bytes"] == 0);
}

TEST_CASE("a factory supplies the cluster of every slot", "[noc][platform]") {
  Config cfg = Config::load("mpaimc-8");
  std::vector<ClusterStandIn*> made;
  auto p = make_manycore_platform(cfg, test::stand_in_factory(made));
  REQUIRE(made.size() == 8);
  MemoryMap map(cfg);
  // Cluster 7 writes into cluster 2 through the platform's network.
  made[7]->script.push_back({sc_core::SC_ZERO_TIME, tlm::TLM_WRITE_COMMAND, map.cluster_base(2) + 8, {1, 2, 3, 4}, false, {}, {}});
  RunRequest req;
  p->run(req);
  CHECK(made[7]->script[0].status == tlm::TLM_OK_RESPONSE);
  CHECK(made[2]->byte(8) == 1);
  CHECK(made[2]->byte(11) == 4);
}

TEST_CASE("the cluster model in the slots: remote L1 write and read through its slave port", "[noc][platform]") {
  // Slot 0: a traffic generator; slots 1..7: the cluster model (ip/cluster), no firmware.
  Config cfg = Config::load("mpaimc-8");
  std::vector<ClusterStandIn*> gen;
  std::vector<Cluster*> real;
  auto imem = std::make_shared<std::vector<uint8_t>>(cfg.get_size("memory_map.imem_size"));
  std::ostringstream console;
  auto gen_factory = test::stand_in_factory(gen);
  ClusterFactory factory = [&](int id, const Config& c, const MemoryMap& map) -> ClusterSlot {
    if (id == 0) return gen_factory(id, c, map);
    auto m = std::make_unique<Cluster>(("cluster_" + std::to_string(id)).c_str(), bind_cluster(c, unsigned(id)), imem,
                                       console);
    real.push_back(m.get());
    ClusterPorts p{&m->master(), &m->slave()};
    return ClusterSlot{std::move(m), p};
  };
  auto p = make_manycore_platform(cfg, factory);
  MemoryMap map(cfg);
  std::vector<uint8_t> data(256);
  for (size_t k = 0; k < data.size(); ++k) data[k] = uint8_t(k * 3 + 1);
  gen[0]->script.push_back({sc_core::SC_ZERO_TIME, tlm::TLM_WRITE_COMMAND, map.cluster_base(5) + 0x100, data, false, {}, {}});
  gen[0]->script.push_back({sc_time(1000, SC_NS), tlm::TLM_READ_COMMAND, map.cluster_base(5) + 0x100,
                            std::vector<uint8_t>(256), false, {}, {}});
  RunRequest req;
  req.max_time = sc_time(10, sc_core::SC_US);
  p->run(req);
  const auto& s = gen[0]->script;
  CHECK(s[0].status == tlm::TLM_OK_RESPONSE);
  CHECK(s[1].status == tlm::TLM_OK_RESPONSE);
  CHECK(s[1].data == data);
  std::vector<uint8_t> in_l1(256);
  real[4]->l1().read(0x100, in_l1.data(), in_l1.size());  // cluster 5's own view
  CHECK(in_l1 == data);
  // Cluster 0 -> 5 crosses l1, l2, l1 nodes: 3 x 4 cycles + 4 beats = 16 for the network alone;
  // the cluster's L1 adds its own access time.
  CHECK(s[1].done - s[1].at >= sc_time(16, SC_NS));
}

TEST_CASE("network configuration errors are located", "[noc][config]") {
  try {
    Config cfg = Config::load("mpaimc-8", {"noc.levels.1=hbm_link"});
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()).find("noc.levels") != std::string::npos);
    CHECK(std::string(e.what()).find("appears twice") != std::string::npos);
  }
}

TEST_CASE("latency modes and duplex take one word per level and their errors are located", "[noc][config]") {
  // Checked by Config::load, the validation every tool shares (located at the --set).
  auto error_of = [](const std::vector<std::string>& ov) -> std::string {
    try {
      Config cfg = Config::load("mpaimc-8", ov);
      MemoryMap map(cfg);
      AxiNetwork noc("noc", cfg, map);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  };
  CHECK(error_of({}) == "");
  const std::string n = error_of({"noc.latency_mode=[serialized]"});
  CHECK(n.find("noc.latency_mode") != std::string::npos);
  CHECK(n.find("has 1 items") != std::string::npos);
  const std::string w = error_of({"noc.duplex=[full, quarter, full]"});
  CHECK(w.find("noc.duplex") != std::string::npos);
  CHECK(w.find("'quarter'") != std::string::npos);
}
