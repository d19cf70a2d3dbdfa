// The dataflow firmware's digital kernels (firmware/dataflow/kernels.c) on a
// 16-core cluster against the golden reference: the host generates seeded
// data, df_kernel_test.elf runs one kernel, the result must match bit for bit
// the reference model's layer (mapping/src/reference.cpp) or the shared
// numerics (contracts/numerics.h). Prints the kernel's cycles per
// output element (the figure the mapper's cost model needs).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <functional>
#include <iostream>

#include "cluster_harness.hpp"
#include "df_kernel_test.h"
#include "network.hpp"
#include "numerics.h"
#include "reference.hpp"
#include "weights_format.h"

using namespace vp::map;

namespace {

// Built twice: the RV32IMC kernels, and (DF_KERNELS_XCV) their CORE-V paths
// on cores with core.isa rv32imc_xcv.
#if DF_KERNELS_XCV
const char* const kProgram = "df_kernel_test_xcv";
const std::vector<std::string> kSets = {"core.isa=rv32imc_xcv"};
#else
const char* const kProgram = "df_kernel_test";
const std::vector<std::string> kSets = {"core.isa=rv32imc"};
#endif

// splitmix64: the same numbers on every host.
struct Gen {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int32_t in(int32_t lo, int32_t hi) { return lo + int32_t(next() % uint64_t(hi - lo + 1)); }
  std::vector<int8_t> i8(size_t n) {
    std::vector<int8_t> v(n);
    for (auto& x : v) x = int8_t(in(-128, 127));
    return v;
  }
};

// Several kernel jobs run in one simulation (one per test process): each job
// gets its own HBM areas; its check runs on the memory after the run.
class Batch {
 public:
  // A job with its input and output areas (job k: 0x80100000 + k * 4 MiB).
  df_kernel_test_t job(uint32_t kernel) {
    df_kernel_test_t j;
    std::memset(&j, 0, sizeof j);
    j.magic = DF_KT_MAGIC;
    j.kernel = kernel;
    const uint32_t base = 0x80100000u + uint32_t(jobs_.size()) * 0x400000u;
    j.in_addr = base, j.in2_addr = base + 0x100000u, j.w_addr = base + 0x200000u, j.out_addr = base + 0x300000u;
    return j;
  }
  void add(const df_kernel_test_t& j, std::string what, uint64_t outputs,
           std::function<void(const std::vector<int8_t>&)> check) {
    jobs_.push_back({j, std::move(what), outputs, std::move(check)});
  }
  cluster_test::FlatStore mem;
  // Runs every job, prints cycles per output, then runs the checks.
  void run() {
    REQUIRE(jobs_.size() <= DF_KT_MAX_JOBS);
    const uint32_t n = uint32_t(jobs_.size());
    mem.write(DF_KT_DESC, &n, 4);
    for (uint32_t k = 0; k < n; ++k) mem.write(DF_KT_JOBS + k * sizeof(df_kernel_test_t), &jobs_[k].j, sizeof(df_kernel_test_t));
    auto r = cluster_test::run_cluster(kProgram, mem, kSets);
    INFO(r.console << r.error);
    REQUIRE(r.error.empty());
    REQUIRE(r.exit_code == 0);
    for (uint32_t k = 0; k < n; ++k) {
      df_kernel_test_t back;
      mem.read(DF_KT_JOBS + k * sizeof back, &back, sizeof back);
      REQUIRE(back.done == 1);
      std::cout << "kernel " << jobs_[k].what << ": " << jobs_[k].outputs << " outputs in " << back.cycles
                << " cycles, " << double(back.cycles) / double(jobs_[k].outputs) << " cycles/output, "
                << back.instret << " instructions on all cores (" << kProgram << ")\n";
      INFO("job " << k << ": " << jobs_[k].what);
      jobs_[k].check(mem.read_vec<int8_t>(back.out_addr, back.out_bytes));
    }
  }

