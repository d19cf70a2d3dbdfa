// The IMA's timing (Fig. 3): N back-to-back jobs take about
// N x max(stream-in, compute, stream-out) plus the other two phases once
// (fill and drain). Expected figures come from the platform parameters.
#include <catch2/catch.hpp>

#include <memory>
#include <set>

#include <tlm_utils/simple_initiator_socket.h>

#include "ima_bench.hpp"

using namespace imatest;
using vp::Config;

namespace {

// Cycles of one uncontended stream of `bytes` aligned bytes: one access of
// ports x port_bytes per cycle, the last one completing after the L1 latency.
double stream_cycles(const Config& cfg, uint32_t bytes) {
  const double per_cycle = double(cfg.get_int("cluster.ima.streamer_ports") * cfg.get_int("cluster.ima.port_bytes"));
  return std::ceil(bytes / per_cycle) - 1 + double(cfg.get_int("cluster.l1.latency_cycles"));
}

struct Phases {
  double in, compute, out, setup;
};

Phases phases(const Config& cfg, const JobRegs& j) {
  const double ns_per_cycle = 1e9 / cfg.get_float("clock_hz");
  return {stream_cycles(cfg, j.rows), cfg.get_float("cluster.ima.mvm_ns") / ns_per_cycle,
          stream_cycles(cfg, j.cols * j.out_size), double(cfg.get_int("cluster.ima.setup_cycles"))};
}

// Expected cycles from trigger to the last output in L1.
double expected_cycles(const Phases& p, unsigned n) {
  return p.setup + (p.in + p.compute + p.out) + (n - 1) * std::max({p.in, p.compute, p.out});
}

// Inputs and outputs in separate L1 halves, 1 KiB apart per job.
JobRegs job(unsigned n, uint32_t rows, uint32_t cols, uint32_t out_size) {
  JobRegs j;
  j.src = kL1;
  j.src_stride = 1024;
  j.dst = kL1 + 0x80000;
  j.dst_stride = 1024;
  j.rows = rows;
  j.cols = cols;
  j.jobs = n;
  j.out_size = out_size;
  return j;
}

// Runs one sequence; returns cycles from the trigger write to the DONE event.
double measure(const Config& cfg, const JobRegs& j) {
  Bench tb("tb", cfg);
  sc_time triggered;
  tb.body = [&] {
    triggered = tb.trigger(j);
    tb.wait_idle();
  };
  sc_start();
  REQUIRE(tb.ima.jobs_done() == j.jobs);
  return (tb.event_time(IMA_EVENT_DONE) - triggered).to_seconds() * cfg.get_float("clock_hz");
}

}  // namespace

// Tolerance: 2 %, for bank conflicts between the IMA's own input and output
// streams, which the closed formula ignores.
TEST_CASE("IMA compute-bound jobs: N x mvm plus fill and drain", "[ima][timing]") {
  auto cfg = Config::load("cluster-1");  // 256 x 256, 16 ports x 4 B, 130 ns
  const auto j = job(32, 256, 256, 1);
  const Phases p = phases(cfg, j);
  REQUIRE(p.compute > p.in);
  REQUIRE(p.compute > p.out);
  const double want = expected_cycles(p, j.jobs);
  CHECK(want == Approx(4 + 4 + 130 + 4 + 31 * 130));  // the default figures, spelt out
  CHECK(measure(cfg, j) == Approx(want).epsilon(0.02));
}

TEST_CASE("IMA stream-out-bound jobs: N x stream-out plus fill and drain", "[ima][timing]") {
  auto cfg = Config::load("cluster-1", {"cluster.ima.streamer_ports=1"});
  const auto j = job(16, 256, 256, 4);  // 1 KiB of outputs at 4 B per cycle
  const Phases p = phases(cfg, j);
  REQUIRE(p.out > p.compute);
  REQUIRE(p.out > p.in);
  CHECK(measure(cfg, j) == Approx(expected_cycles(p, j.jobs)).epsilon(0.02));
}

