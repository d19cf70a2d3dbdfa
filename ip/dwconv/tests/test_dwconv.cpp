// The depthwise-convolution accelerator: hand-computed cases, random layers
// against a reference written here (not dwconv_numerics.h), timing against
// the closed formula from the YAML parameters, located errors.
#include <catch2/catch.hpp>

#include <random>

#include <tlm_utils/simple_initiator_socket.h>

#include "dwconv/dwconv.hpp"
#include "dwconv_regs.h"
#include "params/ip_params.hpp"
#include "register_access.hpp"
#include "tcdm/tcdm.hpp"

using namespace sc_core;
using vp::Config;

namespace {

constexpr uint32_t kL1 = 0x10000000;

struct Conv {
  uint32_t h = 4, w = 4, c = 2, k = 3, stride = 1, pt = 1, pl = 1, pb = 1, pr = 1;
  uint32_t ips = 0, ops = 0;  // 0: CHANNELS
  int lo = -128, hi = 127;
  uint32_t in = kL1, out = kL1 + 0x40000, wgt = kL1 + 0x80000, quant = kL1 + 0x90000;
  uint32_t oh() const { return (h + pt + pb - k) / stride + 1; }
  uint32_t ow() const { return (w + pl + pr - k) / stride + 1; }
  uint32_t in_pix() const { return ips ? ips : c; }
  uint32_t out_pix() const { return ops ? ops : c; }
};

struct Bench : sc_module {
  vp::Tcdm l1;
  vp::Dwconv dw;
  tlm_utils::simple_initiator_socket<Bench> master;
  std::function<void()> body;
  std::vector<sc_time> done;
  SC_HAS_PROCESS(Bench);
  Bench(sc_module_name n, const Config& cfg)
      : sc_module(n), l1("l1", vp::bind_tcdm(cfg)), dw("dw", vp::bind_dwconv(cfg, 0)), master("master") {
    dw.l1.bind(l1.socket);
    master.bind(dw.regs);
    dw.set_event_callback([this](unsigned, sc_time at) { done.push_back(at); });
    SC_THREAD(run);
  }
  void run() { body(); }
  void write(uint32_t off, uint32_t v) { vp::test::register_access(master, tlm::TLM_WRITE_COMMAND, off, v); }
  uint32_t read(uint32_t off) { return vp::test::register_access(master, tlm::TLM_READ_COMMAND, off); }
  uint8_t* at(uint32_t addr) { return l1.data() + (addr - kL1); }

