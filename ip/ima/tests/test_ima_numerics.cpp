// The IMA's results: random weights and inputs, partial rows and columns,
// gathered inputs, ADC shift and saturation, compared with a reference MVM
// written here independently of ima_numerics.h.
#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <random>
#include <thread>

#include "ima_bench.hpp"
#include "sim/simulation_error.hpp"
#include "sim/worker_pool.hpp"

using namespace imatest;
using vp::Config;

namespace {

Config cfg_with(std::vector<std::string> ov = {}) { return Config::load("cluster-1", ov); }

int64_t clamp_bits(int64_t v, unsigned bits) {
  const int64_t hi = (int64_t(1) << (bits - 1)) - 1, lo = -(int64_t(1) << (bits - 1));
  return std::min(hi, std::max(lo, v));
}

// floor((acc + 2^(s-1)) / 2^s), by division so it does not share the model's shift.
int64_t round_shift(int64_t acc, unsigned s) {
  if (s == 0) return acc;
  const int64_t d = int64_t(1) << s, x = acc + d / 2;
  return x >= 0 ? x / d : -((-x + d - 1) / d);
}

struct Numerics {
  unsigned dac_bits = 8, adc_bits = 8, adc_shift = 0;
};

// Expected output j of one job (element saturated to out_size bytes).
int64_t reference(const std::vector<int8_t>& w, unsigned cols_total, const JobRegs& j, const int8_t* in,
                  unsigned col, const Numerics& n) {
  int64_t acc = 0;
  for (unsigned r = 0; r < j.rows; ++r) {
    int64_t x = in[r];
    if (n.dac_bits < 8) x = clamp_bits(x, n.dac_bits);
    acc += int64_t(w[size_t(j.row0 + r) * cols_total + j.col0 + col]) * x;
  }
  const int64_t y = clamp_bits(round_shift(acc, n.adc_shift), n.adc_bits);
  return clamp_bits(y, 8 * j.out_size);
}

int64_t load_elem(const uint8_t* p, unsigned size) {
  if (size == 1) return int8_t(p[0]);
  if (size == 2) return int16_t(uint16_t(p[0] | p[1] << 8));
  return int32_t(uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24);
}

std::vector<int8_t> random_bytes(size_t n, unsigned seed, int lo = -128, int hi = 127) {
  std::mt19937 g(seed);
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(d(g));
  return v;
}

// Runs one job sequence on random weights and inputs and checks every output.
// Inputs of job k start at src + k * src_stride (gathered per block_len when set).
// With a pool, the MVMs run on its threads (Ima::set_pool); `defer`: the
// outputs go to L1 as deferred writes, landed when the check reads them.
void check_sequence(const std::vector<std::string>& ov, JobRegs j, const Numerics& n, unsigned seed,
                    vp::WorkerPool* pool = nullptr, bool defer = false) {
  auto cfg = cfg_with(ov);
  Bench tb("tb", cfg);
  tb.ima.set_pool(pool, defer);
  const unsigned R = tb.ima.rows(), C = tb.ima.cols();
  const auto w = random_bytes(size_t(R) * C, seed);
  tb.ima.load_weights(0, 0, R, C, w.data());
  const auto l1_init = random_bytes(256 * 1024, seed + 1);
  tb.l1.write(0, l1_init.data(), l1_init.size());
  tb.body = [&] {
    tb.trigger(j);
    tb.wait_idle();
  };
  sc_start();
  REQUIRE(tb.ima.jobs_done() == j.jobs);
  if (defer) CHECK(tb.l1.deferred() > 0);  // nothing touched the outputs yet
  const uint32_t blk = j.block_len ? j.block_len : j.rows;
  unsigned mismatches = 0;
  for (unsigned k = 0; k < j.jobs; ++k) {
    std::vector<int8_t> in(j.rows);
    for (unsigned r = 0; r < j.rows; ++r) {
      // Row r is byte (offset + r) of the blocks counted from the first block's start.
      const uint32_t off = j.block_len ? j.block_offset : 0, g = off + r;
      in[r] = l1_init[j.src - kL1 - off + k * j.src_stride + (g / blk) * j.block_stride + g % blk];
    }
    for (unsigned c = 0; c < j.cols; ++c) {
      const uint8_t* out = tb.l1.data() + (j.dst - kL1) + k * j.dst_stride + c * j.out_size;
      const int64_t want = reference(w, C, j, in.data(), c, n);
      if (load_elem(out, j.out_size) != want && ++mismatches <= 5)
        FAIL_CHECK("job " << k << " col " << c << ": got " << load_elem(out, j.out_size) << " want " << want);
    }
  }
  CHECK(mismatches == 0);
}

}  // namespace

