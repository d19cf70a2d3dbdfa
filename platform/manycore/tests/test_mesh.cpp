// The 2D mesh (noc.topology: mesh) as built from the platform YAML, with stand-in clusters:
// XY routes, hop latencies and contention on transfers computed by hand.
#include <catch2/catch.hpp>

#include "noc_rig.hpp"

using namespace vp;
using test::Rig;
using test::pattern;
using R = MeshRouter;

namespace {

// A 4 x 2 mesh of the 8 clusters of mpaimc-8, with distinct figures so every term shows:
// local links 32 B and 5 cycles, hops 16 B and 7 cycles, the HBM on router (0, 0) behind a
// 64-byte, 100-cycle link. Clusters by place (column, row):
//   0 (0,0)  1 (1,0)  2 (2,0)  3 (3,0)
//   4 (0,1)  5 (1,1)  6 (2,1)  7 (3,1)
std::vector<std::string> mesh_4x2(std::vector<std::string> more = {}) {
  std::vector<std::string> o = {"noc.topology=mesh",          "noc.mesh.columns=4",         "noc.mesh.rows=2",
                                "noc.mesh.local_width_bytes=32", "noc.mesh.local_latency_cycles=5",
                                "noc.mesh.width_bytes=16",    "noc.mesh.latency_cycles=7",  "noc.mesh.hbm_router=[0, 0]",
                                "noc.mesh.hbm_width_bytes=64", "noc.mesh.hbm_latency_cycles=100"};
  o.insert(o.end(), more.begin(), more.end());
  return o;
}
constexpr int64_t kLocal = 5, kHop = 7, kHbm = 100;

uint64_t busy(const Rig& r, int column, int row, R::Port p, unsigned channel) {
  return uint64_t(r.cycles(r.noc.router(column, row).link_busy(p, channel)));
}

std::string error_of(const std::vector<std::string>& overrides) {
  try {
    Config cfg = Config::load("mpaimc-8", overrides);
    MemoryMap map(cfg);
    AxiNetwork noc("noc", cfg, map);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("mesh routing: every cluster writes to every other and to the HBM, and reads back", "[mesh][routing]") {
  Rig r("mpaimc-8", mesh_4x2());
  REQUIRE(r.noc.is_mesh());
  REQUIRE(r.noc.columns() == 4);
  REQUIRE(r.noc.rows() == 2);
  const int n = r.map.clusters();
  for (int i = 0; i < n; ++i) {
    int64_t t = 0;
    for (int j = 0; j < n; ++j) r.add(i, t++, tlm::TLM_WRITE_COMMAND, r.map.cluster_base(j) + 16u * unsigned(i), pattern(i, j, 16));
    r.add(i, t++, tlm::TLM_WRITE_COMMAND, r.map.hbm_base() + 64u * unsigned(i), pattern(i, 99, 16));
    r.add(i, t++, tlm::TLM_WRITE_COMMAND, r.map.cluster_peripherals_base((i + 3) % n) + 4, pattern(i, 98, 4));
  }
  for (int i = 0; i < n; ++i) {
    r.add(i, 5000, tlm::TLM_READ_COMMAND, r.map.hbm_base() + 64u * unsigned((i + 1) % n), std::vector<uint8_t>(16));
    r.add(i, 5001, tlm::TLM_READ_COMMAND, r.map.cluster_base((i + 5) % n) + 16u * unsigned(i), std::vector<uint8_t>(16));
  }
  sc_core::sc_start();
  for (int i = 0; i < n; ++i) {
    for (const auto& x : r.clusters[size_t(i)]->script) REQUIRE(x.status == tlm::TLM_OK_RESPONSE);
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < 16; ++k) REQUIRE(r.clusters[size_t(j)]->byte(16u * unsigned(i) + unsigned(k)) == pattern(i, j, 16)[size_t(k)]);
    for (int k = 0; k < 4; ++k)  // window-relative at the target
      REQUIRE(r.clusters[size_t((i + 3) % n)]->byte(r.map.peripherals_offset() + 4 + unsigned(k)) == pattern(i, 98, 4)[size_t(k)]);
    std::vector<uint8_t> hbm(16);
    r.noc.hbm().read(64u * unsigned(i), hbm.data(), hbm.size());
    REQUIRE(hbm == pattern(i, 99, 16));
    const auto& s = r.clusters[size_t(i)]->script;
    REQUIRE(s[s.size() - 2].data == pattern((i + 1) % n, 99, 16));
    REQUIRE(s.back().data == pattern(i, (i + 5) % n, 16));
  }
  const auto st = r.noc.stats();
  REQUIRE(st["levels"].size() == 1);
  CHECK(st["levels"][0]["level"] == "mesh");
  CHECK(st["levels"][0]["nodes"] == 8);
  CHECK(st["levels"][0]["decode_errors"] == 0);
  CHECK(st["hbm"]["writes"] == 8);
  CHECK(st["hbm"]["reads"] == 8);
}

TEST_CASE("mesh routing is dimension-ordered: along the row first, then the column", "[mesh][routing]") {
  Rig r("mpaimc-8", mesh_4x2());
  // 0 (0,0) -> 5 (1,1): east on row 0, then south on column 1: links (0,0).east, (1,0).south.
  r.add(0, 0, tlm::TLM_WRITE_COMMAND, r.map.cluster_base(5), std::vector<uint8_t>(64, 1));
  // 5 (1,1) -> 0 (0,0): west on row 1, then north on column 0: links (0,1).east, (0,0).south.
  r.add(5, 1000, tlm::TLM_WRITE_COMMAND, r.map.cluster_base(0), std::vector<uint8_t>(64, 2));
  // 6 (2,1) -> HBM on (0,0): west twice on row 1, then north: (1,1).east, (0,1).east, (0,0).south, hbm.
  r.add(6, 2000, tlm::TLM_WRITE_COMMAND, r.map.hbm_base(), std::vector<uint8_t>(64, 3));
  sc_core::sc_start();
  const unsigned out_wr = 3, in_wr = 1;  // writes leaving through / arriving by the owner's port
  const uint64_t beats = 64 / 16;
  CHECK(busy(r, 0, 0, R::kEast, out_wr) == beats);   // 0 -> 5
  CHECK(busy(r, 1, 0, R::kSouth, out_wr) == beats);  // 0 -> 5
  CHECK(busy(r, 0, 1, R::kEast, in_wr) == 2 * beats);   // 5 -> 0 and 6 -> HBM, westward into (0,1)
  CHECK(busy(r, 0, 0, R::kSouth, in_wr) == 2 * beats);  // 5 -> 0 and 6 -> HBM, northward into (0,0)
  CHECK(busy(r, 1, 1, R::kEast, in_wr) == beats);       // 6 -> HBM
  // 64 bytes take one beat on the 64-byte HBM link, but cut-through holds it until the last
  // byte has come off the 16-byte hop: 4 cycles.
  CHECK(busy(r, 0, 0, R::kHbm, out_wr) == 4);
  // Never used: the YX alternatives.
  CHECK(busy(r, 0, 0, R::kSouth, out_wr) == 0);
  CHECK(busy(r, 1, 0, R::kSouth, in_wr) == 0);
  CHECK(busy(r, 1, 0, R::kEast, in_wr) + busy(r, 1, 0, R::kEast, out_wr) == 0);
  CHECK(r.clusters[5]->byte(0) == 1);
  CHECK(r.clusters[0]->byte(63) == 2);
}

namespace {
struct AloneCase { int from; uint64_t addr; int64_t expect; };
// Each transfer alone: a write of S bytes, then a read of the same bytes 1000 cycles later;
// both must take `expect` cycles and the read must return what was written (pattern `seed`).
void run_each_alone(Rig& r, const std::vector<AloneCase>& cases, int seed, unsigned S) {
  int64_t at = 37;
  for (const auto& c : cases) {
    r.add(c.from, at, tlm::TLM_WRITE_COMMAND, c.addr, pattern(c.from, seed, S));
    r.add(c.from, at + 1000, tlm::TLM_READ_COMMAND, c.addr, std::vector<uint8_t>(S));
    at += 2000;
  }
  sc_core::sc_start();
  at = 37;
  std::vector<size_t> next(8, 0);
  for (size_t i = 0; i < cases.size(); ++i, at += 2000) {
    INFO("case " << i);
    const auto& s = r.clusters[size_t(cases[i].from)]->script;
    const size_t k = next[size_t(cases[i].from)];
    next[size_t(cases[i].from)] += 2;
    CHECK(r.cycles(s[k].done) - at == cases[i].expect);
    CHECK(r.cycles(s[k + 1].done) - (at + 1000) == cases[i].expect);
    CHECK(s[k + 1].data == pattern(cases[i].from, seed, S));
  }
}
}  // namespace

TEST_CASE("mesh latency: the local links, one hop latency per hop, and the narrowest link's serialization",
          "[mesh][latency]") {
  Rig r("mpaimc-8", mesh_4x2());
  const unsigned S = 256;
  const int64_t ser = S / 16;  // 16 beats on the 16-byte hop links (8 on a local link)
  const std::vector<AloneCase> cases = {
      {0, r.map.cluster_base(0), 2 * kLocal + S / 32},         // itself: in and out of its router, 18
      {0, r.map.cluster_base(1), 2 * kLocal + kHop + ser},     // one hop: 33
      {0, r.map.cluster_base(5), 2 * kLocal + 2 * kHop + ser},  // two hops: 40
      {4, r.map.cluster_base(3), 2 * kLocal + 4 * kHop + ser},  // the far corner: 54
      {0, r.map.hbm_base() + 4096, kLocal + kHbm + S / 32},     // the HBM router's own cluster: 113
      {7, r.map.hbm_base() + 4096, kLocal + 4 * kHop + kHbm + ser},  // 149
  };
  CHECK(cases[3].expect == 54);
  CHECK(cases[5].expect == 149);
  run_each_alone(r, cases, 1, S);
}

TEST_CASE("mesh contention: two bursts sharing a link, disjoint routes, reads beside writes", "[mesh][contention]") {
  Rig r("mpaimc-8", mesh_4x2());
  const unsigned S = 256;  // 16 beats on a hop link, 8 on a local one
  // Cluster 1 -> 3 at t0 crosses (1,0).east and (2,0).east; alone 2 x 5 + 2 x 7 + 16 = 40.
  // Cluster 0 -> 3 one cycle later needs (1,0).east from t0 + 1 + 5 + 7 = t0 + 13, but
  // cluster 1's burst holds it over [t0 + 5, t0 + 21): 8 cycles of contention on 47 alone.
  const int64_t t0 = 100;
  r.add(1, t0, tlm::TLM_WRITE_COMMAND, r.map.cluster_base(3), std::vector<uint8_t>(S, 1));
  r.add(0, t0 + 1, tlm::TLM_WRITE_COMMAND, r.map.cluster_base(3) + 0x1000, std::vector<uint8_t>(S, 2));
  // Disjoint: 4 -> 5 and 6 -> 7 on row 1 at the same time take their alone time, 33.
  const int64_t t1 = 1000;
  r.add(4, t1, tlm::TLM_WRITE_COMMAND, r.map.cluster_base(5), std::vector<uint8_t>(S, 3));
  r.add(6, t1, tlm::TLM_WRITE_COMMAND, r.map.cluster_base(7), std::vector<uint8_t>(S, 4));
  // A read and a write over the same link in the same direction of data (2 reads from 1,
  // 1 writes to 2) use different channels: both take their alone time, 33.
  const int64_t t2 = 2000;
  r.add(2, t2, tlm::TLM_READ_COMMAND, r.map.cluster_base(1), std::vector<uint8_t>(S));
  r.add(1, t2, tlm::TLM_WRITE_COMMAND, r.map.cluster_base(2), std::vector<uint8_t>(S, 5));
  // Two writes into one cluster from opposite sides share its local link: 5 <- 4 and 5 <- 6
  // at the same time; the one booked second waits for the first's 8 beats there.
  const int64_t t3 = 3000;
  r.add(4, t3, tlm::TLM_WRITE_COMMAND, r.map.cluster_base(5) + 0x2000, std::vector<uint8_t>(S, 6));
  r.add(6, t3 + 1, tlm::TLM_WRITE_COMMAND, r.map.cluster_base(5) + 0x3000, std::vector<uint8_t>(S, 7));
  sc_core::sc_start();
  CHECK(r.cycles(r.clusters[1]->script[0].done) - t0 == 40);
  CHECK(r.cycles(r.clusters[0]->script[0].done) - (t0 + 1) == 47 + 8);
  CHECK(r.cycles(r.clusters[4]->script[0].done) - t1 == 33);
  CHECK(r.cycles(r.clusters[6]->script[0].done) - t1 == 33);
  CHECK(r.cycles(r.clusters[2]->script[0].done) - t2 == 33);
  CHECK(r.cycles(r.clusters[1]->script[1].done) - t2 == 33);
  // 4 -> 5 holds 5's local link over [t3 + 12, t3 + 28) (8 beats, stretched to when its last
  // byte is off the 16-byte hop). 6 -> 5, issued at u = t3 + 1, reaches it at u + 12 = t3 + 13,
  // waits until t3 + 28 = u + 27, holds it 8 beats (its tail, u + 28, is earlier), + 5: 40.
  CHECK(r.cycles(r.clusters[4]->script[1].done) - t3 == 33);
  CHECK(r.cycles(r.clusters[6]->script[1].done) - (t3 + 1) == 40);
  CHECK(busy(r, 1, 1, R::kLocal, 3) == 16 + 16 + 8);  // out_wr of 5's local link: 4 -> 5 at t1 and t3, 6 -> 5
  CHECK(r.noc.stats()["levels"][0]["contention_cycles"].get<uint64_t>() > 0);
}

// Link modes (noc.mesh.latency_mode, noc.mesh.duplex; ip/axi_node/README.md): a burst alone
// takes the same time in every mode, the modes differ only under contention.
namespace {
void check_alone(const std::vector<std::string>& modes) {
  Rig r("mpaimc-8", mesh_4x2(modes));
  const unsigned S = 256;
  const int64_t ser = S / 16;
  const std::vector<AloneCase> cases = {
      {0, r.map.cluster_base(0), 2 * kLocal + S / 32},               // 18
      {0, r.map.cluster_base(1), 2 * kLocal + kHop + ser},           // 33
      {4, r.map.cluster_base(3), 2 * kLocal + 4 * kHop + ser},       // 54
      {0, r.map.hbm_base() + 4096, kLocal + kHbm + S / 32},          // 113
      {7, r.map.hbm_base() + 4096, kLocal + 4 * kHop + kHbm + ser},  // 149
  };
  run_each_alone(r, cases, 2, S);
  CHECK(r.noc.stats()["levels"][0]["contention_cycles"].get<uint64_t>() == 0);
}
}  // namespace

TEST_CASE("mesh serialized mode: a burst alone takes its pipelined time", "[mesh][latency][modes]") {
  check_alone({"noc.mesh.latency_mode=serialized"});
}

TEST_CASE("mesh half duplex: a burst alone takes its full-duplex time", "[mesh][latency][modes]") {
  check_alone({"noc.mesh.duplex=half", "noc.mesh.latency_mode=serialized"});
}

TEST_CASE("mesh serialized mode: a shared link is held for its latency + duration", "[mesh][contention][modes]") {
  Rig r("mpaimc-8", mesh_4x2({"noc.mesh.latency_mode=serialized"}));
  const unsigned S = 256;  // 16 beats on a hop link, 8 on a local one
  // As the pipelined case above: 1 -> 3 at t0, 0 -> 3 at t0 + 1, both over (1,0).east.
  // 1 -> 3 holds (1,0).local [t0, t0 + 13) (5 + 8), (1,0).east [t0 + 5, t0 + 28) (7 + 16),
  // (2,0).east [t0 + 12, t0 + 35), (3,0).local [t0 + 19, t0 + 40): done at t0 + 40, alone.
  // 0 -> 3 reaches (1,0).east at t0 + 1 + 5 + 7 = t0 + 13 and gets it at t0 + 28 (pipelined:
  // t0 + 21): 15 cycles of contention on 47 alone; (2,0).east is free from t0 + 35, when it
  // arrives, and (3,0).local from t0 + 40, before it does.
  const int64_t t0 = 100;
  r.add(1, t0, tlm::TLM_WRITE_COMMAND, r.map.cluster_base(3), std::vector<uint8_t>(S, 1));
  r.add(0, t0 + 1, tlm::TLM_WRITE_COMMAND, r.map.cluster_base(3) + 0x1000, std::vector<uint8_t>(S, 2));
  // Back to back on one port: 4 -> 5 at t1 and again at t1 + 9, after the first's 8 beats on
  // 4's local link but within its hold there, [t1, t1 + 13). The second gets that link at
  // t1 + 13, moves on at t1 + 18, gets (0,1).east (held by the first over [t1 + 5, t1 + 28))
  // at t1 + 28, reaches 5's local link at t1 + 35; its data is all in at t1 + 28 + 23 + 5 =
  // t1 + 56: 47 after issue (pipelined: 40; alone: 33).
  const int64_t t1 = 1000;
  r.add(4, t1, tlm::TLM_WRITE_COMMAND, r.map.cluster_base(5), std::vector<uint8_t>(S, 3));
  r.add(4, t1 + 9, tlm::TLM_WRITE_COMMAND, r.map.cluster_base(5) + 0x1000, std::vector<uint8_t>(S, 4));
  sc_core::sc_start();
  CHECK(r.cycles(r.clusters[1]->script[0].done) - t0 == 40);
  CHECK(r.cycles(r.clusters[0]->script[0].done) - (t0 + 1) == 47 + 15);
  CHECK(r.cycles(r.clusters[4]->script[0].done) - t1 == 33);
  CHECK(r.cycles(r.clusters[4]->script[1].done) - (t1 + 9) == 47);
  // Every hold is booked on its link: (1,0).east carried both bursts, 23 cycles each.
  CHECK(busy(r, 1, 0, R::kEast, 3) == 23 + 23);
}

TEST_CASE("mesh half duplex: reads and writes of one port pair share its calendar", "[mesh][contention][modes]") {
  {  // full duplex: the pipelined contention case above, where both take their alone time
    Rig r("mpaimc-8", mesh_4x2({"noc.mesh.duplex=half"}));
    const unsigned S = 256;
    // Cluster 1 writes to 2 at t2: (2,0).local is booked for its data [t2 + 12, t2 + 28).
    // Cluster 0 reads from 2 at t2 + 1: the request reaches 2 at t2 + 25; the data goes back
    // over (2,0).local from the same side (initiated from (2,0)'s router), the write's
    // calendar in half duplex: it waits until t2 + 28 (full duplex: none), then
    // (1,0).east and (0,0).east, both from the same side as 1 -> 2 on (1,0).east, which is
    // free by then: done at t2 + 28 + 16 = t2 + 44, 43 after issue (alone 40).
    const int64_t t2 = 2000;
    r.add(1, t2, tlm::TLM_WRITE_COMMAND, r.map.cluster_base(2), std::vector<uint8_t>(S, 5));
    r.add(0, t2 + 1, tlm::TLM_READ_COMMAND, r.map.cluster_base(2) + 0x1000, std::vector<uint8_t>(S));
    // Different port pairs stay apart in half duplex too: 3 reads from 2 while 2 writes to 3
    // ((2,0).east from both ends): both take their alone time, 33.
    const int64_t t3 = 3000;
    r.add(3, t3, tlm::TLM_READ_COMMAND, r.map.cluster_base(2) + 0x2000, std::vector<uint8_t>(S));
    r.add(2, t3, tlm::TLM_WRITE_COMMAND, r.map.cluster_base(3) + 0x2000, std::vector<uint8_t>(S, 6));
    sc_core::sc_start();
    CHECK(r.cycles(r.clusters[1]->script[0].done) - t2 == 33);
    CHECK(r.cycles(r.clusters[0]->script[0].done) - (t2 + 1) == 43);
    CHECK(r.cycles(r.clusters[3]->script[0].done) - t3 == 33);
    CHECK(r.cycles(r.clusters[2]->script[0].done) - t3 == 33);
  }
}

TEST_CASE("mesh host debug access reaches every cluster window and the HBM without simulated time", "[mesh][routing]") {
  Rig r("mpaimc-8", mesh_4x2({"noc.mesh.hbm_router=[3, 1]"}));
  const uint8_t in[4] = {9, 8, 7, 6};
  for (int c = 0; c < 8; ++c) REQUIRE(r.noc.debug_write(r.map.cluster_base(c) + 0x20, in, 4));
  for (int c = 0; c < 8; ++c) CHECK(r.clusters[size_t(c)]->byte(0x23) == 6);
  REQUIRE(r.noc.debug_write(r.map.hbm_base() + 0x40, in, 4));
  uint8_t out[4] = {};
  REQUIRE(r.noc.debug_read(r.map.hbm_base() + 0x40, out, 4));
  CHECK(std::equal(out, out + 4, in));
  CHECK_FALSE(r.noc.debug_read(r.map.local_base(), out, 4));
  CHECK_FALSE(r.noc.debug_read(r.map.clusters_end(), out, 4));
  CHECK(sc_core::sc_time_stamp() == sc_core::SC_ZERO_TIME);
}

TEST_CASE("mesh: addresses outside every window get an address error and count as decode errors", "[mesh][routing]") {
  Rig r("mpaimc-8", mesh_4x2());
  r.add(5, 0, tlm::TLM_WRITE_COMMAND, r.map.clusters_end() + 8, std::vector<uint8_t>(4));
  r.add(5, 1, tlm::TLM_READ_COMMAND, r.map.local_base(), std::vector<uint8_t>(4));
  r.add(5, 2, tlm::TLM_READ_COMMAND, r.map.hbm_base() + r.map.hbm_size() - 2, std::vector<uint8_t>(4));
  sc_core::sc_start();
  for (const auto& x : r.clusters[5]->script) CHECK(x.status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(r.noc.stats()["levels"][0]["decode_errors"] == 2);  // the third reaches the HBM, which refuses it
}

TEST_CASE("mesh configuration errors are located: shape, HBM router, unknown keys", "[mesh][config]") {
  CHECK(error_of(mesh_4x2()) == "");
  const std::string shape = error_of(mesh_4x2({"noc.mesh.columns=3"}));
  CHECK(shape.find("noc.mesh.columns") != std::string::npos);
  CHECK(shape.find("a 3 x 2 mesh has 6 routers but cluster.count is 8") != std::string::npos);
  const std::string outside = error_of(mesh_4x2({"noc.mesh.hbm_router=[4, 0]"}));
  CHECK(outside.find("noc.mesh.hbm_router") != std::string::npos);
  CHECK(outside.find("outside the 4 x 2 mesh") != std::string::npos);
  CHECK(outside.find("unreachable") != std::string::npos);
  const std::string row = error_of(mesh_4x2({"noc.mesh.hbm_router=[0, 2]"}));
  CHECK(row.find("router [0, 2] is outside") != std::string::npos);
  const std::string three = error_of(mesh_4x2({"noc.mesh.hbm_router=[0, 0, 0]"}));
  CHECK(three.find("noc.mesh.hbm_router") != std::string::npos);
  const std::string zero = error_of(mesh_4x2({"noc.mesh.width_bytes=0"}));
  CHECK(zero.find("noc.mesh.width_bytes") != std::string::npos);
  // The tree's per-level link modes on a mesh: located, pointing to the mesh's own keys.
  const std::string tree_mode = error_of(mesh_4x2({"noc.latency_mode=[serialized]"}));
  CHECK(tree_mode.find("noc.latency_mode") != std::string::npos);
  CHECK(tree_mode.find("noc.mesh.latency_mode") != std::string::npos);
  const std::string tree_duplex = error_of(mesh_4x2({"noc.duplex=[half, half, half, half, half]"}));
  CHECK(tree_duplex.find("noc.duplex") != std::string::npos);
  CHECK(tree_duplex.find("noc.mesh.duplex") != std::string::npos);
  const std::string bad_mode = error_of(mesh_4x2({"noc.mesh.latency_mode=queued"}));
  CHECK(bad_mode.find("noc.mesh.latency_mode") != std::string::npos);
  const std::string bad_duplex = error_of(mesh_4x2({"noc.mesh.duplex=simplex"}));
  CHECK(bad_duplex.find("noc.mesh.duplex") != std::string::npos);
  CHECK(error_of(mesh_4x2({"noc.mesh.latency_mode=serialized", "noc.mesh.duplex=half"})) == "");
  const std::string word = error_of({"noc.topology=torus"});
  CHECK(word.find("noc.topology") != std::string::npos);
  // A file: the error names it, with line and the key.
  try {
    Config::from_string("name: m\nkind: manycore\ncluster: {count: 6}\nnoc:\n  topology: mesh\n  mesh: {columns: 4, rows: 2}\n",
                        "m.yaml");
    FAIL("no error");
  } catch (const ConfigError& e) {
    const std::string w = e.what();
    CHECK(w.find("m.yaml:") != std::string::npos);
    CHECK(w.find("a 4 x 2 mesh has 8 routers but cluster.count is 6") != std::string::npos);
  }
}
