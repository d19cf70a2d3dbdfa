// The IMA's weight-programming path (IMA_KIND_PROGRAM): what the MVM returns
// after a program sequence, and how long programming takes, on hand-computed
// cases; the sequence ordering around it and its located errors.
#include <catch2/catch.hpp>

#include "ima_bench.hpp"

using namespace imatest;
using vp::Config;

namespace {

double ns(sc_time t) { return t.to_seconds() * 1e9; }

int32_t word(const vp::Tcdm& l1, uint32_t off) {
  const uint8_t* p = l1.data() + off;
  return int32_t(uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24);
}

// A program sequence of the rows x cols block at L1 offset `src`, row stride `stride`.
JobRegs program(uint32_t src, uint32_t stride, uint32_t row0, uint32_t rows, uint32_t col0, uint32_t cols) {
  JobRegs j;
  j.kind = IMA_KIND_PROGRAM;
  j.src = kL1 + src;
  j.src_stride = stride;
  j.row0 = row0;
  j.rows = rows;
  j.col0 = col0;
  j.cols = cols;
  return j;
}

// One MVM job of a 4-vector at L1 0x0 over the whole 4 x 4 crossbar, int32 outputs at `dst`.
JobRegs mvm4(uint32_t dst) {
  JobRegs j;
  j.src = kL1;
  j.dst = kL1 + dst;
  j.rows = 4;
  j.cols = 4;
  j.out_size = 4;
  return j;
}

}  // namespace

TEST_CASE("IMA program sequence: the MVM after it computes on the new weights", "[ima][program]") {
  auto cfg = Config::load("cluster-1", {"cluster.ima.rows=4", "cluster.ima.cols=4", "cluster.ima.adc_bits=32",
                                        "cluster.ima.program_row_ns=100", "cluster.ima.program_setup_ns=50"});
  Bench tb("tb", cfg);
  // Before: the identity. x = (1, 2, 3, 4), so the first MVM returns x.
  const int8_t eye[16] = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
  tb.ima.load_weights(0, 0, 4, 4, eye);
  const int8_t x[4] = {1, 2, 3, 4};
  tb.l1.write(0, x, 4);
  // New weights for rows 1..2, columns 1..3, 3 bytes a row 8 bytes apart in L1 (the stride is honoured):
  //   row 1: 10 20 30    row 2: -1 -2 -3
  const int8_t block[16] = {10, 20, 30, 99, 99, 99, 99, 99, -1, -2, -3, 99, 99, 99, 99, 99};
  tb.l1.write(0x100, block, sizeof block);
  uint32_t done = 0;
  tb.body = [&] {
    tb.trigger(mvm4(0x200));                    // on the identity
    tb.trigger(program(0x100, 8, 1, 2, 1, 3));  // queued behind it
    tb.trigger(mvm4(0x300));                    // queued behind the program
    tb.wait_idle();
    done = tb.read(IMA_REG_STATUS) >> IMA_STATUS_DONE_SHIFT;
  };
  sc_start();
  CHECK(done == 3);
  for (unsigned c = 0; c < 4; ++c) CHECK(word(tb.l1, 0x200 + 4 * c) == x[c]);
  // Crossbar after:  row0 1 0 0 0 / row1 0 10 20 30 / row2 0 -1 -2 -3 / row3 0 0 0 1
  // y_c = sum_r w[r][c] x_r:  y0 = 1; y1 = 2*10 + 3*-1 = 17; y2 = 2*20 + 3*-2 = 34; y3 = 2*30 + 3*-3 + 4 = 55.
  CHECK(word(tb.l1, 0x300) == 1);
  CHECK(word(tb.l1, 0x304) == 17);
  CHECK(word(tb.l1, 0x308) == 34);
  CHECK(word(tb.l1, 0x30C) == 55);
  CHECK(tb.ima.programs_done() == 1);
  CHECK(tb.ima.cells_programmed() == 6);
  CHECK(tb.ima.jobs_done() == 2);  // a program sequence is no MVM job
  // The program sequence took its setup plus a row write per row (the 3-byte rows stream in 1 cycle each,
  // the second while the first is written): 50 + 1 + 2 x 100 = 251 ns.
  CHECK(ns(tb.ima.program_time()) == Approx(251));
  // Order: the first MVM is out, then the program runs, then the second MVM computes (DONE times).
  const sc_time d0 = tb.event_time(IMA_EVENT_DONE, 0), d1 = tb.event_time(IMA_EVENT_DONE, 1),
                d2 = tb.event_time(IMA_EVENT_DONE, 2);
  CHECK(ns(d1 - d0) == Approx(251));
  CHECK(ns(d2 - d1) >= cfg.get_float("cluster.ima.mvm_ns"));
  // READY (its weights read from L1) precedes the program's DONE.
  CHECK(tb.event_time(IMA_EVENT_READY, 1) < d1);
}