TEST_CASE("IMA full crossbar, exact 32-bit outputs match the reference MVM", "[ima]") {
  JobRegs j;
  j.src = kL1 + 0x100;
  j.src_stride = 256;
  j.dst = kL1 + 0x10000;
  j.dst_stride = 1024;
  j.jobs = 8;
  j.out_size = 4;
  check_sequence({"cluster.ima.adc_bits=32"}, j, {8, 32, 0}, 11);
}

// 64 jobs on a pool of 3 workers (tests/parallel runs both cases by name, label `threads`).
static void check_on_pool(bool defer) {
  vp::WorkerPool pool(3);
  JobRegs j;
  j.src = kL1 + 0x100;
  j.src_stride = 256;
  j.dst = kL1 + 0x10000;
  j.dst_stride = 1024;
  j.jobs = 64;
  j.out_size = 4;
  check_sequence({"cluster.ima.adc_bits=32"}, j, {8, 32, 0}, 12, &pool, defer);
}

TEST_CASE("IMA MVMs on a worker pool give the reference outputs", "[ima]") { check_on_pool(false); }

TEST_CASE("IMA MVMs on a worker pool with outputs landed late in L1 give the reference outputs", "[ima]") {
  check_on_pool(true);
}

TEST_CASE("IMA partial rows and columns with odd offsets, shift override and 16-bit outputs", "[ima]") {
  JobRegs j;
  j.src = kL1 + 0x203;  // unaligned input
  j.src_stride = 101;
  j.dst = kL1 + 0x20002;
  j.dst_stride = 200;
  j.row0 = 17;
  j.rows = 100;
  j.col0 = 33;
  j.cols = 77;
  j.jobs = 5;
  j.out_size = 2;
  j.adc_shift = 6;
  j.override_shift = true;
  check_sequence({"cluster.ima.adc_bits=12", "cluster.ima.dac_bits=6", "cluster.ima.adc_shift=3"}, j, {6, 12, 6}, 12);
}

TEST_CASE("IMA platform ADC shift applies without the override", "[ima]") {
  JobRegs j;
  j.src = kL1;
  j.dst = kL1 + 0x8000;
  j.rows = 64;
  j.cols = 256;
  j.jobs = 3;
  j.src_stride = 64;
  j.dst_stride = 256;
  check_sequence({"cluster.ima.adc_shift=9"}, j, {8, 8, 9}, 13);
}

TEST_CASE("IMA random sums saturate to adc_bits as the reference does", "[ima]") {
  JobRegs j;
  j.src = kL1;
  j.dst = kL1 + 0x4000;
  j.jobs = 2;
  j.src_stride = 256;
  j.dst_stride = 512;
  j.out_size = 2;
  check_sequence({"cluster.ima.adc_bits=10", "cluster.ima.adc_shift=4"}, j, {8, 10, 4}, 14);
}

TEST_CASE("IMA ADC saturates to adc_bits and to the output element", "[ima]") {
  // adc_bits 10: the extreme sums saturate to +-511; 1-byte outputs clip again to int8.
  auto cfg = cfg_with({"cluster.ima.adc_bits=10"});
  Bench tb("tb", cfg);
  std::vector<int8_t> w(256 * 256, 127);
  for (unsigned r = 0; r < 256; ++r) w[r * 256 + 1] = -128;
  tb.ima.load_weights(0, 0, 256, 256, w.data());
  std::vector<int8_t> x(256, 127);
  tb.l1.write(0, x.data(), x.size());
  JobRegs s;
  s.src = kL1;
  s.dst = kL1 + 0x1000;
  s.cols = 2;
  s.out_size = 2;
  JobRegs b = s;
  b.dst = kL1 + 0x2000;
  b.out_size = 1;
  tb.body = [&] {
    tb.trigger(s);
    tb.trigger(b);
    tb.wait_idle();
  };
  sc_start();
  CHECK(load_elem(tb.l1.data() + 0x1000, 2) == 511);
  CHECK(load_elem(tb.l1.data() + 0x1002, 2) == -512);
  CHECK(load_elem(tb.l1.data() + 0x2000, 1) == 127);
  CHECK(load_elem(tb.l1.data() + 0x2001, 1) == -128);
}

