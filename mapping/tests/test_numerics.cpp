// Numerics, weights and the golden reference model against hand-computed cases.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "numerics.h"
#include "params.hpp"
#include "reference.hpp"

using namespace vp::map;

namespace {
std::string source(const std::string& rel) { return std::string(std::getenv("VP_SOURCE_DIR")) + "/" + rel; }
}  // namespace

TEST_CASE("requantization rounds half up then applies ReLU and saturates") {
  CHECK(nm_requant(10, 3, 2, 0) == 8);     // 30 / 4 = 7.5 -> 8
  CHECK(nm_requant(-10, 3, 2, 0) == -7);   // -7.5 -> -7 (half up)
  CHECK(nm_requant(-10, 3, 2, 1) == 0);    // ReLU
  CHECK(nm_requant(1000, 1, 0, 0) == 127);
  CHECK(nm_requant(-1000, 1, 0, 0) == -128);
  CHECK(nm_requant(INT32_MAX, INT32_MAX, 62, 0) == 1);  // (2^31-1)^2 / 2^62 = 0.99..., in int64
  CHECK(nm_add(100, 100, 0) == 127);
  CHECK(nm_add(-100, -100, 0) == -128);
  CHECK(nm_add(-5, 3, 1) == 0);
  CHECK(nm_add(-5, 3, 0) == -2);
  CHECK(nm_average(5, 2) == 3);    // 2.5 -> 3
  CHECK(nm_average(-5, 2) == -2);  // -2.5 -> -2
  CHECK(nm_average(-7, 3) == -2);  // -2.33 -> -2
  CHECK(nm_average(-8, 3) == -3);  // -2.67 -> -3
  CHECK(nm_max(-3, 2) == 2);
}

TEST_CASE("one layer by hand: the ADC applies per crossbar of `rows` rows") {
  // FC with 6 inputs and 2 outputs on crossbars of 4 rows: rows 0-3 on one
  // crossbar, rows 4-5 on another; 4-bit ADC (codes -8..7), shift 1.
  Network net = Network::from_string(
      "input: {channels: 6, height: 1, width: 1}\n"
      "layers:\n"
      "  - {name: fc, op: fc, out_channels: 2, relu: false}\n",
      "one.yaml");
  ImaParams ima;
  ima.rows = 4, ima.cols = 4, ima.dac_bits = 8, ima.adc_bits = 4;
  Params p;
  p.layers.resize(1);
  // W[r][c], row-major: column 0 all 3, column 1 alternating +-2.
  p.layers[0].weights = {3, 2, 3, -2, 3, 2, 3, -2, 3, 2, 3, -2};
  p.layers[0].adc_shift = 1, p.layers[0].mult = 3, p.layers[0].shift = 1;
  Tensor x(net.input);
  x.data = {1, 2, 3, 4, -5, 6};
  // Column 0: crossbar A: 3*(1+2+3+4) = 30 -> (30+1)>>1 = 15 -> saturates to 7;
  //           crossbar B: 3*(-5+6) = 3 -> (3+1)>>1 = 2. acc = 9; (9*3+1)>>1 = 14.
  // Column 1: A: 2*(1-2+3-4) = -4 -> (-4+1)>>1 = -2; B: 2*(-5-6) = -22 -> -11
  //           -> saturates to -8. acc = -10; (-30+1)>>1 = -15.
  auto acc = analog_accumulate(net.layers[0], p.layers[0].weights, 1, ima, x);
  REQUIRE(acc.size() == 2);
  CHECK(acc[0] == 9);
  CHECK(acc[1] == -10);
  auto out = Reference(net, p, ima).run(x);
  CHECK(out[0].data == std::vector<int8_t>{14, -15});
  // One crossbar of 8 rows would not clip column 0 at 7: the split matters.
  ima.rows = 8;
  CHECK(analog_accumulate(net.layers[0], p.layers[0].weights, 1, ima, x)[0] == 7);  // (33+1)>>1 = 17 -> 7
}

