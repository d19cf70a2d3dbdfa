// The mapping's outputs: binary form round trip and errors, YAML, report.
#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "mapping_binary.hpp"
#include "mapping_yaml.hpp"
#include "numerics.h"
#include "reference.hpp"
#include "report.hpp"

using namespace vp::map;

namespace {
std::string source(const std::string& rel) { return std::string(std::getenv("VP_SOURCE_DIR")) + "/" + rel; }
Network net_named(const std::string& n) { return Network::load(source("mapping/networks/" + n + ".yaml")); }
}  // namespace

TEST_CASE("binary form: round trip of every record") {
  for (const char* name : {"resnet-tiny", "resnet18"}) {
    Network net = net_named(name);
    vp::Config cfg = vp::Config::load("mpaimc-512");
    Mapping m = map_network(net, cfg, Mode::Full);
    Params params;
    params.layers.resize(net.layers.size());
    for (size_t i = 0; i < net.layers.size(); ++i) {
      LayerParams& lp = params.layers[i];
      lp.adc_shift = int(i % 7), lp.mult = int32_t(1000 + i), lp.shift = int(i % 13);
    }
    auto bytes = encode_mapping(m, net, &params);
    DecodedMapping d = decode_mapping(bytes, "map.bin");
    CHECK(d.header.magic == VPMAP_MAGIC);
    CHECK(d.header.total_bytes == bytes.size());
    CHECK(d.header.flags == VPMAP_FLAG_QUANT);
    CHECK(d.header.platform_clusters == 512);
    CHECK(d.header.l1_reserved == m.cost.l1_reserved);
    REQUIRE(d.layers.size() == net.layers.size());
    for (size_t i = 0; i < net.layers.size(); ++i) {
      const auto& r = d.layers[i];
      CHECK(std::string(r.name) == net.layers[i].name);
      CHECK(r.out_c == net.layers[i].out.c);
      CHECK(r.replicas == m.plans[i].replicas);
      CHECK(r.tiles == m.plans[i].tiles);
      CHECK(r.input0 == (net.layers[i].inputs[0] < 0 ? VPMAP_NONE : net.layers[i].inputs[0]));
      if (net.layers[i].analog()) {
        CHECK(r.mult == params.layers[i].mult);
        CHECK(r.shift == params.layers[i].shift);
        CHECK(r.adc_shift == params.layers[i].adc_shift);
      }
    }
    REQUIRE(d.clusters.size() == m.clusters.size());
    REQUIRE(d.in_edges.size() == m.edges.size());
    for (size_t i = 0; i < m.clusters.size(); ++i) {
      const auto& r = d.clusters[i];
      const auto& c = m.clusters[i];
      CHECK(r.role == int(c.role) + 1);
      CHECK(r.row0 == c.row0);
      CHECK(r.row1 == c.row1);
      CHECK(r.col0 == c.col0);
      CHECK(r.col1 == c.col1);
      CHECK(r.l1_used == c.l1_used);
      REQUIRE(r.n_buffers == c.buffers.size());
      for (uint32_t k = 0; k < r.n_buffers; ++k) {
        CHECK(d.buffers[r.first_buffer + k].offset == c.buffers[k].offset);
        CHECK(d.buffers[r.first_buffer + k].cluster == c.id);
      }
      size_t in = 0, out = 0;
      for (const auto& e : m.edges) in += e.dst == c.id, out += e.src == c.id;
      CHECK(r.n_in_edges == in);
      CHECK(r.n_out_edges == out);
      for (uint32_t k = 0; k < r.n_in_edges; ++k) CHECK(d.in_edges[r.first_in_edge + k].dst == c.id);
      for (uint32_t k = 0; k < r.n_out_edges; ++k) CHECK(d.out_edges[r.first_out_edge + k].src == c.id);
    }
    for (const auto& b : d.buffers)
      if (b.kind == VPMAP_BUF_RESIDUAL) CHECK(b.layer != VPMAP_NONE);
    REQUIRE(d.header.n_hbm_buffers == m.hbm.size());
    for (size_t k = 0; k < m.hbm.size(); ++k) {
      const auto& b = d.buffers[d.header.first_hbm_buffer + k];
      CHECK(b.cluster == VPMAP_NONE);
      CHECK(b.offset == m.hbm[k].offset);
      CHECK(b.size == m.hbm[k].size);
    }
    CHECK(d.buffers[d.header.first_hbm_buffer].kind == VPMAP_BUF_INPUT);
    // The same mapping encodes to the same bytes.
    CHECK(encode_mapping(m, net, &params) == bytes);
  }
}

TEST_CASE("binary form: damaged files are rejected with the byte offset") {
  Network net = net_named("resnet-tiny");
  Mapping m = map_network(net, vp::Config::load("mpaimc-8"), Mode::Naive);
  auto bytes = encode_mapping(m, net, nullptr);
  CHECK(decode_mapping(bytes, "map.bin").header.flags == 0);
  auto bad = bytes;
  bad[0] = 'X';
  CHECK_THROWS_WITH(decode_mapping(bad, "map.bin"), Catch::Contains("map.bin: byte 0") && Catch::Contains("not a mapping file"));
  bad = bytes;
  bad[4] = 9;
  CHECK_THROWS_WITH(decode_mapping(bad, "map.bin"), Catch::Contains("byte 4") && Catch::Contains("format version 9"));
  bad.assign(bytes.begin(), bytes.end() - 1);
  CHECK_THROWS_WITH(decode_mapping(bad, "map.bin"), Catch::Contains("the file has"));
  bad.assign(bytes.begin(), bytes.begin() + 10);
  CHECK_THROWS_WITH(decode_mapping(bad, "map.bin"), Catch::Contains("shorter than the 80-byte header"));
  bad = bytes;
  bad[32] = 0xFF, bad[33] = 0xFF;  // layer table offset beyond the file
  CHECK_THROWS_WITH(decode_mapping(bad, "map.bin"), Catch::Contains("lies outside the file"));
}