  sc_time trigger(const Conv& v) {
    write(DWCONV_REG_IN_ADDR, v.in);
    write(DWCONV_REG_OUT_ADDR, v.out);
    write(DWCONV_REG_WGT_ADDR, v.wgt);
    write(DWCONV_REG_QUANT_ADDR, v.quant);
    write(DWCONV_REG_IN_H, v.h);
    write(DWCONV_REG_IN_W, v.w);
    write(DWCONV_REG_CHANNELS, v.c);
    write(DWCONV_REG_KERNEL, v.k);
    write(DWCONV_REG_STRIDE, v.stride);
    write(DWCONV_REG_PAD, v.pt | v.pl << 8 | v.pb << 16 | v.pr << 24);
    write(DWCONV_REG_CLIP, uint32_t(uint8_t(v.lo)) | uint32_t(uint8_t(v.hi)) << 8);
    write(DWCONV_REG_IN_PIX_STRIDE, v.ips);
    write(DWCONV_REG_OUT_PIX_STRIDE, v.ops);
    const sc_time t = sc_time_stamp();
    write(DWCONV_REG_TRIGGER, 1);
    return t;
  }
  void wait_idle() {
    while (read(DWCONV_REG_STATUS) & DWCONV_STATUS_BUSY) wait(sc_time(20, SC_NS));
  }
};

Config cfg_with(std::vector<std::string> ov = {}) {
  ov.push_back("cluster.dwconv.present=true");
  return Config::load("cluster-1", ov);
}

struct Layer {
  std::vector<int8_t> x, w;  // x: h x w x c (dense), w: k x k x c
  std::vector<int32_t> bias, mult, shift;
};

// Places the layer in L1 as the register map describes it.
void place(Bench& tb, const Conv& v, const Layer& l) {
  for (uint32_t p = 0; p < v.h * v.w; ++p)
    for (uint32_t c = 0; c < v.c; ++c) *(int8_t*)tb.at(v.in + p * v.in_pix() + c) = l.x[p * v.c + c];
  std::copy(l.w.begin(), l.w.end(), (int8_t*)tb.at(v.wgt));
  for (uint32_t c = 0; c < v.c; ++c) {
    int32_t* q = (int32_t*)tb.at(v.quant + 12 * c);
    q[0] = l.bias[c], q[1] = l.mult[c], q[2] = l.shift[c];
  }
}

// floor((v + 2^(s-1)) / 2^s) by division, independent of the shared numerics.
int64_t round_div(int64_t v, unsigned s) {
  if (s == 0) return v;
  const int64_t d = int64_t(1) << s, x = v + d / 2;
  return x >= 0 ? x / d : -((-x + d - 1) / d);
}

int8_t reference(const Conv& v, const Layer& l, uint32_t oy, uint32_t ox, uint32_t c) {
  int64_t acc = 0;
  for (uint32_t ky = 0; ky < v.k; ++ky)
    for (uint32_t kx = 0; kx < v.k; ++kx) {
      const int64_t iy = int64_t(oy * v.stride + ky) - v.pt, ix = int64_t(ox * v.stride + kx) - v.pl;
      if (iy < 0 || ix < 0 || iy >= v.h || ix >= v.w) continue;
      acc += int64_t(l.w[(ky * v.k + kx) * v.c + c]) * l.x[(iy * v.w + ix) * v.c + c];
    }
  int64_t s = std::max<int64_t>(INT32_MIN, std::min<int64_t>(INT32_MAX, acc + l.bias[c]));
  int64_t y = round_div(s * l.mult[c], unsigned(l.shift[c]));
  return int8_t(std::max<int64_t>(v.lo, std::min<int64_t>(v.hi, y)));
}

// Runs one convolution; returns the outputs (oh x ow x c) and the cycles from trigger to DONE.
std::vector<int8_t> run(const Config& cfg, const Conv& v, const Layer& l, double* cycles = nullptr) {
  Bench tb("tb", cfg);
  sc_time t0;
  place(tb, v, l);
  tb.body = [&] {
    t0 = tb.trigger(v);
    tb.wait_idle();
  };
  sc_start();
  REQUIRE(tb.done.size() == 1);
  REQUIRE(tb.dw.convolutions_done() == 1);
  if (cycles) *cycles = (tb.done[0] - t0).to_seconds() * cfg.get_float("clock_hz");
  std::vector<int8_t> y;
  for (uint32_t p = 0; p < v.oh() * v.ow(); ++p)
    for (uint32_t c = 0; c < v.c; ++c) y.push_back(*(int8_t*)tb.at(v.out + p * v.out_pix() + c));
  return y;
}

Layer random_layer(const Conv& v, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> b8(-128, 127), bias(-3000, 3000), mult(1, 1 << 14), shift(10, 20);
  Layer l;
  for (uint32_t i = 0; i < v.h * v.w * v.c; ++i) l.x.push_back(int8_t(b8(rng)));
  for (uint32_t i = 0; i < v.k * v.k * v.c; ++i) l.w.push_back(int8_t(b8(rng)));
  for (uint32_t c = 0; c < v.c; ++c) l.bias.push_back(bias(rng)), l.mult.push_back(mult(rng)), l.shift.push_back(shift(rng));
  return l;
}

// Runs several convolutions one after the other in one simulation (SystemC
// elaborates once per process), each in its own 64 KiB of L1, and compares
// every output with the reference.
void check_against_reference(const Config& cfg, std::vector<Conv> convs) {
  Bench tb("tb", cfg);
  std::vector<Layer> layers;
  for (size_t i = 0; i < convs.size(); ++i) {
    Conv& v = convs[i];
    const uint32_t base = kL1 + uint32_t(i) * 0x10000;
    v.in += base - kL1, v.out += base - kL1 - 0x40000 + 0x4000, v.wgt = base + 0x8000, v.quant = base + 0xC000;
    layers.push_back(random_layer(v, unsigned(i) + 1));
    place(tb, v, layers.back());
  }
  tb.body = [&] {
    for (const Conv& v : convs) {
      tb.trigger(v);
      tb.wait_idle();
    }
  };
  sc_start();
  CHECK(tb.dw.convolutions_done() == convs.size());
  for (size_t i = 0; i < convs.size(); ++i) {
    const Conv& v = convs[i];
    unsigned bad = 0;
    for (uint32_t oy = 0; oy < v.oh(); ++oy)
      for (uint32_t ox = 0; ox < v.ow(); ++ox)
        for (uint32_t c = 0; c < v.c; ++c) {
          const int got = *(int8_t*)tb.at(v.out + (oy * v.ow() + ox) * v.out_pix() + c);
          const int want = reference(v, layers[i], oy, ox, c);
          if (got != want && ++bad <= 5)
            FAIL_CHECK("conv " << i << " (" << oy << ", " << ox << ", " << c << "): " << got << " != " << want);
        }
    CHECK(bad == 0);
  }
}

}  // namespace