TEST_CASE("SeededRandom: the draws of int8_in are (next() >> 11) % span, by multiplication") {
  // Every range int8_in serves (1 to 256 values), near 0, at the largest
  // draw (2^53 - 1) and at multiples of the span and their neighbours.
  for (uint64_t d = 1; d <= 256; ++d) {
    SeededRandom rng(d);
    for (int i = 0; i < 2000; ++i) {
      const uint64_t x = rng.next() >> 11;
      REQUIRE(SeededRandom::mod_small(x, d) == x % d);
    }
    const uint64_t top = (uint64_t(1) << 53) - 1;
    for (uint64_t x : {uint64_t(0), uint64_t(1), d - 1, d, d + 1, top, top - 1, top - top % d, top - top % d - 1})
      REQUIRE(SeededRandom::mod_small(x, d) == x % d);
  }
  SeededRandom a(42), b(42);
  for (int i = 0; i < 1000; ++i) {
    const int lo = -(i % 128), hi = i % 128;
    REQUIRE(int(a.int8_in(lo, hi)) == lo + int((b.next() >> 11) % uint64_t(hi - lo + 1)));
  }
}

TEST_CASE("the calibration's one pass (analog_partials, adc_accumulate) equals analog_accumulate") {
  // A padded strided conv over several crossbars (27 rows on crossbars of 8:
  // four row chunks, the last partial) and columns not a multiple of 16
  // (the AVX2 path's scalar tail), with ADCs that clip at some shifts.
  Network net = Network::from_string(
      "input: {channels: 3, height: 5, width: 5}\n"
      "layers:\n"
      "  - {name: c, op: conv, out_channels: 19, kernel: 3, stride: 2, padding: 1, relu: true}\n",
      "cal.yaml");
  const Layer& l = net.layers[0];
  ImaParams ima;
  ima.rows = 8, ima.cols = 32, ima.dac_bits = 8, ima.adc_bits = 6;
  SeededRandom rng(7);
  std::vector<int8_t> w(size_t(l.weights()));
  for (auto& v : w) v = rng.int8_in(-7, 7);
  const Tensor x = make_image(net, 3, 0);
  const std::vector<int32_t> raw = analog_partials(l, w, ima, x);
  REQUIRE(raw.size() == size_t(l.out.h * l.out.w) * 4 * 19);
  for (int shift : {0, 1, 3, 6, 31}) {
    INFO("adc_shift " << shift);
    CHECK(adc_accumulate(l, raw, shift, ima) == analog_accumulate(l, w, shift, ima, x));
  }
}

TEST_CASE("two layers with a residual by hand: padded 3x3 conv then add") {
  // Input 1x2x2, conv 3x3 pad 1 with one output channel (all weights 1:
  // each output is the sum of the whole 2x2 input), then add the input.
  Network net = Network::from_string(
      "input: {channels: 1, height: 2, width: 2}\n"
      "layers:\n"
      "  - {name: c, op: conv, out_channels: 1, kernel: 3, padding: 1, relu: true}\n"
      "  - {name: a, op: add, input: [c, input], relu: true}\n",
      "two.yaml");
  ImaParams ima;  // 256x256, 8-bit DAC and ADC
  Params p;
  p.layers.resize(2);
  p.layers[0].weights.assign(9, 1);
  p.layers[0].adc_shift = 0, p.layers[0].mult = 1, p.layers[0].shift = 1;
  Tensor x(net.input);
  x.data = {10, -20, 50, 100};
  // conv: every output sees all four inputs: 140 -> the 8-bit ADC saturates to
  // 127; requant (127 + 1) >> 1 = 64. add: 74, 44, 114, 164 -> 127.
  auto out = Reference(net, p, ima).run(x);
  CHECK(out[0].data == std::vector<int8_t>{64, 64, 64, 64});
  CHECK(out[1].data == std::vector<int8_t>{74, 44, 114, 127});
}