 private:
  struct Job {
    df_kernel_test_t j;
    std::string what;
    uint64_t outputs;
    std::function<void(const std::vector<int8_t>&)> check;
  };
  std::vector<Job> jobs_;
};

// Elements that differ (a length difference counts as that many).
size_t mismatches(const std::vector<int8_t>& got, const std::vector<int8_t>& want) {
  size_t bad = got.size() > want.size() ? got.size() - want.size() : want.size() - got.size();
  for (size_t i = 0; i < std::min(got.size(), want.size()); ++i) bad += got[i] != want[i];
  return bad;
}

template <class T>
std::vector<T> as(const std::vector<int8_t>& bytes) {
  std::vector<T> v(bytes.size() / sizeof(T));
  std::memcpy(v.data(), bytes.data(), v.size() * sizeof(T));
  return v;
}

// A one-layer network on a c x h x w input, for the reference's run_layer.
Layer layer_of(const std::string& input, const std::string& layer) {
  Network net = Network::from_string("input: " + input + "\nlayers:\n  - " + layer + "\n", "test.yaml");
  return net.layers.at(0);
}

// Columns [x0, x0 + w) of a c x h x map_w HWC map, zero outside the map.
std::vector<int8_t> window_of(const std::vector<int8_t>& map, int c, int h, int map_w, int x0, int w) {
  std::vector<int8_t> win(size_t(c) * h * w, 0);
  for (int y = 0; y < h; ++y)
    for (int j = 0; j < w; ++j)
      if (x0 + j >= 0 && x0 + j < map_w)
        std::memcpy(&win[(size_t(y) * w + j) * c], &map[(size_t(y) * map_w + x0 + j) * c], size_t(c));
  return win;
}

// Output columns [ox0, ox1) of a HWC map.
std::vector<int8_t> columns_of(const Tensor& t, int ox0, int ox1) {
  std::vector<int8_t> out;
  for (int y = 0; y < t.shape.h; ++y)
    for (int x = ox0; x < ox1; ++x)
      out.insert(out.end(), t.data.begin() + (size_t(y) * t.shape.w + x) * t.shape.c,
                 t.data.begin() + (size_t(y) * t.shape.w + x + 1) * t.shape.c);
  return out;
}

// The int32 reduction of `fan` tiles of n partial sums each, element by element.
auto reduce_check(const std::vector<int32_t>& p, uint32_t fan, uint32_t n) {
  return [&p, fan, n](const std::vector<int8_t>& out) {
    auto got = as<int32_t>(out);
    size_t bad = 0;
    for (uint32_t i = 0; i < n; ++i) {
      int32_t want = 0;
      for (uint32_t k = 0; k < fan; ++k) want = nm_reduce(want, p[k * n + i]);
      bad += got[i] != want;
    }
    CHECK(bad == 0);
  };
}

// A layer's requantization job (DF_KT_REQUANT_Q): fan_in tiles of rows x cols
// accumulators, per-channel (bias, 31-bit multiplier, shift per column) or
// uniform, checked against nm_requant_ch; the data reaches both clamps.
struct QuantCase {
  const char* what;
  uint32_t fan_in, rows, cols, out_stride, relu;
  int32_t act_max;
  uint32_t uniform;
  bool extremes;
  int32_t shift_lo = 0, shift_hi = 0;  // the shifts' range when not 0 (else those of real calibrations)
};

void add_quant_job(Batch& b, Gen& g, const QuantCase& t) {
  std::vector<vpwt_channel_t> ch(t.cols);
  for (uint32_t c = 0; c < t.cols; ++c) {
    // 31-bit multipliers and the shifts of real calibrations (mostly 30..37,
    // some up to 40: the mulh form), and a few the 32-bit forms refuse.
    const int32_t mult = int32_t((1u << 30) + uint32_t(g.next() % (1u << 30)));
    int32_t shift = t.shift_hi ? g.in(t.shift_lo, t.shift_hi) : g.in(t.extremes ? 30 : 31, t.extremes ? 40 : 36);
    if (t.extremes && c % 13 == 5) shift = g.in(0, 12);
    const bool odd = t.extremes && c % 17 == 3;  // a small multiplier with a large shift: the 64-bit path
    ch[c] = {g.in(-3000, 3000), odd ? g.in(1, 7) : mult, odd ? g.in(40, 62) : shift};
    if (t.extremes && c % 11 == 7) ch[c].bias = c % 2 ? INT32_MAX - g.in(0, 100) : INT32_MIN + g.in(0, 100);
  }
  const int32_t umult = 23117, ushift = 20;
  const uint32_t n = t.rows * t.cols;
  std::vector<int32_t> acc(t.fan_in * n);
  for (uint32_t k = 0; k < t.fan_in; ++k)
    for (uint32_t i = 0; i < n; ++i) {
      const vpwt_channel_t& c = ch[i % t.cols];
      const int64_t m = t.uniform ? umult : c.mult;
      const int s = t.uniform ? ushift : c.shift;
      // accumulators whose codes span about [-300, 300], some at the int32 extremes
      int64_t range = s > 40 ? (int64_t(1) << 28) : std::min<int64_t>((int64_t(300) << s) / m + 1, int64_t(1) << 28);
      int32_t v = int32_t(int64_t(g.next() % uint64_t(2 * range + 1)) - range) / int32_t(t.fan_in);
      if (g.next() % 97 == 0) v = g.next() % 2 ? (1 << 29) : -(1 << 29);
      acc[k * n + i] = v;
    }
  auto j = b.job(DF_KT_REQUANT_Q);
  b.mem.write(j.in_addr, acc.data(), acc.size() * 4);
  b.mem.write(j.w_addr, ch.data(), ch.size() * sizeof(vpwt_channel_t));
  j.fan_in = t.fan_in, j.rows = t.rows, j.cols = t.cols, j.out_stride = t.out_stride, j.relu = t.relu;
  j.act_max = t.act_max, j.uniform = t.uniform, j.mult = umult, j.shift = ushift;
  j.in_bytes = uint32_t(acc.size() * 4), j.w_bytes = uint32_t(ch.size() * sizeof(vpwt_channel_t));
  j.out_bytes = t.rows * t.out_stride;
  b.add(j, t.what, n, [t, ch, acc, umult, ushift, n](const std::vector<int8_t>& out) {
    size_t bad = 0, lowest = 0, highest = 0;
    for (uint32_t r = 0; r < t.rows; ++r)
      for (uint32_t c = 0; c < t.cols; ++c) {
        int32_t a = 0;
        for (uint32_t k = 0; k < t.fan_in; ++k) a = nm_reduce(a, acc[k * n + r * t.cols + c]);
        const int8_t want = t.uniform ? nm_requant_ch(a, 0, umult, ushift, int(t.relu), t.act_max)
                                      : nm_requant_ch(a, ch[c].bias, ch[c].mult, unsigned(ch[c].shift),
                                                      int(t.relu), t.act_max);
        bad += out[r * t.out_stride + c] != want;
        lowest += want == (t.relu ? 0 : -128);
        highest += want == t.act_max;
      }
    CHECK(bad == 0);
    CHECK(lowest > 0);  // the data reaches both clamps
    CHECK(highest > 0);
  });
}

}  // namespace

