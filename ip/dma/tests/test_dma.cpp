// The DMA: 1D/2D correctness on odd sizes and alignments, status and events,
// and the time of large transfers (bandwidth, latency, outstanding bursts).
#include <catch2/catch.hpp>

#include <random>

#include "dma_bench.hpp"
#include "sim/simulation_error.hpp"

using namespace dmatest;
using vp::Config;

namespace {

Config cfg_with(std::vector<std::string> ov = {}) { return Config::load("cluster-1", ov); }

// Fills [p, p + n) with seeded random bytes.
void fill(uint8_t* p, size_t n, unsigned seed) {
  std::mt19937 g(seed);
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(g());
}

// Copies a 2D block the way the DMA should, on plain host buffers (the reference).
struct Copy {
  uint32_t dst, src, len, reps, dst_stride, src_stride;
};

}  // namespace

TEST_CASE("DMA 1D copies of odd sizes and alignments, in every direction", "[dma]") {
  auto cfg = cfg_with();
  Bench tb("tb", cfg, 100);
  const uint32_t l1_global = 0x20000000;  // cluster 0's global window: also its own L1
  const uint32_t sizes[] = {1, 3, 63, 64, 65, 1023, 1025, 4097, 10001};
  const uint32_t misalign[] = {0, 1, 3, 5, 63};
  std::vector<Copy> copies;
  uint32_t off = 0;
  for (uint32_t n : sizes)
    for (uint32_t m : misalign) {
      const uint32_t s = off + m, d = off + 16384 + (m * 7) % 64;
      copies.push_back({kFar + d, kL1 + s, n, 1, 0, 0});          // L1 -> HBM
      copies.push_back({kL1 + 0x80000 + d, kFar + s + 0x80000, n, 1, 0, 0});  // HBM -> L1
      copies.push_back({l1_global + 0x40000 + d, kL1 + s, n, 1, 0, 0});  // L1 -> L1 (global window)
      off += 32768;
      if (off + 32768 > 0x40000) off = 0;
    }
  fill(tb.l1.data(), tb.l1.size(), 1);
  fill(tb.far.mem.data(), tb.far.mem.size(), 2);
  auto host = [&](uint32_t a) { return a >= l1_global && a < l1_global + 0x100000 ? tb.l1.data() + (a - l1_global) : tb.host(a); };
  unsigned checked = 0;
  tb.body = [&] {
    for (const Copy& c : copies) {
      // Reference: the source bytes, and the bytes around the destination that must not change.
      std::vector<uint8_t> want(host(c.src), host(c.src) + c.len);
      const uint8_t before = host(c.dst)[-1], after = host(c.dst)[c.len];
      tb.start(0, c.dst, c.src, c.len);
      tb.wait_idle(0);
      INFO("dst 0x" << std::hex << c.dst << " src 0x" << c.src << std::dec << " len " << c.len);
      CHECK(std::equal(want.begin(), want.end(), host(c.dst)));
      CHECK(host(c.dst)[-1] == before);
      CHECK(host(c.dst)[c.len] == after);
      ++checked;
    }
  };
  sc_start();
  CHECK(checked == copies.size());
  CHECK(tb.dma.transfers() == copies.size());
}

TEST_CASE("DMA 2D strided copies gather and scatter rows", "[dma]") {
  auto cfg = cfg_with();
  Bench tb("tb", cfg, 100);
  fill(tb.l1.data(), tb.l1.size(), 3);
  fill(tb.far.mem.data(), tb.far.mem.size(), 4);
  const std::vector<Copy> copies = {
      {kFar + 0x1001, kL1 + 0x3, 13, 7, 16, 100},       // gather 7 rows of 13 into a 16-byte pitch
      {kL1 + 0x20005, kFar + 0x8003, 130, 9, 1000, 131},  // scatter
      {kL1 + 0x40000, kL1 + 0x50001, 2049, 3, 4096, 2049},  // L1 to L1, rows crossing bursts
      {kFar + 0x40000, kL1 + 0x60000, 64, 33, 64, 512},   // aligned beats
  };
  tb.body = [&] {
    for (const Copy& c : copies) {
      std::vector<uint8_t> want(uint64_t(c.reps) * c.len);
      for (uint32_t r = 0; r < c.reps; ++r)
        std::copy(tb.host(c.src + r * c.src_stride), tb.host(c.src + r * c.src_stride) + c.len,
                  want.begin() + r * c.len);
      tb.start(1, c.dst, c.src, c.len, c.reps, c.dst_stride, c.src_stride);
      tb.wait_idle(1);
      INFO("dst 0x" << std::hex << c.dst << " src 0x" << c.src);
      for (uint32_t r = 0; r < c.reps; ++r) {
        const uint8_t* got = tb.host(c.dst + r * c.dst_stride);
        CHECK(std::equal(got, got + c.len, want.begin() + r * c.len));
      }
    }
  };
  sc_start();
  CHECK(tb.dma.transfers() == copies.size());
}