TEST_CASE("dwconv 3x3, padding 1: hand-computed outputs", "[dwconv]") {
  // Channel 0: x = 1..16 row-major, all-ones filter: window sums.
  // Channel 1: x = -1 everywhere, filter 2 at the centre only: -2 everywhere,
  // then bias 5, mult 3, shift 1: (-2 + 5) * 3 / 2 = 4.5 -> 5 (half up).
  Conv v;
  Layer l;
  for (int p = 0; p < 16; ++p) l.x.push_back(int8_t(p + 1)), l.x.push_back(-1);
  for (int t = 0; t < 9; ++t) l.w.push_back(1), l.w.push_back(t == 4 ? 2 : 0);
  l.bias = {0, 5};
  l.mult = {1, 3};
  l.shift = {0, 1};
  const auto y = run(cfg_with(), v, l);
  auto ch0 = [&](int oy, int ox) { return int(y[(oy * 4 + ox) * 2]); };
  CHECK(ch0(0, 0) == 1 + 2 + 5 + 6);
  CHECK(ch0(0, 1) == 1 + 2 + 3 + 5 + 6 + 7);
  CHECK(ch0(1, 1) == 1 + 2 + 3 + 5 + 6 + 7 + 9 + 10 + 11);
  CHECK(ch0(3, 3) == 11 + 12 + 15 + 16);
  CHECK(ch0(2, 3) == 7 + 8 + 11 + 12 + 15 + 16);
  for (int p = 0; p < 16; ++p) CHECK(int(y[p * 2 + 1]) == 5);
}

TEST_CASE("dwconv stride 2, no padding, ReLU6-style clamp: hand-computed outputs", "[dwconv]") {
  // 5x5 input, one channel, x = 10 * row + col; filter: +1 at (0,0), -1 at (2,2).
  // out(oy, ox) = x(2oy, 2ox) - x(2oy+2, 2ox+2) = -22; bias 30 -> 8; mult 1, shift 0.
  // Clamp [0, 6]: 6. A second channel with filter (2,2) = 1 only and bias -100: clamp to 0.
  Conv v;
  v.h = v.w = 5, v.c = 2, v.stride = 2, v.pt = v.pl = v.pb = v.pr = 0, v.lo = 0, v.hi = 6;
  Layer l;
  for (int p = 0; p < 25; ++p) l.x.push_back(int8_t(10 * (p / 5) + p % 5)), l.x.push_back(int8_t(p));
  for (int t = 0; t < 9; ++t) l.w.push_back(t == 0 ? 1 : t == 8 ? -1 : 0), l.w.push_back(t == 8 ? 1 : 0);
  l.bias = {30, -100};
  l.mult = {1, 1};
  l.shift = {0, 0};
  const auto y = run(cfg_with(), v, l);
  REQUIRE(y.size() == 2 * 2 * 2);
  for (int p = 0; p < 4; ++p) {
    CHECK(int(y[2 * p]) == 6);
    CHECK(int(y[2 * p + 1]) == 0);
  }
}