TEST_CASE("IMA gathers an input vector from strided blocks (im2col patch)", "[ima]") {
  // A 3x3 patch of 16 channels in an HWC map 20 pixels wide: 3 blocks of 48 bytes, 320 apart.
  JobRegs j;
  j.src = kL1 + 0x400;
  j.src_stride = 16;  // next output pixel: one pixel to the right
  j.block_len = 48;
  j.block_stride = 320;
  j.rows = 144;
  j.cols = 64;
  j.dst = kL1 + 0x30000;
  j.dst_stride = 64;
  j.jobs = 6;
  check_sequence({"cluster.ima.adc_shift=7"}, j, {8, 8, 7}, 15);
}

TEST_CASE("IMA gathers a vector that starts inside its first block (a row-split crossbar chunk)", "[ima]") {
  // 3x3 patches of 128 channels (blocks of 384 bytes, 2560 apart); the crossbar
  // holds patch rows [256, 512): 128 bytes of kernel row 0, then 128 of row 1.
  JobRegs j;
  j.block_len = 384;
  j.block_stride = 2560;
  j.block_offset = 256;
  j.src = kL1 + 0x400 + 256;
  j.src_stride = 128;
  j.rows = 256;
  j.cols = 32;
  j.dst = kL1 + 0x30000;
  j.dst_stride = 128;
  j.jobs = 5;
  check_sequence({"cluster.ima.adc_shift=7"}, j, {8, 8, 7}, 16);
}

TEST_CASE("IMA weights programmed through registers read back and compute", "[ima]") {
  auto cfg = cfg_with({"cluster.ima.rows=8", "cluster.ima.cols=8", "cluster.ima.adc_bits=32"});
  Bench tb("tb", cfg);
  const auto w = random_bytes(64, 21);
  const int8_t x[8] = {1, -2, 3, -4, 5, -6, 7, -8};
  tb.l1.write(0, x, 8);
  uint32_t info = 0, back = 0;
  tb.body = [&] {
    info = tb.read(IMA_REG_INFO);
    tb.write(IMA_REG_WGT_INDEX, 0);
    for (unsigned i = 0; i < 64; i += 4)
      tb.write(IMA_REG_WGT_DATA, uint32_t(uint8_t(w[i])) | uint32_t(uint8_t(w[i + 1])) << 8 |
                                     uint32_t(uint8_t(w[i + 2])) << 16 | uint32_t(uint8_t(w[i + 3])) << 24);
    tb.write(IMA_REG_WGT_INDEX, 12);
    back = tb.read(IMA_REG_WGT_DATA);
    JobRegs j;
    j.src = kL1;
    j.dst = kL1 + 0x100;
    j.rows = 8;
    j.cols = 8;
    j.out_size = 4;
    tb.trigger(j);
    tb.wait_idle();
  };
  sc_start();
  CHECK(info == (8u | 8u << 16));
  CHECK(back == (uint32_t(uint8_t(w[12])) | uint32_t(uint8_t(w[13])) << 8 | uint32_t(uint8_t(w[14])) << 16 |
                 uint32_t(uint8_t(w[15])) << 24));
  for (unsigned c = 0; c < 8; ++c) {
    int64_t acc = 0;
    for (unsigned r = 0; r < 8; ++r) acc += int64_t(w[r * 8 + c]) * x[r];
    CHECK(load_elem(tb.l1.data() + 0x100 + 4 * c, 4) == acc);
  }
}

static JobRegs plain_job() {
  JobRegs j;
  j.src = kL1;
  j.dst = kL1 + 0x1000;
  return j;
}

TEST_CASE("IMA rows beyond the crossbar are a located firmware error", "[ima]") {
  JobRegs j = plain_job();
  j.row0 = 200;
  j.rows = 100;
  CHECK_THAT(error_of(j), Catch::Contains("IMA: trigger with ROW_OFFSET 200 + ROWS 100 outside the crossbar's 256 rows"));
}

TEST_CASE("IMA block offset outside the block is a located firmware error", "[ima]") {
  JobRegs j = plain_job();
  j.block_len = 48;
  j.block_stride = 320;
  j.block_offset = 48;
  CHECK_THAT(error_of(j), Catch::Contains("IN_BLOCK_OFFSET 48 not inside IN_BLOCK_LEN 48"));
}

TEST_CASE("IMA output element size other than 1, 2, 4 is a located firmware error", "[ima]") {
  JobRegs j = plain_job();
  j.out_size = 3;
  CHECK_THAT(error_of(j), Catch::Contains("OUT_SIZE 3 (must be 1, 2 or 4)"));
}