TEST_CASE("DMA status, done count and completion events agree in time", "[dma]") {
  auto cfg = cfg_with({"cluster.dma.channels=3"});
  Bench tb("tb", cfg, 100);
  CHECK(tb.dma.channels() == 3);
  tb.body = [&] {
    CHECK((tb.read(DMA_REG_INFO) & 0xFF) == 3);
    CHECK(((tb.read(DMA_REG_INFO) >> 8) & 0xFFFF) == 64);
    tb.start(2, kFar, kL1, 4096);
    tb.start(0, kL1 + 0x10000, kFar + 0x10000, 256);
    CHECK(tb.read(DMA_REG_BUSY) == 0b101);
    tb.wait_idle(2, sc_time(1, SC_NS));
    const sc_time idle_at = sc_time_stamp();
    CHECK((tb.read(DMA_CH_BASE(2) + DMA_CH_STATUS) >> DMA_STATUS_DONE_SHIFT) == 1);
    tb.wait_idle(0, sc_time(1, SC_NS));
    CHECK(tb.read(DMA_REG_BUSY) == 0);
    REQUIRE(tb.events.size() == 2);
    CHECK(tb.events[0].first == DMA_EVENT_DONE(2));
    // The status turned idle within one poll (plus the register latency) of the event time.
    CHECK(tb.events[0].second <= idle_at);
    CHECK(idle_at - tb.events[0].second < sc_time(1 + 2 + 2, SC_NS));
    CHECK(tb.events[1].first == DMA_EVENT_DONE(0));
  };
  sc_start();
}

// Time from the start command to the completion event of one transfer.
static sc_time transfer_time(const Config& cfg, unsigned far_latency, uint32_t dst, uint32_t src, uint32_t n) {
  Bench tb("tb", cfg, far_latency);
  sc_time started;
  tb.body = [&] {
    tb.start(0, dst, src, n);
    started = sc_time_stamp();
    tb.wait_idle(0, sc_time(100, SC_NS));
  };
  sc_start();
  REQUIRE(tb.events.size() == 1);
  return tb.events[0].second - started;
}

TEST_CASE("DMA large transfer takes size / bandwidth plus latency", "[dma]") {
  auto cfg = cfg_with();  // 64 B/cycle, 1 KiB bursts, 16 outstanding, 4 setup cycles
  const unsigned latency = 100;
  const uint32_t size = 256 * 1024;
  // Expected: the setup, size / 64 B per cycle, then the far memory's latency;
  // 1 % covers the first burst's L1 read and store-and-forward.
  const double expected = 4 + size / 64.0 + latency;
  const double got_out = transfer_time(cfg, latency, kFar, kL1, size).to_seconds() * 1e9;
  CHECK(got_out == Approx(expected).epsilon(0.01));
  // Serialising every burst's latency would have cost 256 x (16 + 100) cycles: far off.
  CHECK(got_out < 0.5 * (size / 1024.0) * (16 + latency));
}

TEST_CASE("DMA large read from the far memory takes size / bandwidth plus latency", "[dma]") {
  auto cfg = cfg_with();
  const unsigned latency = 100;
  const uint32_t size = 256 * 1024;
  const double expected = 4 + size / 64.0 + latency;
  const double got = transfer_time(cfg, latency, kL1, kFar, size).to_seconds() * 1e9;
  CHECK(got == Approx(expected).epsilon(0.01));
}

TEST_CASE("DMA with one outstanding burst pays the latency on every burst", "[dma]") {
  auto cfg = cfg_with({"cluster.dma.outstanding=1"});
  const unsigned latency = 100;
  const uint32_t size = 64 * 1024, bursts = size / 1024;
  // Each 1 KiB burst: L1 read (1 + 7 cycles: 256 words over 32 banks), 16 beats, latency.
  const double expected = 4 + bursts * (8 + 16 + latency);
  const double got = transfer_time(cfg, latency, kFar, kL1, size).to_seconds() * 1e9;
  CHECK(got == Approx(expected).epsilon(0.01));
}

// Separate network read and write limits (mchan: 8 + 8). One simulation per test case.
TEST_CASE("DMA with one outstanding network write pays the latency on every write", "[dma][outstanding]") {
  const uint32_t size = 64 * 1024, bursts = size / 1024;
  // L1 -> far: each 1 KiB write (16 beats + 100 latency) waits for the previous one; the L1
  // reads (8 cycles each) are not network reads and run ahead.
  auto cfg = cfg_with({"cluster.dma.outstanding_writes=1"});
  CHECK(transfer_time(cfg, 100, kFar, kL1, size).to_seconds() * 1e9 == Approx(4 + 8 + bursts * (16 + 100)).epsilon(0.01));
}