TEST_CASE("IMA stream-in-bound jobs: N x stream-in plus fill and drain", "[ima][timing]") {
  auto cfg = Config::load("cluster-1", {"cluster.ima.streamer_ports=2", "cluster.ima.mvm_ns=10"});
  const auto j = job(24, 256, 16, 1);
  const Phases p = phases(cfg, j);
  REQUIRE(p.in > p.compute);
  REQUIRE(p.in > p.out);
  CHECK(measure(cfg, j) == Approx(expected_cycles(p, j.jobs)).epsilon(0.02));
}

TEST_CASE("IMA queued triggers continue the pipeline without a bubble", "[ima][timing]") {
  auto cfg = Config::load("cluster-1");
  Bench tb("tb", cfg);
  const auto a = job(10, 256, 256, 1);
  auto b = a;
  b.src += 10 * 1024;
  b.dst += 10 * 1024;
  sc_time t0;
  uint32_t queued = 0, done = 0;
  tb.body = [&] {
    t0 = tb.trigger(a);
    tb.trigger(b);  // programmed while the first runs
    queued = (tb.read(IMA_REG_STATUS) >> IMA_STATUS_QUEUED_SHIFT) & 0xFF;
    tb.wait_idle();
    done = tb.read(IMA_REG_STATUS) >> IMA_STATUS_DONE_SHIFT;
  };
  sc_start();
  CHECK(queued == 1);
  CHECK(done == 2);
  const Phases p = phases(cfg, a);
  // 20 jobs as one sequence; the second trigger came 15 register writes
  // later, well within the first sequence, so it adds nothing.
  const double got = (tb.event_time(IMA_EVENT_DONE, 1) - t0).to_seconds() * 1e9;
  CHECK(got == Approx(expected_cycles(p, 20)).epsilon(0.02));
  // READY (inputs consumed) precedes DONE for each sequence.
  CHECK(tb.event_time(IMA_EVENT_READY, 0) < tb.event_time(IMA_EVENT_DONE, 0));
  CHECK(tb.event_time(IMA_EVENT_READY, 1) < tb.event_time(IMA_EVENT_DONE, 1));
  CHECK(tb.event_time(IMA_EVENT_DONE, 0) < tb.event_time(IMA_EVENT_READY, 1));
}

// The thread streams up to simulation.ima_lookahead_cycles ahead of SystemC
// time; what a core sees (completion events, the STATUS queue and done counts
// at each time) must not depend on how far. Two benches in one simulation:
// each stream at its time (0), and everything at the first wake-up.
TEST_CASE("IMA streaming ahead of SystemC time: the same events and STATUS at every time", "[ima][timing]") {
  struct Seen {
    std::unique_ptr<Bench> tb;
    std::vector<uint32_t> status;
  };
  auto make = [](const char* name, const char* lookahead) {
    Seen s;
    s.tb = std::make_unique<Bench>(name, Config::load("cluster-1", {std::string("simulation.ima_lookahead_cycles=") + lookahead}));
    Bench& tb = *s.tb;
    std::vector<uint32_t>& status = s.status;
    tb.body = [&tb, &status] {
      auto a = job(6, 256, 256, 1), b = a, c = a;
      b.src += 6 * 1024, b.dst += 6 * 1024;
      c.src += 12 * 1024, c.dst += 12 * 1024;
      tb.trigger(a);
      tb.trigger(b);
      tb.trigger(c);
      for (int i = 0; i < 60; ++i) {
        status.push_back(tb.read(IMA_REG_STATUS));
        wait(sc_time(40, SC_NS));
      }
      tb.wait_idle();
    };
    return s;
  };
  Seen exact = make("exact", "0"), ahead = make("ahead", "1000000");
  sc_start();
  REQUIRE(exact.tb->ima.jobs_done() == 18);
  CHECK(ahead.tb->ima.jobs_done() == 18);
  CHECK(ahead.tb->events == exact.tb->events);
  CHECK(ahead.status == exact.status);
  // The reads see the queue drain and the sequences complete: 2, 1, 0 queued, 0 to 3 done.
  const std::set<uint32_t> seen(exact.status.begin(), exact.status.end());
  CHECK(seen.size() >= 5);
  CHECK(((exact.status.front() >> IMA_STATUS_QUEUED_SHIFT) & 0xFF) == 2);
  CHECK((exact.status.back() >> IMA_STATUS_DONE_SHIFT) == 3);
}