TEST_CASE("partial-sum reduction, requantization and ReLU are exact", "[dataflow][kernels]") {
  Batch b;
  Gen g{1};
  // Reduction of 5 int32 tiles (an intermediate tree level).
  const uint32_t fan = 5, n = 64 * 32;
  std::vector<int32_t> p5(fan * n);
  for (auto& v : p5) v = g.in(-(1 << 20), 1 << 20);
  auto j = b.job(DF_KT_REDUCE);
  b.mem.write(j.in_addr, p5.data(), p5.size() * 4);
  j.fan_in = fan, j.rows = 64, j.cols = 32, j.in_bytes = fan * n * 4, j.out_bytes = n * 4;
  b.add(j, "reduce (fan-in 5, int32 out)", n, reduce_check(p5, fan, n));
  // Last tree level: 3 tiles, requantized with ReLU into a column group of a 96-channel map.
  const uint32_t fan3 = 3, rows = 64, cols = 32, stride = 96;
  std::vector<int32_t> p3(fan3 * rows * cols);
  for (auto& v : p3) v = g.in(-3000, 3000);
  auto k = b.job(DF_KT_REDUCE_REQUANT);
  b.mem.write(k.in_addr, p3.data(), p3.size() * 4);
  k.fan_in = fan3, k.rows = rows, k.cols = cols, k.out_stride = stride, k.mult = 23117, k.shift = 20, k.relu = 1;
  k.in_bytes = uint32_t(p3.size() * 4), k.out_bytes = rows * stride;
  b.add(k, "reduce (fan-in 3) + requant + relu", rows * cols, [&](const std::vector<int8_t>& out) {
    size_t bad = 0, zeros = 0, sat = 0;
    for (uint32_t r = 0; r < rows; ++r)
      for (uint32_t c = 0; c < cols; ++c) {
        int32_t acc = 0;
        for (uint32_t f = 0; f < fan3; ++f) acc = nm_reduce(acc, p3[(f * rows + r) * cols + c]);
        int8_t want = nm_requant(acc, 23117, 20, 1);
        bad += out[r * stride + c] != want;
        zeros += want == 0;
        sat += want == 127;
      }
    CHECK(bad == 0);
    CHECK(zeros > 0);  // the data reaches ReLU and saturation
    CHECK(sat > 0);
  });
  // Deeper nodes: fan-in 7 (int32: one pass of five inputs, then two) and
  // fan-in 6 with requantization (five summed into the stack buffer, then the last).
  const uint32_t fan7 = 7, n7 = 16 * 24;
  std::vector<int32_t> p7(fan7 * n7);
  for (auto& v : p7) v = g.in(-(1 << 20), 1 << 20);
  auto j7 = b.job(DF_KT_REDUCE);
  b.mem.write(j7.in_addr, p7.data(), p7.size() * 4);
  j7.fan_in = fan7, j7.rows = 16, j7.cols = 24, j7.in_bytes = fan7 * n7 * 4, j7.out_bytes = n7 * 4;
  b.add(j7, "reduce (fan-in 7, int32 out)", n7, reduce_check(p7, fan7, n7));
  const uint32_t fan6 = 6, n6 = 16 * 40;
  std::vector<int32_t> p6(fan6 * n6);
  for (auto& v : p6) v = g.in(-1500, 1500);
  auto j6 = b.job(DF_KT_REDUCE_REQUANT);
  b.mem.write(j6.in_addr, p6.data(), p6.size() * 4);
  j6.fan_in = fan6, j6.rows = 16, j6.cols = 40, j6.out_stride = 40, j6.mult = 23117, j6.shift = 20, j6.relu = 0;
  j6.in_bytes = uint32_t(p6.size() * 4), j6.out_bytes = n6;
  b.add(j6, "reduce (fan-in 6) + requant", n6, [&](const std::vector<int8_t>& out) {
    size_t bad = 0, sat = 0;
    for (uint32_t i = 0; i < n6; ++i) {
      int32_t acc = 0;
      for (uint32_t f = 0; f < fan6; ++f) acc = nm_reduce(acc, p6[f * n6 + i]);
      const int8_t want = nm_requant(acc, 23117, 20, 0);
      bad += out[i] != want;
      sat += want == 127 || want == -128;
    }
    CHECK(bad == 0);
    CHECK(sat > 0);
  });
  // Plain requantization of an IMA output tile (fan-in 1), no ReLU.
  const uint32_t nq = 4096;
  std::vector<int32_t> q(nq);
  for (auto& v : q) v = g.in(-600, 600);
  auto m = b.job(DF_KT_REDUCE_REQUANT);
  b.mem.write(m.in_addr, q.data(), nq * 4);
  m.fan_in = 1, m.rows = 1, m.cols = nq, m.out_stride = nq, m.mult = 17000, m.shift = 16, m.relu = 0;
  m.in_bytes = nq * 4, m.out_bytes = nq;
  b.add(m, "requant", nq, [&](const std::vector<int8_t>& out) {
    size_t bad = 0, neg = 0;
    for (uint32_t i = 0; i < nq; ++i) {
      bad += out[i] != nm_requant(q[i], 17000, 16, 0);
      neg += out[i] < 0;
    }
    CHECK(bad == 0);
    CHECK(neg > 0);
  });
  b.run();
}

TEST_CASE("per-channel requantization (bias, 31-bit multiplier, shift per column) is exact", "[dataflow][kernels]") {
  Batch b;
  Gen g{9};
  // A ResNet-18-like tile (7x7 pixels by 64 channels, the shifts of its
  // calibration), a reduction node's column group with a Clip, an odd fan-in-3
  // tile with odd rows, and a uniform layer with ReLU6-style act_max (the
  // uniform fast path cannot take it). The extremes also get channels with
  // extreme shifts and biases: every form of the plan and the 64-bit path.
  static const QuantCase cases[] = {
      {"requant per-channel + relu", 1, 49, 64, 64, 1, 127, 0, false},
      {"reduce (fan-in 2) + requant per-channel", 2, 49, 64, 64, 0, 127, 0, false},
      {"reduce (fan-in 2) + requant per-channel (extremes), act_max 100, column group", 2, 28, 96, 128, 0, 100, 0, true},
      {"reduce (fan-in 3) + requant per-channel (extremes) + relu, act_max 60", 3, 15, 40, 40, 1, 60, 0, true},
      {"requant uniform, act_max 60 + relu", 1, 16, 64, 64, 1, 60, 1, false},
      // Shares and rows that do not end on a word: the byte-by-byte heads and tails.
      {"reduce (fan-in 2) + requant uniform, act_max 6 + relu, odd tile", 2, 15, 37, 37, 1, 6, 1, false},
      // Shifts 17 to 24: the CORE-V loop with the shift in a register (17..21) and with it as an immediate.
      {"requant per-channel, shifts 17 to 24, odd rows", 1, 21, 40, 40, 0, 127, 0, false, 17, 24},
  };
  for (const QuantCase& t : cases) add_quant_job(b, g, t);
  b.run();
}

TEST_CASE("residual add with ReLU equals the reference's add layer", "[dataflow][kernels]") {
  Batch b;
  Gen g{4};
  Network net = Network::from_string(
      "input: {channels: 64, height: 8, width: 8}\nlayers:\n  - {name: c, op: maxpool, kernel: 1}\n"
      "  - {name: add, op: add, input: [input, c], relu: true}\n",
      "test.yaml");
  const Layer& l = net.layers[1];
  Tensor ta(l.in), tb(l.in);
  ta.data = g.i8(ta.data.size()), tb.data = g.i8(tb.data.size());
  Tensor want = run_layer(l, LayerParams{}, ImaParams{}, {&ta, &tb});
  const uint32_t n = uint32_t(ta.data.size());
  auto j = b.job(DF_KT_ADD);
  b.mem.write(j.in_addr, ta.data.data(), n);
  b.mem.write(j.in2_addr, tb.data.data(), n);
  j.n = n, j.relu = 1, j.in_bytes = n, j.in2_bytes = n, j.out_bytes = n;
  b.add(j, "add + relu", n, [&](const std::vector<int8_t>& out) { CHECK(mismatches(out, want.data) == 0); });
  // No work: what every row's cycles include (the cores entering and leaving
  // the kernel, the final barrier, reading the cluster's cycle counter).
  auto e = b.job(DF_KT_ADD);
  e.n = 0, e.relu = 1;
  b.add(e, "empty (n = 0: the measurement's fixed cost)", 1, [](const std::vector<int8_t>& out) { CHECK(out.empty()); });
  b.run();
}