TEST_CASE("pooling: max ignores padding and average divides by in-bounds elements") {
  Network net = Network::from_string(
      "input: {channels: 1, height: 2, width: 2}\n"
      "layers:\n"
      "  - {name: mp, op: maxpool, kernel: 3, stride: 2, padding: 1}\n"
      "  - {name: ap, op: avgpool, kernel: 2, stride: 1, padding: 1, input: input}\n",
      "pool.yaml");
  Params p;
  p.layers.resize(2);
  Tensor x(net.input);
  x.data = {-10, -20, -30, -40};
  auto out = Reference(net, p, ImaParams{}).run(x);
  CHECK(out[0].data == std::vector<int8_t>{-10});
  // 3x3 outputs; corner (0,0) sees only -10; (1,1) sees all: -100/4 = -25.
  CHECK(out[1].data[0] == -10);
  CHECK(out[1].data[4] == -25);
  CHECK(out[1].data[1] == -15);  // (-10-20)/2
}

TEST_CASE("generated weights are deterministic and calibrated activations stay alive") {
  Network net = Network::load(source("mapping/networks/resnet-tiny.yaml"));
  ImaParams ima;
  Params a = generate_params(net, ima, 7), b = generate_params(net, ima, 7), c = generate_params(net, ima, 8);
  CHECK(a.layers[1].weights == b.layers[1].weights);
  CHECK(a.layers[1].mult == b.layers[1].mult);
  CHECK(a.layers[1].weights != c.layers[1].weights);
  Reference ref(net, a, ima);
  auto out1 = ref.run(make_image(net, 7, 0));
  auto out2 = ref.run(make_image(net, 7, 0));
  for (size_t i = 0; i < net.layers.size(); ++i) {
    CHECK(out1[i].data == out2[i].data);
    size_t zero = 0, sat = 0;
    for (int8_t v : out1[i].data) zero += v == 0, sat += v == 127 || v == -128;
    INFO("layer " << net.layers[i].name);
    CHECK(double(zero) / double(out1[i].data.size()) < 0.8);
    CHECK(double(sat) / double(out1[i].data.size()) < 0.05);
  }
  CHECK(make_image(net, 7, 0).data != make_image(net, 7, 1).data);
}

TEST_CASE("weights file round trip and its errors") {
  Network net = Network::load(source("mapping/networks/resnet-tiny.yaml"));
  Params a = generate_params(net, ImaParams{}, 3);
  std::string path = "test_weights.vpwt";
  save_params(net, a, path);
  Params b = load_params(net, path);
  for (size_t i = 0; i < net.layers.size(); ++i) {
    CHECK(a.layers[i].weights == b.layers[i].weights);
    CHECK(a.layers[i].adc_shift == b.layers[i].adc_shift);
    CHECK(a.layers[i].mult == b.layers[i].mult);
    CHECK(a.layers[i].shift == b.layers[i].shift);
  }
  std::string bytes;
  {
    std::ifstream f(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(f), {});
  }
  auto write = [&](const std::string& s) { std::ofstream(path, std::ios::binary | std::ios::trunc) << s; };
  write(bytes.substr(0, bytes.size() - 5));
  CHECK_THROWS_WITH(load_params(net, path), Catch::Contains("file ends inside the channel records of layer fc"));
  write(bytes.substr(0, bytes.size() - 300 * 12 - 5));
  CHECK_THROWS_WITH(load_params(net, path), Catch::Contains("file ends inside the weights of layer fc"));
  std::string flagged = bytes;
  flagged[16 + 52] = 0;  // conv1's record says "not uniform" while its channels are
  write(flagged);
  CHECK_THROWS_WITH(load_params(net, path), Catch::Contains("layer conv1: the record says uniform 0"));
  write("XXXX" + bytes.substr(4));
  CHECK_THROWS_WITH(load_params(net, path), Catch::Contains("not a weights file"));
  std::string renamed = bytes;
  renamed[16] = 'k';  // first record's name: conv1 -> konv1
  write(renamed);
  CHECK_THROWS_WITH(load_params(net, path), Catch::Contains("record for layer 'konv1'"));
  write(bytes + "x");
  CHECK_THROWS_WITH(load_params(net, path), Catch::Contains("trailing bytes"));
  std::remove(path.c_str());
}