TEST_CASE("IMA sequence of zero jobs is a located firmware error", "[ima]") {
  JobRegs j = plain_job();
  j.jobs = 0;
  CHECK_THAT(error_of(j), Catch::Contains("IMA: trigger with JOBS 0"));
}

TEST_CASE("IMA output outside the L1 is a located firmware error", "[ima]") {
  JobRegs j = plain_job();
  j.dst = 0x40000000;
  CHECK_THAT(error_of(j), Catch::Contains("IMA: job 0 output [0x40000000, 0x40000100) is outside the cluster's L1"));
}

// Another L1 master (a DMA refilling a buffer early) writes over the inputs of
// jobs streamed in but maybe not yet computed: with the MVMs on a pool and
// their inputs copied by the MVM tasks (deferred reads), every job still sees
// its input as it was when it streamed in, as inline. `blocked`: the pool's
// only worker is held busy, so no task runs on its own and every such write
// finds its job's copy not made and makes it first (the L1's hazard path).
// tests/parallel runs it by name (label `threads`).
TEST_CASE("IMA MVMs on a worker pool read their inputs late, as they were when streamed in", "[ima]") {
  auto cfg = cfg_with({"cluster.ima.adc_bits=32"});
  JobRegs j;
  j.src = kL1 + 0x100;
  j.src_stride = 512;
  j.block_len = 96;  // gathered: pieces of 79, 96 and 81 bytes, 128 apart
  j.block_stride = 128;
  j.block_offset = 17;
  j.dst = kL1 + 0x10000;
  j.dst_stride = 1024;
  j.jobs = 32;
  j.out_size = 4;
  vp::WorkerPool blocked(2), free(3);
  std::atomic<bool> release{false};
  blocked.post(vp::make_task([&release] {
    while (!release.load()) std::this_thread::yield();
  }));
  struct Run {
    std::unique_ptr<Bench> tb;
    std::vector<uint8_t> mem;
    bool saw_deferred = false;
  } runs[3];
  vp::WorkerPool* pools[3] = {nullptr, &blocked, &free};
  const char* names[3] = {"inline", "blocked", "free"};
  const auto w = random_bytes(256 * 256, 21);
  const auto l1_init = random_bytes(256 * 1024, 22);
  for (int m = 0; m < 3; ++m) {
    Run& r = runs[m];
    r.tb = std::make_unique<Bench>(names[m], cfg);
    Bench& tb = *r.tb;
    tb.ima.set_pool(pools[m], /*l1_defers=*/true);
    tb.ima.load_weights(0, 0, 256, 256, w.data());
    tb.l1.write(0, l1_init.data(), l1_init.size());
    tb.body = [&tb = *r.tb, &r = runs[m], j] {  // the objects, not the loop's references
      tb.trigger(j);
      std::vector<uint8_t> pattern(48);
      for (unsigned k = 0; k < 600; ++k) {
        // Half a nanosecond off the IMA's times: the benches' processes do
        // not meet at one time, where their order would decide, not the pool.
        wait(sc_time(100.5 + 7.0 * k, SC_NS) - sc_time_stamp());
        r.saw_deferred |= tb.l1.deferred_reads() > 0;
        for (size_t i = 0; i < pattern.size(); ++i) pattern[i] = uint8_t(k * 31 + i);
        tlm::tlm_generic_payload tx;
        tx.set_command(tlm::TLM_WRITE_COMMAND);
        tx.set_address(0x100 + (k * 97) % (32 * 512));  // somewhere among the inputs
        tx.set_data_ptr(pattern.data());
        tx.set_data_length(uint32_t(pattern.size()));
        tx.set_streaming_width(uint32_t(pattern.size()));
        sc_time d = SC_ZERO_TIME;
        tb.other->b_transport(tx, d);
        REQUIRE(tx.is_response_ok());
      }
      tb.wait_idle();
    };
  }
  sc_start();
  release = true;
  for (Run& r : runs) {
    REQUIRE(r.tb->ima.jobs_done() == j.jobs);
    r.mem.assign(r.tb->l1.data(), r.tb->l1.data() + 0x20000);
  }
  CHECK(runs[1].saw_deferred);
  CHECK(runs[2].saw_deferred);
  CHECK(!runs[0].saw_deferred);
  CHECK(runs[0].mem == runs[1].mem);
  CHECK(runs[0].mem == runs[2].mem);
}