TEST_CASE("max-pool 3x3/2 pad 1: whole map and tiles with halo equal the reference", "[dataflow][kernels]") {
  Batch b;
  const int C = 16, H = 16, W = 16;
  Gen g{5};
  Layer l = layer_of("{channels: 16, height: 16, width: 16}", "{name: mp, op: maxpool, kernel: 3, stride: 2, padding: 1}");
  Tensor in(l.in);
  in.data = g.i8(in.data.size());
  Tensor want = run_layer(l, LayerParams{}, ImaParams{}, {&in});
  struct Case {
    int ox0, ox1, x0, w;
  };
  static const Case cases[] = {{0, 8, 0, W}, {3, 6, 5, 7}, {0, 2, -1, 5}, {6, 8, 11, 6}};
  for (const Case& t : cases) {
    auto win = window_of(in.data, C, H, W, t.x0, t.w);
    auto j = b.job(DF_KT_MAXPOOL);
    b.mem.write(j.in_addr, win.data(), win.size());
    j.c = C, j.h = H, j.map_w = W, j.win_w = uint32_t(t.w), j.win_x0 = t.x0;
    j.out_h = uint32_t(l.out.h), j.ox0 = uint32_t(t.ox0), j.ox1 = uint32_t(t.ox1);
    j.ksize = 3, j.stride = 2, j.padding = 1;
    j.in_bytes = uint32_t(win.size()), j.out_bytes = uint32_t(l.out.h * (t.ox1 - t.ox0) * C);
    b.add(j, "maxpool 3x3/2 tile [" + std::to_string(t.ox0) + "," + std::to_string(t.ox1) + ")", j.out_bytes,
          [&want, t](const std::vector<int8_t>& out) { CHECK(mismatches(out, columns_of(want, t.ox0, t.ox1)) == 0); });
  }
  b.run();
}

TEST_CASE("average pool: global 8x8 and 3x3/1 pad 1 tile with border counts", "[dataflow][kernels]") {
  Batch b;
  Gen g{6};
  Layer lg = layer_of("{channels: 64, height: 8, width: 8}", "{name: gap, op: avgpool, global: true}");
  Tensor ig(lg.in);
  ig.data = g.i8(ig.data.size());
  Tensor wg = run_layer(lg, LayerParams{}, ImaParams{}, {&ig});
  auto j = b.job(DF_KT_AVGPOOL);
  b.mem.write(j.in_addr, ig.data.data(), ig.data.size());
  j.c = 64, j.h = 8, j.map_w = 8, j.win_w = 8, j.win_x0 = 0, j.out_h = 1, j.ox0 = 0, j.ox1 = 1;
  j.ksize = uint32_t(lg.kernel), j.stride = uint32_t(lg.stride), j.padding = 0;
  j.in_bytes = uint32_t(ig.data.size()), j.out_bytes = 64;
  b.add(j, "global avgpool 8x8x64", 64, [&](const std::vector<int8_t>& out) { CHECK(mismatches(out, wg.data) == 0); });

  const int C = 8, H = 10, W = 12;
  Layer la = layer_of("{channels: 8, height: 10, width: 12}", "{name: ap, op: avgpool, kernel: 3, stride: 1, padding: 1}");
  Tensor ia(la.in);
  ia.data = g.i8(ia.data.size());
  Tensor wa = run_layer(la, LayerParams{}, ImaParams{}, {&ia});
  auto win = window_of(ia.data, C, H, W, 7, 5);  // output columns [8, 12) read inputs 7..11
  auto k = b.job(DF_KT_AVGPOOL);
  b.mem.write(k.in_addr, win.data(), win.size());
  k.c = C, k.h = H, k.map_w = W, k.win_w = 5, k.win_x0 = 7, k.out_h = H, k.ox0 = 8, k.ox1 = 12;
  k.ksize = 3, k.stride = 1, k.padding = 1;
  k.in_bytes = uint32_t(win.size()), k.out_bytes = uint32_t(H * 4 * C);
  b.add(k, "avgpool 3x3/1 tile", k.out_bytes, [&](const std::vector<int8_t>& out) { CHECK(mismatches(out, columns_of(wa, 8, 12)) == 0); });

  // The same pool on a tile of the size a call gets in the headline's l1 layers
  // (64 px high, 8 wide, 64 channels); no built-in network has a 3x3 average pool.
  Layer lt = layer_of("{channels: 64, height: 64, width: 64}", "{name: ap, op: avgpool, kernel: 3, stride: 1, padding: 1}");
  Tensor it(lt.in);
  it.data = g.i8(it.data.size());
  Tensor wt = run_layer(lt, LayerParams{}, ImaParams{}, {&it});
  auto wint = window_of(it.data, 64, 64, 64, 7, 10);  // output columns [8, 16) read inputs 7..16
  auto m = b.job(DF_KT_AVGPOOL);
  b.mem.write(m.in_addr, wint.data(), wint.size());
  m.c = 64, m.h = 64, m.map_w = 64, m.win_w = 10, m.win_x0 = 7, m.out_h = 64, m.ox0 = 8, m.ox1 = 16;
  m.ksize = 3, m.stride = 1, m.padding = 1;
  m.in_bytes = uint32_t(wint.size()), m.out_bytes = 64u * 8u * 64u;
  b.add(m, "call: avgpool 3x3/1, 512 px x 64 ch (resnet18 l1 tile shape)", m.out_bytes,
        [&](const std::vector<int8_t>& out) { CHECK(mismatches(out, columns_of(wt, 8, 16)) == 0); });
  b.run();
}

TEST_CASE("fully connected on the cores equals the analog layer (two crossbar chunks)", "[dataflow][kernels]") {
  // 300 inputs: rows [0, 256) and [256, 300) get separate ADCs, as on two crossbars.
  Batch b;
  const int N = 300, M = 40;
  Gen g{7};
  Layer l = layer_of("{channels: 300, height: 1, width: 1}", "{name: fc, op: fc, out_channels: 40}");
  LayerParams p;
  p.weights = g.i8(size_t(N) * M);
  p.adc_shift = 6, p.mult = 20000, p.shift = 15;
  Tensor in(l.in);
  in.data = g.i8(N);
  Tensor want = run_layer(l, p, ImaParams{}, {&in});
  auto j = b.job(DF_KT_FC);
  b.mem.write(j.in_addr, in.data.data(), N);
  b.mem.write(j.w_addr, p.weights.data(), p.weights.size());
  j.n = 1, j.rows = N, j.cols = M, j.chunk_rows = 256, j.dac_bits = 8, j.adc_bits = 8, j.adc_shift = 6;
  j.mult = p.mult, j.shift = uint32_t(p.shift), j.relu = 0;
  j.in_bytes = N, j.w_bytes = uint32_t(p.weights.size()), j.out_bytes = M;
  b.add(j, "fc 300x40 on the cores (per output: 300 MACs) + requant", M,
        [&](const std::vector<int8_t>& out) { CHECK(mismatches(out, want.data) == 0); });
  b.run();
}