TEST_CASE("dwconv random layers match the reference: channel groups, strides, kernels, slices", "[dwconv]") {
  Conv a;  // 40 channels over 16 lanes: groups of 16, 16, 8
  a.h = 9, a.w = 7, a.c = 40;
  Conv b;  // stride 2, asymmetric padding (TF "same" at stride 2)
  b.h = b.w = 12, b.c = 24, b.stride = 2, b.pt = b.pl = 0, b.pb = b.pr = 1, b.lo = 0, b.hi = 40;
  Conv c;  // 5x5 kernel over 2 cycles per pixel, pad 2
  c.h = 6, c.w = 10, c.c = 17, c.k = 5, c.pt = c.pl = c.pb = c.pr = 2;
  Conv d;  // a slice of 20 channels out of a 48-channel map, written into a 64-channel map
  d.h = d.w = 6, d.c = 20, d.ips = 48, d.ops = 64, d.in = kL1 + 16, d.out = kL1 + 0x40000 + 8;
  check_against_reference(cfg_with(), {a, b, c, d});
}

TEST_CASE("dwconv on other lane counts gives the same results", "[dwconv]") {
  Conv v;
  v.h = v.w = 8, v.c = 13, v.stride = 2;
  Conv w = v;  // wider than 4 lanes' worth of streamer cycle: pieces of 5 bytes
  w.c = 31, w.k = 5, w.pt = w.pl = w.pb = w.pr = 2;
  check_against_reference(cfg_with({"cluster.dwconv.lanes=5", "cluster.dwconv.taps_per_cycle=4"}), {v, w});
}

TEST_CASE("dwconv compute-bound timing: output rows x pixels x ceil(K*K / taps) plus fill and drain", "[dwconv][timing]") {
  // taps_per_cycle 1: 9 cycles a pixel, 16 x 9 = 144 cycles a row, far above
  // the 16-cycle row streams (16 pixels x 16 channels at 16 bytes a cycle).
  const auto cfg = cfg_with({"cluster.dwconv.taps_per_cycle=1"});
  Conv v;
  v.h = v.w = 16, v.c = 32;
  double cycles = 0;
  run(cfg, v, random_layer(v, 6), &cycles);
  const double per_cycle = double(cfg.get_int("cluster.dwconv.streamer_ports") * cfg.get_int("cluster.dwconv.port_bytes"));
  const double lat = double(cfg.get_int("cluster.l1.latency_cycles"));
  // The first job's stream: 9 weight pieces, 16 quant entries (192 bytes), rows 0 and 1.
  const double in0 = 9 + 192 / per_cycle + 2 * 16 - 1 + lat;
  const double jobs = 2 * 16, compute = 16 * 9, out = 16 - 1 + lat;
  const double want = double(cfg.get_int("cluster.dwconv.setup_cycles")) + in0 + jobs * compute + out;
  CHECK(want == Approx(4 + 53 + 32 * 144 + 16));  // the default figures, spelt out
  CHECK(cycles == Approx(want).epsilon(0.02));
}

TEST_CASE("dwconv stream-bound timing: one port makes the row streams dominate", "[dwconv][timing]") {
  // streamer_ports 1: a 16-channel pixel is 4 cycles, so a row out is 64 cycles against 16 computing.
  const auto cfg = cfg_with({"cluster.dwconv.streamer_ports=1"});
  Conv v;
  v.h = v.w = 16, v.c = 16;
  double cycles = 0;
  run(cfg, v, random_layer(v, 7), &cycles);
  // 16 jobs, each streaming one new input row (64 cycles) and one output row (64 cycles),
  // input and output streams on separate streamers: about 16 x 64 plus fill (weights, quant,
  // the first two rows) and drain (compute and the last row out).
  const double want = 4 + (9 * 4 + 48 + 2 * 64) + 15 * 64 + 16 + 64;
  CHECK(cycles == Approx(want).epsilon(0.05));
}