TEST_CASE("per-channel requantization, bias, clip, rescaled add and average rounding by hand") {
  // ((acc + bias) * mult) / 2^shift, rounded half up, then the clamp.
  CHECK(nm_requant_ch(10, 5, 3, 2, 0, 127) == 11);      // 45 / 4 = 11.25
  CHECK(nm_requant_ch(10, -13, 3, 2, 0, 127) == -2);    // -9 / 4 = -2.25
  CHECK(nm_requant_ch(10, -13, 3, 2, 1, 127) == 0);     // ReLU
  CHECK(nm_requant_ch(100, 0, 1, 0, 1, 47) == 47);      // ReLU6 at code 47
  CHECK(nm_requant_ch(30, 0, 1, 0, 1, 47) == 30);
  CHECK(nm_requant_ch(-100, 0, 1, 0, 0, 47) == -100);   // a clip keeps the low side without ReLU
  // 31-bit multiplier (TFLite's normalised range): 0.75 = 1610612736 / 2^31.
  CHECK(nm_requant_ch(100, 0, 1610612736, 31, 0, 127) == 75);
  CHECK(nm_requant_ch(-3, 0, 1610612736, 31, 0, 127) == -2);  // -2.25
  CHECK(nm_requant_ch(INT32_MAX, INT32_MAX, 2, 1, 0, 127) == 127);  // the bias add saturates, no overflow
  CHECK(nm_bias_add(INT32_MAX, 1) == INT32_MAX);
  CHECK(nm_bias_add(INT32_MIN, -1) == INT32_MIN);
  // Rescaled add: (a * ma + b * mb) / 2^shift.
  CHECK(nm_add_rescaled(10, 20, 3, 5, 2, 0, 127) == 33);     // 130 / 4 = 32.5 -> 33
  CHECK(nm_add_rescaled(-10, -20, 3, 5, 2, 0, 127) == -32);  // -32.5 -> -32 (half up)
  CHECK(nm_add_rescaled(-10, 2, 3, 5, 2, 1, 127) == 0);
  CHECK(nm_add_rescaled(100, 100, 1, 1, 0, 0, 127) == nm_add(100, 100, 0));
  CHECK(nm_add_rescaled(20, 20, 1, 1, 0, 1, 30) == 30);
  // Average: half up, or half to even.
  CHECK(nm_average_mode(5, 2, NM_AVG_HALF_UP) == 3);
  CHECK(nm_average_mode(5, 2, NM_AVG_HALF_EVEN) == 2);   // 2.5 -> 2
  CHECK(nm_average_mode(7, 2, NM_AVG_HALF_EVEN) == 4);   // 3.5 -> 4
  CHECK(nm_average_mode(-5, 2, NM_AVG_HALF_EVEN) == -2); // -2.5 -> -2
  CHECK(nm_average_mode(-7, 2, NM_AVG_HALF_EVEN) == -4); // -3.5 -> -4
  CHECK(nm_average_mode(-8, 3, NM_AVG_HALF_EVEN) == -3); // -2.67
  CHECK(nm_average_mode(10, 4, NM_AVG_HALF_EVEN) == 2);  // 2.5 -> 2
}

TEST_CASE("Clip with any lower bound: nm_floor after the clamp is clamp(v, act_min, act_max)") {
  for (int relu = 0; relu < 2; ++relu)
    for (int act_max = relu ? 0 : -128; act_max <= 127; act_max += 7)
      for (int act_min = relu ? 0 : -128; act_min <= act_max; act_min += 5)
        for (int v = -300; v <= 300; ++v) {
          const int want = std::min(std::max(v, act_min), act_max);
          REQUIRE(nm_floor(nm_clamp(v, relu, act_max), act_min) == want);
        }
  CHECK(nm_floor(nm_requant_ch(-100, 0, 1, 0, 0, 127), -20) == -20);  // hardtanh-like: -100 -> -20
  CHECK(nm_floor(nm_requant_ch(5, 0, 1, 0, 1, 60), 12) == 12);        // Clip(0.2, 0.6)-like: 5 -> 12
  CHECK(nm_floor(nm_requant_ch(99, 0, 1, 0, 1, 60), 12) == 60);
}