TEST_CASE("im2col gather of crossbar chunks, padding rows and columns zero", "[dataflow][kernels]") {
  Batch b;
  const int C = 32, H = 8, W = 8, K = 3;
  Gen g{8};
  auto map = g.i8(size_t(C) * H * W);
  struct Case {
    int ox0, ox1, r0, r1;
  };
  static const Case cases[] = {{2, 5, 100, 288}, {0, 3, 256, 288}, {5, 8, 0, 256}};
  for (const Case& t : cases) {
    const int x0 = t.ox0 - 1, w = t.ox1 - t.ox0 + K - 1;  // window with halo, padding columns zero
    auto win = window_of(map, C, H, W, x0, w);
    const uint32_t len = uint32_t(t.r1 - t.r0), pix = uint32_t(H * (t.ox1 - t.ox0));
    auto j = b.job(DF_KT_IM2COL);
    b.mem.write(j.in_addr, win.data(), win.size());
    j.c = C, j.h = H, j.map_w = W, j.win_w = uint32_t(w), j.win_x0 = x0;
    j.out_h = H, j.ox0 = uint32_t(t.ox0), j.ox1 = uint32_t(t.ox1), j.ksize = K, j.stride = 1, j.padding = 1;
    j.r0 = uint32_t(t.r0), j.r1 = uint32_t(t.r1);
    j.in_bytes = uint32_t(win.size()), j.out_bytes = len * pix;
    std::vector<int8_t> want;
    for (int oy = 0; oy < H; ++oy)
      for (int ox = t.ox0; ox < t.ox1; ++ox)
        for (int r = t.r0; r < t.r1; ++r) {
          int ky = r / (K * C), kx = (r / C) % K, c = r % C;
          int iy = oy - 1 + ky, ix = ox - 1 + kx;
          bool inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
          want.push_back(inside ? map[(size_t(iy) * W + ix) * C + c] : int8_t(0));
        }
    b.add(j, "im2col rows [" + std::to_string(t.r0) + "," + std::to_string(t.r1) + ") (bytes)", j.out_bytes,
          [want](const std::vector<int8_t>& out) { CHECK(mismatches(out, want) == 0); });
  }
  b.run();
}

TEST_CASE("3x3 depthwise convolution tiles equal the reference's dwconv layer", "[dataflow][kernels]") {
  // Stride 1 and 2, pad 1, tiles with halo (padding columns zero), per-channel
  // requantization with ReLU, ReLU6-style act_max or none; a few channels with
  // parameters the CORE-V 16x16 form refuses (large biases, a shift of 12).
  Batch b;
  Gen g{11};
  struct Case {
    int c, h, w, stride, ox0, ox1;
    bool relu;
    int act_max;
    bool extremes;  // channels the 16x16 form refuses (the slowest core's time, so not a speed figure)
  };
  static const Case cases[] = {{32, 12, 12, 1, 0, 12, true, 127, false}, {32, 12, 12, 1, 4, 9, false, 127, false},
                               {16, 10, 10, 2, 1, 4, true, 6, false},    {16, 9, 9, 1, 0, 9, false, 60, false},
                               {32, 8, 8, 1, 0, 8, true, 127, true}};
  for (const Case& t : cases) {
    const std::string yaml = "{name: dw, op: dwconv, kernel: 3, stride: " + std::to_string(t.stride) +
                             ", padding: 1, relu: " + (t.relu ? "true" : "false") +
                             (t.act_max < 127 ? ", quant: {act_max: " + std::to_string(t.act_max) + "}" : std::string()) + "}";
    Layer l = layer_of("{channels: " + std::to_string(t.c) + ", height: " + std::to_string(t.h) + ", width: " +
                           std::to_string(t.w) + "}",
                       yaml);
    LayerParams p;
    p.weights = g.i8(size_t(9) * t.c);
    std::vector<vpwt_channel_t> ch(size_t(t.c));
    for (int c = 0; c < t.c; ++c) {
      ch[c] = {g.in(-2000, 2000), int32_t((1u << 30) + uint32_t(g.next() % (1u << 30))), g.in(33, 36)};
      if (t.extremes && c % 11 == 5) ch[c].bias = g.in(20000, 40000);  // |bias| too large for the 16x16 form
      if (t.extremes && c % 13 == 7) ch[c].shift = 12, ch[c].mult = g.in(1, 20);
      p.bias.push_back(ch[c].bias), p.ch_mult.push_back(ch[c].mult), p.ch_shift.push_back(ch[c].shift);
    }
    Tensor in(l.in);
    in.data = g.i8(in.data.size());
    Tensor want = run_layer(l, p, ImaParams{}, {&in});
    const int x0 = t.ox0 * t.stride - 1, w = (t.ox1 - 1 - t.ox0) * t.stride + 3;  // the tile's window with halo
    auto win = window_of(in.data, t.c, t.h, t.w, x0, w);
    auto j = b.job(DF_KT_DWCONV);
    b.mem.write(j.in_addr, win.data(), win.size());
    b.mem.write(j.w_addr, p.weights.data(), p.weights.size());
    b.mem.write(j.in2_addr, ch.data(), ch.size() * sizeof(vpwt_channel_t));
    j.c = uint32_t(t.c), j.h = uint32_t(t.h), j.map_w = uint32_t(t.w), j.win_w = uint32_t(w), j.win_x0 = x0;
    j.out_h = uint32_t(l.out.h), j.ox0 = uint32_t(t.ox0), j.ox1 = uint32_t(t.ox1);
    j.ksize = 3, j.stride = uint32_t(t.stride), j.padding = 1, j.relu = t.relu, j.act_max = t.act_max;
    j.in_bytes = uint32_t(win.size()), j.w_bytes = uint32_t(p.weights.size());
    j.in2_bytes = uint32_t(ch.size() * sizeof(vpwt_channel_t));
    j.out_bytes = uint32_t(l.out.h * (t.ox1 - t.ox0) * t.c);
    const std::string what = "dwconv 3x3/" + std::to_string(t.stride) + " " + std::to_string(t.c) + "ch tile [" +
                             std::to_string(t.ox0) + "," + std::to_string(t.ox1) + ")" + (t.relu ? " + relu" : "") +
                             (t.act_max < 127 ? ", act_max " + std::to_string(t.act_max) : "") +
                             (t.extremes ? " (extremes)" : "");
    b.add(j, what, j.out_bytes, [want, t](const std::vector<int8_t>& out) {
      const auto cols = columns_of(want, t.ox0, t.ox1);
      CHECK(mismatches(out, cols) == 0);
      size_t lowest = 0, highest = 0;
      for (int8_t v : cols) lowest += v == (t.relu ? 0 : -128), highest += v == std::min(t.act_max, 127);
      CHECK(lowest > 0);  // the data reaches both clamps
      CHECK(highest > 0);
    });
  }
  b.run();
}