TEST_CASE("mapping YAML describes every cluster and parses back") {
  Network net = net_named("resnet-tiny");
  Mapping m = map_network(net, vp::Config::load("mpaimc-64"), Mode::Full);
  YAML::Node y = YAML::Load(mapping_yaml(m, net));
  CHECK(y["mapping"]["clusters_used"].as<int>() == m.clusters_used());
  CHECK(y["mapping"]["mode"].as<std::string>() == "full");
  REQUIRE(y["clusters"].size() == m.clusters.size());
  REQUIRE(y["layers"].size() == net.layers.size());
  for (size_t i = 0; i < m.clusters.size(); ++i) {
    CHECK(y["clusters"][i]["id"].as<int>() == int(i));
    CHECK(y["clusters"][i]["producers"].size() > 0);
    CHECK(y["clusters"][i]["consumers"].size() > 0);
  }
  const YAML::Node conv2 = y["layers"][1];
  CHECK(conv2["row_splits"].as<int>() == 2);
  CHECK(conv2["tiles"].size() == size_t(m.plans[1].tiles));
  CHECK(y["layers"][2]["residual"]["keeps"].as<std::string>() == "conv1");
}

TEST_CASE("report: clusters and factors and stage times and bottleneck and throughput with the op count") {
  Network net = net_named("resnet18");
  Mapping m = map_network(net, vp::Config::load("mpaimc-512"), Mode::Full);
  std::string text = report_text(m, net);
  CHECK_THAT(text, Catch::Contains(fmt::format("clusters used: {} of 512", m.clusters_used())));
  CHECK_THAT(text, Catch::Contains("2369245184 MACs per image"));
  CHECK_THAT(text, Catch::Contains("bottleneck: "));
  CHECK_THAT(text, Catch::Contains("images/s"));
  auto j = report_json(m, net);
  CHECK(j["clusters_used"] == m.clusters_used());
  CHECK(j["ops_per_image"] == 2 * int64_t(2369245184));
  CHECK(j["layers"].size() == net.layers.size());
  CHECK(j["images_per_s"].get<double>() == Approx(m.images_per_s));
  CHECK(j["tops"].get<double>() == Approx(2.0 * 2369245184.0 * m.images_per_s * 1e-12));
  CHECK_THAT(layer_table(net), Catch::Contains("  4     4  l1b1add"));
}

TEST_CASE("crossbar blocks of a mapping reproduce the reference model") {
  // Recompute conv2 of the small network from the blocks its analog clusters
  // hold, with one ima_mvm per crossbar and the reduction, as the VP does.
  Network net = net_named("resnet-tiny");
  vp::Config cfg = vp::Config::load("mpaimc-8");
  ImaParams ima = ImaParams::from(cfg);
  Params params = generate_params(net, ima, 5);
  Mapping m = map_network(net, cfg, Mode::Naive);
  Tensor image = make_image(net, 5, 0);
  auto acts = Reference(net, params, ima).run(image);
  const int li = net.index("conv2");
  const Layer& l = net.layers[size_t(li)];
  const LayerParams& lp = params.layers[size_t(li)];
  const Tensor& in = acts[size_t(l.inputs[0])];
  std::vector<int32_t> acc(size_t(l.out.size()), 0);
  for (const auto& c : m.clusters) {
    if (c.layer != li || c.role != Role::Analog) continue;
    auto block = crossbar_block(l, lp, c.row0, c.row1, c.col0, c.col1);
    const unsigned cols = unsigned(c.col1 - c.col0), rows = unsigned(c.row1 - c.row0);
    for (int y = 0; y < l.out.h; ++y)
      for (int x = 0; x < l.out.w; ++x) {
        std::vector<int8_t> vec;  // rows [row0, row1) of this pixel's (ky, kx, c_in) input vector
        for (int64_t r = c.row0; r < c.row1; ++r) {
          int64_t ky = r / (l.kernel * l.in.c), kx = (r / l.in.c) % l.kernel, ch = r % l.in.c;
          int64_t iy = y - l.padding + ky, ix = x - l.padding + kx;
          bool inside = iy >= 0 && iy < l.in.h && ix >= 0 && ix < l.in.w;
          vec.push_back(inside ? in.data[size_t((iy * l.in.w + ix) * l.in.c + ch)] : int8_t(0));
        }
        std::vector<int32_t> out(cols);
        ima_mvm(block.data(), cols, rows, 0, cols, vec.data(), unsigned(ima.dac_bits), unsigned(ima.adc_bits),
                unsigned(lp.adc_shift), out.data());
        for (unsigned j = 0; j < cols; ++j) acc[size_t((y * l.out.w + x) * l.out.c) + c.col0 + j] += out[j];
      }
  }
  const Tensor& want = acts[size_t(li)];
  size_t same = 0;
  for (size_t i = 0; i < acc.size(); ++i) same += nm_requant(acc[i], lp.mult, unsigned(lp.shift), l.relu) == want.data[i];
  CHECK(same == acc.size());
  CHECK_THROWS_AS(crossbar_block(l, lp, 0, l.rows() + 1, 0, 1), std::invalid_argument);
}