TEST_CASE("golden model by hand: act_min on a conv, a dwconv and an add") {
  Network net = Network::from_string(
      "input: {channels: 2, height: 1, width: 2}\n"
      "layers:\n"
      "  - {name: c, op: conv, out_channels: 2, kernel: 1, quant: {act_max: 20, act_min: -5}}\n"
      "  - {name: d, op: dwconv, kernel: 1, relu: true, quant: {act_min: 7}}\n"
      "  - {name: a, op: add, input: [d, c], quant: {act_min: 10}}\n",
      "hand_min.yaml");
  CHECK(net.layers[0].act_min() == -5);
  CHECK(net.layers[1].act_min() == 7);
  Params p;
  p.layers.resize(3);
  p.layers[0].weights = {1, 0, 0, 1};  // identity 1x1 conv
  p.layers[0].bias = {0, 0}, p.layers[0].ch_mult = {1, 1}, p.layers[0].ch_shift = {0, 0};
  p.layers[1].weights = {1, 1};  // dwconv 1x1: the identity per channel
  p.layers[1].bias = {0, 0}, p.layers[1].ch_mult = {1, 1}, p.layers[1].ch_shift = {0, 0};
  Tensor x(net.input);
  x.data = {30, -9, 3, 8};  // pixel 0: (30, -9), pixel 1: (3, 8)
  auto out = Reference(net, p, ImaParams{}).run(x);
  // conv: clamp to [-5, 20]: 30 -> 20, -9 -> -5, 3, 8.
  CHECK(out[0].data == std::vector<int8_t>{20, -5, 3, 8});
  // dwconv with ReLU and act_min 7: 20, -5 -> 7, 3 -> 7, 8.
  CHECK(out[1].data == std::vector<int8_t>{20, 7, 7, 8});
  // add d + c: 40 -> 40, 2 -> 10, 10, 16.
  CHECK(out[2].data == std::vector<int8_t>{40, 10, 10, 16});
}

TEST_CASE("the act_min end-to-end network's lower bounds bind") {
  // tests/dataflow/act_min.yaml runs through vp-run bit-exact (dataflow-job:act-min); here, on the golden
  // model with its seeded weights, every layer with an act_min has outputs at that bound and none below.
  Network net = Network::load(source("tests/dataflow/act_min.yaml"));
  Params p = generate_params(net, ImaParams{}, 1);
  Tensor x(net.input);
  for (size_t i = 0; i < x.data.size(); ++i) x.data[i] = int8_t(int(i * 37 % 255) - 127);
  auto out = Reference(net, p, ImaParams{}).run(x);
  int bound = 0;
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& l = net.layers[i];
    if (!l.quant.act_min) continue;
    ++bound;
    INFO(l.name);
    CHECK(std::count(out[i].data.begin(), out[i].data.end(), int8_t(l.act_min())) > 0);
    CHECK(*std::min_element(out[i].data.begin(), out[i].data.end()) == l.act_min());
  }
  CHECK(bound >= 4);
}