namespace {

// Cycles from the trigger of one program sequence of a rows x cols block to its DONE.
double program_cycles(const Config& cfg, uint32_t rows, uint32_t cols) {
  Bench tb("tb", cfg);
  sc_time t0;
  tb.body = [&] {
    t0 = tb.trigger(program(0, cols, 0, rows, 0, cols));
    tb.wait_idle();
  };
  sc_start();
  REQUIRE(tb.ima.programs_done() == 1);
  REQUIRE(tb.ima.cells_programmed() == uint64_t(rows) * cols);
  return ns(tb.event_time(IMA_EVENT_DONE) - t0) * cfg.get_float("clock_hz") / 1e9;
}

}  // namespace

// cluster-1: 1 GHz, 256 x 256, trigger setup 4 cycles, L1 latency 1 cycle. One simulation a test case.
TEST_CASE("IMA program time row-write bound (PCM): setup + first row in + rows x program_row", "[ima][program]") {
  auto pcm = Config::load("cluster-1", {"cluster.ima.program_row_ns=1000", "cluster.ima.program_setup_ns=500"});
  REQUIRE(pcm.get_float("clock_hz") == 1e9);
  // 16 ports x 4 B: a 256-byte row streams in 4 cycles; then 256 writes of 1 us back to back:
  // 4 (trigger setup) + 500 + 4 (first row in) + 256 x 1000.
  CHECK(program_cycles(pcm, 256, 256) == Approx(4 + 500 + 4 + 256 * 1000));
}

TEST_CASE("IMA program time stream bound (SRAM): setup + rows x row stream + last write", "[ima][program]") {
  // One port of 4 B: a row streams in 64 cycles, the writes of 1 ns hide behind the next row's stream:
  // 4 + 256 x 64 + 1.
  auto sram = Config::load("cluster-1", {"cluster.ima.program_row_ns=1", "cluster.ima.streamer_ports=1"});
  CHECK(program_cycles(sram, 256, 256) == Approx(4 + 256 * 64 + 1));
}

TEST_CASE("IMA program sequence error: unknown JOB_KIND", "[ima][program]") {
  JobRegs j = program(0, 256, 0, 4, 0, 4);
  j.kind = 7;
  CHECK_THAT(error_of(j), Catch::Contains("cluster 0 IMA: trigger with JOB_KIND 7"));
}

TEST_CASE("IMA program sequence error: JOBS other than 1", "[ima][program]") {
  JobRegs j = program(0, 256, 0, 4, 0, 4);
  j.jobs = 2;
  CHECK_THAT(error_of(j), Catch::Contains("JOB_KIND PROGRAM with JOBS 2"));
}

TEST_CASE("IMA program sequence error: rows outside the crossbar", "[ima][program]") {
  CHECK_THAT(error_of(program(0, 256, 250, 8, 0, 4)), Catch::Contains("ROW_OFFSET 250 + ROWS 8 outside"));
}

TEST_CASE("IMA program sequence error: a weight row outside L1", "[ima][program]") {
  // Rows 128 MiB apart: row 0 is in cluster-1's 64 MiB L1, row 1 is not.
  CHECK_THAT(error_of(program(0, 128u << 20, 0, 4, 0, 256)),
             Catch::Contains("cluster 0 IMA: job 1 program weights") && Catch::Contains("outside the cluster's L1"));
}