TEST_CASE("dwconv queued convolutions run back to back and count in STATUS", "[dwconv]") {
  const auto cfg = cfg_with();
  Bench tb("tb", cfg);
  Conv a, b;
  a.h = a.w = b.h = b.w = 8, a.c = b.c = 16;
  b.out = a.out + 0x1000;
  place(tb, a, random_layer(a, 8));
  uint32_t queued = 0, status = 0, info = 0;
  tb.body = [&] {
    info = tb.read(DWCONV_REG_INFO);
    tb.trigger(a);
    tb.trigger(b);
    queued = (tb.read(DWCONV_REG_STATUS) >> DWCONV_STATUS_QUEUED_SHIFT) & 0xFF;
    tb.wait_idle();
    status = tb.read(DWCONV_REG_STATUS);
  };
  sc_start();
  CHECK(queued == 1);
  CHECK(status >> DWCONV_STATUS_DONE_SHIFT == 2);
  CHECK(tb.done.size() == 2);
  CHECK(std::equal(tb.at(a.out), tb.at(a.out) + 8 * 8 * 16, tb.at(b.out)));
  CHECK(info == (16u | DWCONV_MAX_KERNEL << 8));
}

static std::string error_of(const Conv& v, std::vector<std::string> ov = {}, int triggers = 1) {
  const auto cfg = cfg_with(std::move(ov));
  Bench tb("tb", cfg);
  tb.body = [&] {
    for (int i = 0; i < triggers; ++i) tb.trigger(v);
    tb.wait_idle();
  };
  try {
    sc_start();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST_CASE("dwconv KERNEL above the largest is a located firmware error", "[dwconv]") {
  Conv v;
  v.k = 9;
  CHECK_THAT(error_of(v), Catch::Contains("cluster 0 depthwise accelerator: trigger with KERNEL 9 (must be 1..7)"));
}

TEST_CASE("dwconv padding not below KERNEL is a located firmware error", "[dwconv]") {
  Conv v;
  v.pl = 3;
  CHECK_THAT(error_of(v), Catch::Contains("PAD 0x1010301 (each padding must be less than KERNEL 3)"));
}

TEST_CASE("dwconv STRIDE 0 is a located firmware error", "[dwconv]") {
  Conv v;
  v.stride = 0;
  CHECK_THAT(error_of(v), Catch::Contains("STRIDE 0 (must be 1..4)"));
}

TEST_CASE("dwconv kernel larger than the padded input is a located firmware error", "[dwconv]") {
  Conv v;
  v.h = 1, v.pt = v.pb = 0;
  CHECK_THAT(error_of(v), Catch::Contains("KERNEL 3 larger than the padded 1 x 4 input"));
}

TEST_CASE("dwconv pixel stride below CHANNELS is a located firmware error", "[dwconv]") {
  Conv v;
  v.ips = 1;
  CHECK_THAT(error_of(v), Catch::Contains("IN_PIX_STRIDE 1 below CHANNELS 2"));
}

TEST_CASE("dwconv CLIP low above high is a located firmware error", "[dwconv]") {
  Conv v;
  v.lo = 10, v.hi = 5;
  CHECK_THAT(error_of(v), Catch::Contains("CLIP low 10 above high 5"));
}

TEST_CASE("dwconv trigger beyond the queue is a located firmware error", "[dwconv]") {
  Conv v;
  v.h = v.w = 64;
  CHECK_THAT(error_of(v, {}, 3), Catch::Contains("1 convolutions already queued (cluster.dwconv.job_queue = 1)"));
}

TEST_CASE("dwconv output outside L1 is a located error", "[dwconv]") {
  Conv v;
  v.out = 0x40000000;
  CHECK_THAT(error_of(v), Catch::Contains("channel group 0 output row 0 output at 0x40000000: outside the cluster's L1"));
}

TEST_CASE("dwconv weights running off the end of L1 are a located error", "[dwconv]") {
  Conv v;
  v.wgt = kL1 + 0xFFFFC;
  CHECK_THAT(error_of(v), Catch::Contains("channel group 0 output row 0 input at 0x"));
}

TEST_CASE("dwconv quantization shift above 62 is a located error", "[dwconv]") {
  // Quant entries are all zero in a fresh L1 except this one: shift 63.
  auto cfg = cfg_with();
  Bench tb("tb", cfg);
  Conv q;
  *(uint32_t*)tb.at(q.quant + 12 + 8) = 63;
  tb.body = [&] {
    tb.trigger(q);
    tb.wait_idle();
  };
  std::string what;
  try {
    sc_start();
  } catch (const std::exception& e) {
    what = e.what();
  }
  CHECK_THAT(what, Catch::Contains("QUANT_ADDR entry of channel 1 has shift 63 (must be 0..62)"));
}