TEST_CASE("DMA write limit leaves a transfer from the network to L1 alone", "[dma][outstanding]") {
  auto cfg = cfg_with({"cluster.dma.outstanding_writes=1"});
  const uint32_t size = 64 * 1024;
  CHECK(transfer_time(cfg, 100, kL1, kFar, size).to_seconds() * 1e9 == Approx(4 + size / 64.0 + 100).epsilon(0.01));
}

TEST_CASE("DMA with one outstanding network read pays the latency on every read", "[dma][outstanding]") {
  const uint32_t size = 64 * 1024, bursts = size / 1024;
  // far -> L1: read k starts when read k - 1 is complete; the last burst's L1 write follows.
  auto cfg = cfg_with({"cluster.dma.outstanding_reads=1"});
  CHECK(transfer_time(cfg, 100, kL1, kFar, size).to_seconds() * 1e9 == Approx(4 + bursts * (16 + 100) + 8).epsilon(0.01));
}

TEST_CASE("DMA with mchan's 8 reads in flight still streams at its bandwidth", "[dma][outstanding]") {
  // 8 x 1 KiB per 16 + 100 cycles is more than 64 bytes per cycle: the limit does not bind.
  auto cfg = cfg_with({"cluster.dma.outstanding_reads=8", "cluster.dma.outstanding_writes=8"});
  const uint32_t size = 256 * 1024;
  CHECK(transfer_time(cfg, 100, kL1, kFar, size).to_seconds() * 1e9 == Approx(4 + size / 64.0 + 100).epsilon(0.01));
}

TEST_CASE("DMA with mchan's 8 writes in flight still streams at its bandwidth", "[dma][outstanding]") {
  auto cfg = cfg_with({"cluster.dma.outstanding_reads=8", "cluster.dma.outstanding_writes=8"});
  const uint32_t size = 256 * 1024;
  CHECK(transfer_time(cfg, 100, kFar, kL1, size).to_seconds() * 1e9 == Approx(4 + size / 64.0 + 100).epsilon(0.01));
}

TEST_CASE("DMA with 2 reads in flight is bound by the latency", "[dma][outstanding]") {
  // 2 KiB per 16 + 100 cycles, below 64 bytes per cycle.
  auto cfg = cfg_with({"cluster.dma.outstanding_reads=2"});
  const uint32_t size = 256 * 1024;
  CHECK(transfer_time(cfg, 100, kL1, kFar, size).to_seconds() * 1e9 ==
        Approx(4 + (size / 2048.0) * (16 + 100) + 8).epsilon(0.02));
}

TEST_CASE("DMA to an unmapped address is a located simulation error", "[dma]") {
  auto cfg = cfg_with();
  Bench tb("tb", cfg, 100);
  tb.body = [&] {
    tb.start(3, 0x70000000, kL1 + 0x40, 128);
    tb.wait_idle(3);
  };
  try {
    sc_start();
    FAIL("no error");
  } catch (const std::exception& e) {
    const std::string m = e.what();
    INFO(m);
    CHECK(m.find("DMA channel 3") != std::string::npos);
    CHECK(m.find("write of 128 bytes at 0x70000000") != std::string::npos);
  }
}

TEST_CASE("DMA channels share the engine: two transfers overlap, bandwidth split in start order", "[dma]") {
  auto cfg = cfg_with();
  Bench tb("tb", cfg, 100);
  const uint32_t size = 128 * 1024;
  sc_time t0;
  tb.body = [&] {
    t0 = sc_time_stamp();
    tb.start(0, kFar, kL1, size);
    tb.start(1, kFar + size, kL1 + size, size);  // 7 register writes (14 cycles) later
    tb.wait_idle(0, sc_time(100, SC_NS));
    tb.wait_idle(1, sc_time(100, SC_NS));
  };
  sc_start();
  REQUIRE(tb.events.size() == 2);
  const double first = (tb.events[0].second - t0).to_seconds() * 1e9;
  const double second = (tb.events[1].second - t0).to_seconds() * 1e9;
  // Each start command follows 6 register writes (12 cycles), then 4 setup
  // cycles. The first runs as if alone; the second queues its bursts behind
  // it, so the pair ends at 2 x size / 64 + latency, not 2 x (size / 64 + latency).
  CHECK(first == Approx(4 + 12 + size / 64.0 + 100).epsilon(0.01));
  CHECK(second == Approx(4 + 12 + 2 * size / 64.0 + 100).epsilon(0.01));
}