// The kernels at the sizes one call gets in the headline run (ResNet-18 on
// mpaimc-512, `vp-map` full mode): a digital cluster's call covers a whole
// tile, out_h x tile_w pixels by the cluster's columns (digital_loop.c:
// kern_reduce / kern_reduce_requant_q over L->out_h * tw * ncols elements,
// kern_add_rescaled likewise; analog_loop.c requantizes L->out_h * tw rows of
// ncols). The tiles are vp-map's: l1 64 px high, 8 wide, 64 channels; l3 16 px
// high, 5 or 3 wide, 256 channels; l4 8 px high, 6 or 3 wide, 256 of its 512
// channels per column split; the global pool 8x8x512. MobileNetV2's conv_last
// (per-channel, ReLU6 = act_max 96, fan-in 2 over 7x7 px by 256 channels) is
// the one ReLU6 reduction node of the built-in networks. bench/kernels/RESULTS.md
// reads issue 13's 3x on these rows; the small jobs above are the edge cases.
TEST_CASE("kernels at the headline's per-call sizes (ResNet-18 on mpaimc-512) are exact", "[dataflow][kernels]") {
  Batch b;
  Gen g{12};
  static const QuantCase qcases[] = {
      {"call: reduce (fan-in 2) + requant per-channel, 512 px x 64 ch (resnet18 per-channel l1b1c2)", 2, 512, 64, 64,
       0, 127, 0, false},
      {"call: reduce (fan-in 2) + requant per-channel + relu, act_max 96, 49 px x 256 ch (mobilenetv2 conv_last)", 2,
       49, 256, 256, 1, 96, 0, false},
      // No built-in network has a uniform act_max below 127: this is the ReLU6 path at the shape of resnet18's l1 nodes.
      {"call: reduce (fan-in 2) + requant uniform, act_max 6 + relu, 512 px x 64 ch (resnet18 l1 shape)", 2, 512, 64,
       64, 1, 6, 1, false},
  };
  for (const QuantCase& t : qcases) add_quant_job(b, g, t);

  // Reduction nodes with the uniform requantization of the headline (kern_reduce_requant), and without (int32 out).
  struct RCase {
    const char* what;
    uint32_t fan_in, rows, cols, relu;
    bool wide;
  };
  static const RCase rcases[] = {
      {"call: reduce (fan-in 2) + requant + relu, 512 px x 64 ch (resnet18 l1b1c1 L2)", 2, 512, 64, 1, false},
      {"call: reduce (fan-in 5) + requant + relu, 80 px x 256 ch (resnet18 l3b1c1)", 5, 80, 256, 1, false},
      {"call: reduce (fan-in 9) + requant + relu, 48 px x 256 ch (resnet18 l4b1c1)", 9, 48, 256, 1, false},
      {"call: reduce (fan-in 18) + requant, 24 px x 256 ch (resnet18 l4b1c2)", 18, 24, 256, 0, false},
      {"call: reduce (fan-in 2, int32 out), 512 px x 64 ch (resnet18 l1b1c1 L1)", 2, 512, 64, 0, true},
      {"call: reduce (fan-in 4, int32 out), 192 px x 128 ch (resnet18 l2b1c2 L1)", 4, 192, 128, 0, true},
      {"call: reduce (fan-in 7, int32 out), 48 px x 256 ch (resnet18 l3b1c2 L1)", 7, 48, 256, 0, true},
      // Fan-ins above 7 with every number of inputs left for the last pass (1, 3, and two middle passes),
      // on runs that are not a multiple of the 64-element buffer nor of 4.
      {"reduce (fan-in 8) + requant + relu, odd tile", 8, 15, 13, 1, false},
      {"reduce (fan-in 10) + requant, odd tile", 10, 13, 15, 0, false},
      {"reduce (fan-in 20) + requant + relu, odd tile", 20, 10, 15, 1, false},
  };
  std::vector<std::vector<int32_t>> parts(std::size(rcases));
  for (size_t i = 0; i < std::size(rcases); ++i) {
    const RCase& t = rcases[i];
    const uint32_t n = t.rows * t.cols;
    std::vector<int32_t>& p = parts[i];
    p.resize(size_t(t.fan_in) * n);
    // requantized sums spread over about twice the codes (their standard deviation does not depend on the fan-in)
    const int32_t r = int32_t(6000.0 / std::sqrt(double(t.fan_in)));
    for (auto& v : p) v = t.wide ? g.in(-(1 << 20), 1 << 20) : g.in(-r, r);
    auto j = b.job(t.wide ? DF_KT_REDUCE : DF_KT_REDUCE_REQUANT);
    b.mem.write(j.in_addr, p.data(), p.size() * 4);
    j.fan_in = t.fan_in, j.rows = t.rows, j.cols = t.cols, j.out_stride = t.cols, j.relu = t.relu;
    j.mult = 23117, j.shift = 20;
    j.in_bytes = uint32_t(p.size() * 4), j.out_bytes = n * (t.wide ? 4u : 1u);
    if (t.wide) {
      b.add(j, t.what, n, reduce_check(p, t.fan_in, n));
      continue;
    }
    b.add(j, t.what, n, [&p, t, n](const std::vector<int8_t>& out) {
      size_t bad = 0, low = 0, sat = 0;
      for (uint32_t i = 0; i < n; ++i) {
        int32_t acc = 0;
        for (uint32_t f = 0; f < t.fan_in; ++f) acc = nm_reduce(acc, p[f * n + i]);
        const int8_t want = nm_requant(acc, 23117, 20, int(t.relu));
        bad += out[i] != want;
        low += want == (t.relu ? 0 : -128);
        sat += want == 127;
      }
      CHECK(bad == 0);
      CHECK(low > 0);  // the data reaches both clamps
      CHECK(sat > 0);
    });
  }

  // The residual add of l1 (64 px high, 8 wide, 64 channels, ReLU) and the
  // requantization of a conv1 tile on its analog cluster (128 x 8 px, 64 channels).
  const std::vector<int8_t> a = g.i8(32768), c = g.i8(32768);
  auto ja = b.job(DF_KT_ADD);
  b.mem.write(ja.in_addr, a.data(), a.size());
  b.mem.write(ja.in2_addr, c.data(), c.size());
  ja.n = 32768, ja.relu = 1, ja.in_bytes = ja.in2_bytes = ja.out_bytes = 32768;
  b.add(ja, "call: add + relu, 512 px x 64 ch (resnet18 l1b1add)", 32768, [&](const std::vector<int8_t>& out) {
    size_t bad = out.size() != a.size();
    for (size_t i = 0; i < std::min(out.size(), a.size()); ++i) bad += out[i] != nm_add(a[i], c[i], 1);
    CHECK(bad == 0);
  });
  std::vector<int32_t> q(65536);
  for (auto& v : q) v = g.in(-600, 600);
  auto jq = b.job(DF_KT_REDUCE_REQUANT);
  b.mem.write(jq.in_addr, q.data(), q.size() * 4);
  jq.fan_in = 1, jq.rows = 1024, jq.cols = 64, jq.out_stride = 64, jq.mult = 17000, jq.shift = 16, jq.relu = 1;
  jq.in_bytes = uint32_t(q.size() * 4), jq.out_bytes = uint32_t(q.size());
  b.add(jq, "call: requant + relu, 1024 px x 64 ch (resnet18 conv1, on 16 cores)", q.size(),
        [&](const std::vector<int8_t>& out) {
          size_t bad = out.size() != q.size();
          for (size_t i = 0; i < std::min(out.size(), q.size()); ++i) bad += out[i] != nm_requant(q[i], 17000, 16, 1);
          CHECK(bad == 0);
        });

  // The global average pool of resnet18 (8x8x512, one call on one cluster).
  const Layer lg = layer_of("{channels: 512, height: 8, width: 8}", "{name: gap, op: avgpool, global: true}");
  Tensor ig(lg.in);
  ig.data = g.i8(ig.data.size());
  const Tensor wg = run_layer(lg, LayerParams{}, ImaParams{}, {&ig});
  auto jg = b.job(DF_KT_AVGPOOL);
  b.mem.write(jg.in_addr, ig.data.data(), ig.data.size());
  jg.c = 512, jg.h = 8, jg.map_w = 8, jg.win_w = 8, jg.win_x0 = 0, jg.out_h = 1, jg.ox0 = 0, jg.ox1 = 1;
  jg.ksize = uint32_t(lg.kernel), jg.stride = uint32_t(lg.stride), jg.padding = 0;
  jg.in_bytes = uint32_t(ig.data.size()), jg.out_bytes = 512;
  b.add(jg, "call: global avgpool 8x8x512 (resnet18 avgpool)", 512,
        [&](const std::vector<int8_t>& out) { CHECK(mismatches(out, wg.data) == 0); });
  b.run();
}

