// The network format: ResNet-18 as shipped, and every class of format error.
#include <catch2/catch.hpp>

#include "network.hpp"
#include "params.hpp"

using namespace vp::map;

namespace {
std::string source(const std::string& rel) { return std::string(std::getenv("VP_SOURCE_DIR")) + "/" + rel; }

std::string error_of(const std::string& text) {
  try {
    Network::from_string(text, "net.yaml");
  } catch (const vp::ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

const std::string head = "input: {channels: 3, height: 8, width: 8}\nlayers:\n";
}  // namespace

TEST_CASE("ResNet-18 at 256x256: layers and paper numbering and operation count") {
  Network net = Network::load(source("mapping/networks/resnet18.yaml"));
  REQUIRE(net.layers.size() == 31);
  CHECK(net.layers[0].paper == "0");
  CHECK(net.layers[0].kernel == 7);
  CHECK(net.layers[1].op == Op::MaxPool);
  CHECK(net.layers[1].paper == "1");
  // The residual adds the paper names (Fig. 2A, section V-2).
  for (const char* paper : {"4", "7", "13", "19"}) {
    bool found = false;
    for (const auto& l : net.layers) found = found || (l.paper == paper && l.op == Op::Add);
    CHECK(found);
  }
  CHECK(net.layers.back().op == Op::FC);
  CHECK(net.layers.back().out.c == 1000);
  CHECK(net.macs() == 2369245184);  // about 2.37 GMAC per image
}

TEST_CASE("a 512->512 3x3 layer needs 36 crossbars of 64K weights") {
  Network net = Network::load(source("mapping/networks/resnet18.yaml"));
  const Layer& l = net.layers[size_t(net.index("l4b2c1"))];
  CHECK(l.weights() == 2359296);  // 2.36 M
  ImaParams ima;
  CHECK(ima.row_chunks(l) == 18);
  CHECK(ima.col_chunks(l) == 2);
  CHECK(ima.row_chunks(l) * ima.col_chunks(l) == 36);
}

TEST_CASE("the small test network covers every mapping case") {
  Network net = Network::load(source("mapping/networks/resnet-tiny.yaml"));
  ImaParams ima;
  bool reduction = false, column_split = false, residual = false, pool = false, fc = false;
  for (const auto& l : net.layers) {
    reduction = reduction || (l.analog() && ima.row_chunks(l) > 1);
    column_split = column_split || (l.analog() && ima.col_chunks(l) > 1);
    residual = residual || l.op == Op::Add;
    pool = pool || l.op == Op::AvgPool || l.op == Op::MaxPool;
    fc = fc || l.op == Op::FC;
  }
  CHECK((reduction && column_split && residual && pool && fc));
}

TEST_CASE("network format errors are located and explain themselves") {
  CHECK_THAT(error_of(head + "  - {name: c, op: conv, out_channels: 4, kernal: 3}\n"),
             Catch::Contains("net.yaml:3:42: error: layers.0.kernal: unknown key (did you mean 'kernel'?)"));
  CHECK_THAT(error_of(head + "  - {name: c, op: convv, out_channels: 4, kernel: 3}\n"),
             Catch::Contains("net.yaml:3:19") && Catch::Contains("unknown op 'convv' (did you mean 'conv'?)"));
  CHECK_THAT(error_of(head + "  - {name: c, op: conv, out_channels: 4, kernel: 3, input: cc}\n"),
             Catch::Contains("net.yaml:3:60") && Catch::Contains("unknown layer 'cc'"));
  CHECK_THAT(error_of(head + "  - {name: c, op: conv, out_channels: 4, kernel: 3}\n  - {name: a, op: add, input: c}\n"),
             Catch::Contains("net.yaml:4:") && Catch::Contains("add takes 2 input(s), found 1"));
  CHECK_THAT(error_of(head + "  - {name: c, op: conv, out_channels: 4, kernel: 3}\n  - {name: a, op: add, input: [c, input]}\n"),
             Catch::Contains("add needs equal shapes, found 4x6x6 and 3x8x8"));
  CHECK_THAT(error_of(head + "  - {name: c, op: conv, out_channels: four, kernel: 3}\n"),
             Catch::Contains("net.yaml:3:39") && Catch::Contains("expected an integer, found 'four'"));
  CHECK_THAT(error_of(head + "  - {name: c, op: conv, kernel: 3}\n"),
             Catch::Contains("layers.c.out_channels: missing required key"));
  CHECK_THAT(error_of(head + "  - {name: c, op: conv, out_channels: 4, kernel: 9}\n"),
             Catch::Contains("kernel 9 is larger than the padded input 8x8"));
  CHECK_THAT(error_of(head + "  - {name: c, op: conv, out_channels: 4, kernel: 3}\n  - {name: c, op: maxpool, kernel: 2}\n"),
             Catch::Contains("net.yaml:4:12") && Catch::Contains("layer 'c' is defined twice"));
  CHECK_THAT(error_of(head + "  - {name: c, op: conv, out_channels: 4, kernel: 3, stride: 0}\n"),
             Catch::Contains("0 is out of range [1, 255]"));
  CHECK_THAT(error_of(head + "  - {name: p, op: maxpool, kernel: 2, relu: true}\n"),
             Catch::Contains("not a parameter of op 'maxpool'"));
  CHECK_THAT(error_of("input: {channels: 3, height: 8, width: 8}\nlayers: [\n"), Catch::Contains("net.yaml:3:1: error: YAML syntax"));
  CHECK_THAT(error_of("input: {channels: 3, height: 8}\nlayers: []\n"), Catch::Contains("input.width: missing required key"));
  CHECK_THAT(error_of("input: {channels: 3, height: 8, width: 8}\nlayers: []\n"), Catch::Contains("non-empty list of layers"));
  CHECK_THROWS_WITH(Network::load("/nonexistent/net.yaml"), Catch::Contains("cannot open network file"));
  // act_min (Clip's lower bound): at or above the ReLU floor (or -128), at most act_max.
  CHECK_THAT(error_of(head + "  - {name: c, op: conv, out_channels: 4, kernel: 3, relu: true, quant: {act_min: -1}}\n"),
             Catch::Contains("layers.c.quant.act_min") && Catch::Contains("-1 is out of range [0, 127]"));
  CHECK_THAT(error_of(head + "  - {name: c, op: conv, out_channels: 4, kernel: 3, quant: {act_max: 10, act_min: 11}}\n"),
             Catch::Contains("layers.c.quant.act_min") && Catch::Contains("11 is out of range [-128, 10]"));
  CHECK_THAT(error_of(head + "  - {name: p, op: maxpool, kernel: 2, quant: {act_min: 3}}\n"),
             Catch::Contains("layers.p.quant"));
  // dwconv: its output channels are its input's, it has no ADC.
  CHECK_THAT(error_of(head + "  - {name: d, op: dwconv, kernel: 3, out_channels: 3}\n"),
             Catch::Contains("layers.d.out_channels: not a parameter of op 'dwconv'"));
  CHECK_THAT(error_of(head + "  - {name: d, op: dwconv, kernel: 3, quant: {adc_shift: 2}}\n"),
             Catch::Contains("layers.d.quant.adc_shift: unknown key"));
  CHECK_THAT(error_of(head + "  - {name: d, op: dwconv, padding: 1}\n"), Catch::Contains("layers.d.kernel: missing required key"));
  CHECK_THAT(error_of(head + "  - {name: d, op: dwconv, kernel: 3, global: true}\n"),
             Catch::Contains("not a parameter of op 'dwconv'"));
  CHECK_THAT(error_of(head + "  - {name: d, op: dwcnv, kernel: 3}\n"), Catch::Contains("did you mean 'dwconv'?"));
}

TEST_CASE("MobileNetV2 at 224x224: shapes, 17 bottlenecks, 10 residual adds, 300.8 M MACs") {
  Network net = Network::load(source("mapping/networks/mobilenetv2.yaml"));
  int dw = 0, adds = 0;
  for (const auto& l : net.layers) dw += l.op == Op::DwConv, adds += l.op == Op::Add;
  CHECK(dw == 17);
  CHECK(adds == 10);
  CHECK(net.layers.back().out.c == 1000);
  CHECK(net.layers[size_t(net.index("conv_last"))].in.h == 7);
  CHECK(net.macs() == 300774272);  // the paper's 300 M multiply-adds
  CHECK(net.per_channel_calibration);
}