TEST_CASE("IMA too many queued triggers is a firmware error", "[ima][timing]") {
  auto cfg = Config::load("cluster-1", {"cluster.ima.job_queue=1"});
  Bench tb("tb", cfg);
  const auto a = job(4, 256, 256, 1);
  tb.body = [&] {
    tb.trigger(a);
    tb.trigger(a);
    tb.trigger(a);
  };
  try {
    sc_start();
    FAIL("no error");
  } catch (const std::exception& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("1 sequences already queued (cluster.ima.job_queue = 1)"));
  }
}

namespace {
// Another L1 master (standing in for the DMA) that occupies every bank.
struct Hog : sc_module {
  tlm_utils::simple_initiator_socket<Hog> socket{"socket"};
  explicit Hog(sc_module_name n) : sc_module(n) {}
  // Reads `bytes` from L1 offset 0x40000 starting at absolute time `at`.
  void occupy(uint32_t bytes, sc_time at) {
    std::vector<uint8_t> buf(bytes);
    tlm::tlm_generic_payload tx;
    tx.set_command(tlm::TLM_READ_COMMAND);
    tx.set_address(0x40000);
    tx.set_data_ptr(buf.data());
    tx.set_data_length(bytes);
    tx.set_streaming_width(bytes);
    sc_time d = at - sc_time_stamp();
    socket->b_transport(tx, d);
  }
};
}  // namespace

TEST_CASE("IMA streams wait for L1 banks another master holds", "[ima][timing]") {
  // Each stream at its time: the hog books at the first stream's time, before
  // the IMA's thread reaches it (streaming ahead, the IMA would book first).
  auto cfg = Config::load("cluster-1", {"simulation.ima_lookahead_cycles=0"});
  Bench tb("tb", cfg);
  Hog hog("hog");
  hog.socket.bind(tb.l1.socket);
  const auto j = job(4, 256, 256, 1);
  const Phases p = phases(cfg, j);
  // 32 KiB over 32 banks x 4 bytes: every bank busy for 256 cycles from the
  // moment the first stream-in would start.
  const double hold = 32 * 1024 / (32 * 4);
  sc_time triggered;
  tb.body = [&] {
    triggered = tb.trigger(j);
    // Reserved before the IMA's first stream-in, at the time it would start.
    hog.occupy(32 * 1024, triggered + sc_time(p.setup, SC_NS));
    tb.wait_idle();
  };
  sc_start();
  const double got = (tb.event_time(IMA_EVENT_DONE) - triggered).to_seconds() * 1e9;
  CHECK(got == Approx(expected_cycles(p, j.jobs) + hold).epsilon(0.01));
  CHECK(tb.l1.conflict_cycles() >= hold);
}

TEST_CASE("IMA absent (a digital cluster, cluster.ima.present false): every register access is a bus error", "[ima]") {
  auto cfg = Config::load("cluster-1", {"cluster.ima.present=false"});
  Bench tb("tb", cfg);
  int failed = 0;
  tb.body = [&] {
    for (uint32_t off : {uint32_t(IMA_REG_INFO), uint32_t(IMA_REG_TRIGGER), uint32_t(IMA_REG_STATUS)}) try {
        tb.read(off);
      } catch (const std::runtime_error& e) {
        CHECK_THAT(std::string(e.what()), Catch::Contains("register access failed"));
        ++failed;
      }
  };
  sc_start();
  CHECK(failed == 3);
  CHECK(tb.ima.jobs_done() == 0);
}