// The reduction nodes of fan-in above 2 of ResNet-18 with `calibration: per-channel` (the same
// mapping as the headline's: l3b1c1 fan-in 5, l4b1c1 fan-in 9, l4b1c2 fan-in 18) at their call sizes.
TEST_CASE("per-channel reductions of fan-in 5, 9 and 18 at the headline's per-call sizes are exact", "[dataflow][kernels]") {
  Batch b;
  Gen g{13};
  static const QuantCase cases[] = {
      {"call: reduce (fan-in 5) + requant per-channel + relu, 80 px x 256 ch (resnet18 per-channel l3b1c1)", 5, 80, 256,
       256, 1, 127, 0, false},
      {"call: reduce (fan-in 9) + requant per-channel + relu, 48 px x 256 ch (resnet18 per-channel l4b1c1)", 9, 48, 256,
       256, 1, 127, 0, false},
      {"call: reduce (fan-in 18) + requant per-channel, 24 px x 256 ch (resnet18 per-channel l4b1c2)", 18, 24, 256, 256,
       0, 127, 0, false},
      // Column pieces longer than the 128-row buffer, one input left for the accumulating pass (fan-in 8), and
      // two passes plus act_max without ReLU in a column group (fan-in 15: 7 + 6 + 2), with channels the 16x16
      // form refuses: correctness cases.
      {"reduce (fan-in 8) + requant per-channel + relu, 260 rows", 8, 260, 10, 10, 1, 127, 0, false},
      {"reduce (fan-in 15) + requant per-channel (extremes), act_max 60, column group", 15, 45, 20, 24, 0, 60, 0, true},
  };
  for (const QuantCase& t : cases) add_quant_job(b, g, t);
  b.run();
}

namespace {

// int16 partial sums (vpmap_layer_t.psum_bytes 2): fan tiles whose every sum
// fits int16, as the mapper guarantees; `edge` puts sums at both ends of the
// int16 range (-32768 and 32767) and pairs that carry out of a 16-bit lane.
std::vector<int16_t> psum16(Gen& g, uint32_t fan, uint32_t n, bool edge) {
  std::vector<int16_t> p(size_t(fan) * n);
  const int32_t r = 32767 / int32_t(fan);
  for (auto& v : p) v = int16_t(g.in(-r, r));
  if (edge)
    for (uint32_t i = 0; i < n; i += 7) {
      // -32768 = fan x (-32768 / fan) when fan divides 2^15, else the largest negative sum; 32767 likewise
      const bool neg = (i / 7) % 2 == 0;
      int32_t left = neg ? -32768 : 32767;
      for (uint32_t k = 0; k < fan; ++k) {
        const int32_t v = left / int32_t(fan - k);
        p[size_t(k) * n + i] = int16_t(v);
        left -= v;
      }
    }
  return p;
}

// A requantization job on int16 partial sums (DF_KT_REQUANT_Q16), checked
// against nm_requant_ch of the exact sums: the channels of add_quant_job
// (extremes too), accumulators over the whole int16 range (edges included).
void add_quant16_job(Batch& b, Gen& g, const QuantCase& t, bool direct = false, int32_t umult = 23117,
                     int32_t ushift = 20) {
  std::vector<vpwt_channel_t> ch(t.cols);
  for (uint32_t c = 0; c < t.cols; ++c) {
    const int32_t mult = int32_t((1u << 30) + uint32_t(g.next() % (1u << 30)));
    int32_t shift = t.shift_hi ? g.in(t.shift_lo, t.shift_hi) : g.in(t.extremes ? 30 : 33, t.extremes ? 40 : 37);
    if (t.extremes && c % 13 == 5) shift = g.in(0, 12);
    const bool odd = t.extremes && c % 17 == 3;
    ch[c] = {g.in(-3000, 3000), odd ? g.in(1, 7) : mult, odd ? g.in(40, 62) : shift};
    if (t.extremes && c % 11 == 7) ch[c].bias = c % 2 ? INT32_MAX - g.in(0, 100) : INT32_MIN + g.in(0, 100);
  }
  const uint32_t n = t.rows * t.cols;
  const std::vector<int16_t> acc = psum16(g, t.fan_in, n, true);
  auto j = b.job(DF_KT_REQUANT_Q16);
  b.mem.write(j.in_addr, acc.data(), acc.size() * 2);
  b.mem.write(j.w_addr, ch.data(), ch.size() * sizeof(vpwt_channel_t));
  j.fan_in = t.fan_in, j.rows = t.rows, j.cols = t.cols, j.out_stride = t.out_stride, j.relu = t.relu;
  j.act_max = t.act_max, j.uniform = t.uniform, j.mult = umult, j.shift = ushift, j.n = direct ? 1 : 0;
  j.in_bytes = uint32_t(acc.size() * 2), j.w_bytes = uint32_t(ch.size() * sizeof(vpwt_channel_t));
  j.out_bytes = t.rows * t.out_stride;
  b.add(j, t.what, n, [t, ch, acc, umult, ushift, n](const std::vector<int8_t>& out) {
    size_t bad = 0, lowest = 0, highest = 0;
    for (uint32_t r = 0; r < t.rows; ++r)
      for (uint32_t c = 0; c < t.cols; ++c) {
        int32_t a = 0;
        for (uint32_t k = 0; k < t.fan_in; ++k) a += acc[k * n + r * t.cols + c];
        const int8_t want = t.uniform ? nm_requant_ch(a, 0, umult, ushift, int(t.relu), t.act_max)
                                      : nm_requant_ch(a, ch[c].bias, ch[c].mult, unsigned(ch[c].shift),
                                                      int(t.relu), t.act_max);
        bad += out[r * t.out_stride + c] != want;
        lowest += want == (t.relu ? 0 : -128);
        highest += want == t.act_max;
      }
    CHECK(bad == 0);
    CHECK(lowest > 0);  // the data reaches both clamps
    CHECK(highest > 0);
  });
}

void add_reduce16_job(Batch& b, Gen& g, const char* what, uint32_t fan, uint32_t rows, uint32_t cols) {
  const uint32_t n = rows * cols;
  const std::vector<int16_t> p = psum16(g, fan, n, true);
  auto j = b.job(DF_KT_REDUCE16);
  b.mem.write(j.in_addr, p.data(), p.size() * 2);
  j.fan_in = fan, j.rows = rows, j.cols = cols, j.in_bytes = uint32_t(p.size() * 2), j.out_bytes = n * 2;
  b.add(j, what, n, [p, fan, n](const std::vector<int8_t>& out) {
    const auto got = as<int16_t>(out);
    size_t bad = got.size() != n, ends = 0;
    for (uint32_t i = 0; i < std::min<size_t>(n, got.size()); ++i) {
      int32_t want = 0;
      for (uint32_t k = 0; k < fan; ++k) want += p[k * n + i];
      bad += got[i] != want;
      ends += want == -32768 || want == 32767;
    }
    CHECK(bad == 0);
    CHECK(ends > 0);  // the sums reach both ends of int16
  });
}

}  // namespace