TEST_CASE("golden model by hand: bias and per-channel requantization, ReLU6, rescaled add, half-even average") {
  Network net = Network::from_string(
      "input: {channels: 2, height: 1, width: 2}\n"
      "layers:\n"
      "  - {name: c, op: conv, out_channels: 2, kernel: 1, relu: true, quant: {act_max: 20}}\n"
      "  - {name: a, op: add, input: [c, input], quant: {mult_a: 3, mult_b: 1, shift: 1}}\n"
      "  - {name: g, op: avgpool, global: false, kernel: 1, stride: 1, rounding: half_even}\n",
      "hand.yaml");
  ImaParams ima;
  Params p;
  p.layers.resize(3);
  p.layers[0].weights = {1, 0, 0, 1};  // identity 1x1 conv
  p.layers[0].bias = {4, -4}, p.layers[0].ch_mult = {1, 3}, p.layers[0].ch_shift = {0, 1};
  Tensor x(net.input);
  x.data = {10, 10, 30, -3};  // pixel 0: (10, 10), pixel 1: (30, -3)
  auto out = Reference(net, p, ima).run(x);
  // Channel 0: (10 + 4) = 14, (30 + 4) = 34 -> 20 (act_max). Channel 1: (10 - 4) * 3 / 2 = 9,
  // (-3 - 4) * 3 / 2 = -10.5 -> -10 -> 0 (ReLU).
  CHECK(out[0].data == std::vector<int8_t>{14, 9, 20, 0});
  // Add: (3 * c + x) / 2 rounded half up: (42 + 10) / 2 = 26, (27 + 10) / 2 = 18.5 -> 19, (60 + 30) / 2 = 45, -3 / 2 -> -1.
  CHECK(out[1].data == std::vector<int8_t>{26, 19, 45, -1});
  CHECK(out[2].data == out[1].data);  // a 1x1 average is the identity
  // Per-channel tables survive the weights file.
  Network one = Network::from_string(
      "input: {channels: 2, height: 1, width: 2}\n"
      "layers:\n"
      "  - {name: c, op: conv, out_channels: 2, kernel: 1, relu: true}\n",
      "one.yaml");
  Params q;
  q.layers.push_back(p.layers[0]);
  save_params(one, q, "test_pc.vpwt");
  Params r = load_params(one, "test_pc.vpwt");
  CHECK(r.layers[0].bias == p.layers[0].bias);
  CHECK(r.layers[0].ch_mult == p.layers[0].ch_mult);
  CHECK(r.layers[0].ch_shift == p.layers[0].ch_shift);
  std::remove("test_pc.vpwt");
}

TEST_CASE("per-channel calibration gives per-channel multipliers and biases, deterministically") {
  std::ifstream f(source("mapping/networks/resnet-tiny.yaml"));
  std::string text((std::istreambuf_iterator<char>(f)), {});
  Network net = Network::from_string("calibration: per-channel\n" + text, "pc.yaml");
  Params a = generate_params(net, ImaParams{}, 5), b = generate_params(net, ImaParams{}, 5);
  const LayerParams& lp = a.layers[0];
  REQUIRE(!lp.uniform());
  CHECK(lp.ch_mult.size() == 32);
  CHECK(lp.ch_mult[0] >= (1 << 30));  // 31-bit multipliers
  CHECK(std::count(lp.bias.begin(), lp.bias.end(), 0) < 8);
  CHECK(a.layers[0].bias == b.layers[0].bias);
  CHECK_THROWS_WITH(Network::from_string("calibration: perchannel\n" + text, "pc.yaml"),
                    Catch::Contains("unknown calibration 'perchannel'"));
}

TEST_CASE("an ADC too wide for an exact int32 reduction is rejected") {
  Network net = Network::load(source("mapping/networks/resnet-tiny.yaml"));
  ImaParams ima;
  ima.adc_bits = 31;  // two crossbars of 2^30 codes reach 2^31
  CHECK_THROWS_WITH(check_numerics(net, ima), Catch::Contains("can overflow the int32 reduction"));
  CHECK_THROWS_WITH(check_numerics(net, ima), Catch::Contains("resnet-tiny.yaml:"));
}

TEST_CASE("a batch gives the same bits on one thread and on several") {
  Network net = Network::load(source("mapping/networks/resnet-tiny.yaml"));
  ImaParams ima;
  Params p = generate_params(net, ima, 11);
  Reference ref(net, p, ima);
  auto one = run_batch(ref, net, 11, 5, 1);
  auto three = run_batch(ref, net, 11, 5, 3);
  REQUIRE(one.size() == 5);
  for (size_t i = 0; i < one.size(); ++i)
    for (size_t l = 0; l < net.layers.size(); ++l) CHECK(one[i][l].data == three[i][l].data);
  CHECK(one[0].back().data != one[1].back().data);
}

TEST_CASE("depthwise conv by hand: per-channel taps, padding, stride, bias and ReLU6, and its weights record") {
  // Two channels of a 3x3 map; a 3x3 depthwise kernel, padding 1, stride 2 -> 2x2 outputs.
  Network net = Network::from_string(
      "input: {channels: 2, height: 3, width: 3}\n"
      "layers:\n"
      "  - {name: dw, op: dwconv, kernel: 3, stride: 2, padding: 1, relu: true, quant: {act_max: 50}}\n",
      "dw.yaml");
  const Layer& l = net.layers[0];
  CHECK(l.out.c == 2);
  CHECK(l.out.h == 2);
  CHECK(l.out.w == 2);
  CHECK(l.rows() == 9);
  CHECK(l.cols() == 2);
  CHECK(l.macs() == 9 * 2 * 2 * 2);
  Tensor x(net.input);
  for (int i = 0; i < 9; ++i) x.data[size_t(2 * i)] = int8_t(i + 1), x.data[size_t(2 * i + 1)] = int8_t(-10 * (i + 1));
  Params p;
  p.layers.resize(1);
  // Channel 0: all-ones kernel (a sum of the in-map taps); channel 1: only the centre tap, weight 2.
  p.layers[0].weights.assign(18, 0);
  for (int t = 0; t < 9; ++t) p.layers[0].weights[size_t(2 * t)] = 1;
  p.layers[0].weights[2 * 4 + 1] = 2;
  auto acc = depthwise_accumulate(l, p.layers[0].weights, x);
  // Channel 0 (map 1..9 row-major): (0,0) covers rows 0-1, cols 0-1: 1+2+4+5 = 12; (0,1) cols 1-2: 2+3+5+6 = 16;
  // (1,0): 4+5+7+8 = 24; (1,1): 5+6+8+9 = 28. Channel 1: twice the centre: x(0,0), x(0,2), x(2,0), x(2,2).
  CHECK(acc == std::vector<int32_t>{12, -20, 16, -60, 24, -140, 28, -180});
  p.layers[0].bias = {3, 0}, p.layers[0].ch_mult = {1, 1}, p.layers[0].ch_shift = {0, 0};
  auto out = Reference(net, p, ImaParams{}).run(x);
  // Channel 0: 15, 19, 27, 31 (bias 3); channel 1 negative -> 0 (ReLU).
  CHECK(out[0].data == std::vector<int8_t>{15, 0, 19, 0, 27, 0, 31, 0});
  p.layers[0].bias = {30, 0};
  CHECK(Reference(net, p, ImaParams{}).run(x)[0].data == std::vector<int8_t>{42, 0, 46, 0, 50, 0, 50, 0});  // act_max 50
  // The weights file has a 9 x 2 record for it (network order, like the analog layers').
  save_params(net, p, "test_dw.vpwt");
  Params r = load_params(net, "test_dw.vpwt");
  CHECK(r.layers[0].weights == p.layers[0].weights);
  CHECK(r.layers[0].bias == p.layers[0].bias);
  std::remove("test_dw.vpwt");
  // Seeded weights: full int8 range, deterministic, calibrated so the outputs stay alive.
  Params g = generate_params(Network::load(source("tests/dataflow/dw_tiny.yaml")), ImaParams{}, 5);
  Params h = generate_params(Network::load(source("tests/dataflow/dw_tiny.yaml")), ImaParams{}, 5);
  CHECK(g.layers[1].weights.size() == 9 * 16);
  CHECK(g.layers[1].weights == h.layers[1].weights);
  CHECK(g.layers[1].ch_mult == h.layers[1].ch_mult);
  CHECK(g.layers[1].adc_shift == 0);
}