TEST_CASE("int16 partial sums: reductions and requantizations are exact", "[dataflow][kernels]") {
  Batch b;
  Gen g{16};
  // Odd sizes: an odd tile stride (no packed words: the scalar loop), an odd
  // count (the last word holds one sum), fan-ins past one pass (9: 7 + 2).
  add_reduce16_job(b, g, "reduce16 (fan-in 2), odd tile 15 x 13", 2, 15, 13);
  add_reduce16_job(b, g, "reduce16 (fan-in 3), 7 x 10", 3, 7, 10);
  add_reduce16_job(b, g, "reduce16 (fan-in 9), odd count 9 x 6 + edges", 9, 9, 6);
  add_reduce16_job(b, g, "reduce16 (fan-in 7), 1 x 2", 7, 1, 2);
  static const QuantCase cases[] = {
      {"requant16 per-channel + relu", 1, 49, 64, 64, 1, 127, 0, false},
      {"reduce16 (fan-in 2) + requant per-channel (extremes), act_max 100, column group", 2, 28, 96, 128, 0, 100, 0, true},
      {"reduce16 (fan-in 2) + requant uniform + relu, odd tile", 2, 15, 37, 37, 1, 127, 1, false},
      {"requant16 uniform, column group, odd rows", 1, 13, 20, 24, 0, 127, 1, false},
      {"reduce16 (fan-in 2) + requant uniform, act_max 6 + relu, odd tile", 2, 15, 37, 37, 1, 6, 1, false},
      {"requant16 per-channel, shifts 17 to 24, odd rows", 1, 21, 40, 40, 0, 127, 0, false, 17, 24},
      {"reduce16 (fan-in 5) + requant per-channel (extremes) + relu, act_max 60", 5, 15, 40, 40, 1, 60, 0, true},
  };
  for (const QuantCase& t : cases) add_quant16_job(b, g, t);
  add_quant16_job(b, g, {"reduce16 (fan-in 3, in the kernel) + requant per-channel (extremes), odd tile", 3, 11, 13, 13,
                         0, 127, 0, true}, true);
  b.run();
}

TEST_CASE("int16 partial sums at the headline's per-call sizes (ResNet-18 on mpaimc-512) are exact", "[dataflow][kernels]") {
  Batch b;
  Gen g{17};
  add_reduce16_job(b, g, "call: reduce16 (fan-in 2), 512 px x 64 ch (resnet18 l1b1c1 L1)", 2, 512, 64);
  add_reduce16_job(b, g, "call: reduce16 (fan-in 4), 224 px x 128 ch (resnet18 l2b1c2 L1)", 4, 224, 128);
  add_reduce16_job(b, g, "call: reduce16 (fan-in 7), 98 px x 256 ch (resnet18 l3b1c2 L1)", 7, 98, 256);
  static const QuantCase cases[] = {
      {"call: reduce16 (fan-in 2) + requant + relu, 512 px x 64 ch (resnet18 l1b1c1 L2)", 2, 512, 64, 64, 1, 127, 1, false},
      {"call: requant16 + relu, 1024 px x 64 ch (resnet18 conv1, on 16 cores)", 1, 1024, 64, 64, 1, 127, 1, false},
      {"call: reduce16 (fan-in 5) + requant + relu, 112 px x 256 ch (resnet18 l3b1c1)", 5, 112, 256, 256, 1, 127, 1, false},
      {"call: reduce16 (fan-in 9) + requant + relu, 49 px x 256 ch (resnet18 l4b1c1)", 9, 49, 256, 256, 1, 127, 1, false},
      {"call: reduce16 (fan-in 18) + requant, 42 px x 256 ch (resnet18 l4b1c2)", 18, 42, 256, 256, 0, 127, 1, false},
      {"call: reduce16 (fan-in 2) + requant per-channel, 512 px x 64 ch (resnet18 per-channel l1b1c2)", 2, 512, 64, 64,
       0, 127, 0, false},
  };
  for (const QuantCase& t : cases) add_quant16_job(b, g, t);
  // The uniform plan's other paths (requant.h): conv1's own multiplier and shift (16445, 14: the split path
  // DF_RQ_SPLIT on RV32IMC, as every l1 layer's), a large multiplier with a small shift (split, beyond the
  // CORE-V plan), a shift above 32 (DF_RQ_HIGH_SHIFT); fan-in 1, 2 and 4.
  add_quant16_job(b, g, {"call: requant16 + relu, 1024 px x 64 ch, conv1's mult 16445 shift 14 (resnet18 conv1)", 1,
                         1024, 64, 64, 1, 127, 1, false}, false, 16445, 14);
  add_quant16_job(b, g, {"reduce16 (fan-in 2) + requant uniform (split path), odd tile", 2, 15, 37, 37, 0, 127, 1,
                         false}, false, 1518500250, 28);
  add_quant16_job(b, g, {"reduce16 (fan-in 4) + requant uniform (high-shift path) + relu, odd tile", 4, 15, 37, 37, 1,
                         127, 1, false}, false, 1518500250, 35);
  b.run();
}
