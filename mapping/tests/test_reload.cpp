// Reload mode's layer groups (mapping/src/reload.hpp): every column group of
// every layer in exactly one group, in the network's order, each group within
// the platform; activations between groups in the HBM; the located error.
#include <catch2/catch.hpp>

#include <cstring>
#include <map>
#include <set>

#include "mapping_binary.hpp"
#include "mapping_format.h"
#include "reload.hpp"

using namespace vp::map;

namespace {
std::string source(const std::string& rel) { return std::string(std::getenv("VP_SOURCE_DIR")) + "/" + rel; }
Network net_named(const std::string& n) { return Network::load(source("mapping/networks/" + n + ".yaml")); }

void check_groups(const Network& net, const ReloadPlan& plan) {
  INFO("network " << net.name << " on " << plan.platform);
  REQUIRE(!plan.groups.empty());
  std::map<int, std::vector<int>> cover;  // layer -> times each column group is placed
  int prev_layer = -1, prev_col = 0;
  int64_t cells = 0;
  for (size_t gi = 0; gi < plan.groups.size(); ++gi) {
    const ReloadGroup& g = plan.groups[gi];
    INFO("group " << gi);
    REQUIRE(g.clusters <= plan.clusters);
    REQUIRE(g.crossbars <= plan.ima_clusters);
    REQUIRE(!g.parts.empty());
    int clusters = 0, crossbars = 0;
    for (const ReloadPart& p : g.parts) {
      const Layer& l = net.layers[size_t(p.layer)];
      const LayerNeeds& d = plan.needs[size_t(p.layer)];
      const int splits = l.analog() ? d.col_splits : 1;
      // In order: the next column group of the same layer, or the first of the next layer.
      if (p.layer == prev_layer) {
        REQUIRE(p.col0 == prev_col);
      } else {
        REQUIRE(p.layer == prev_layer + 1);
        REQUIRE(p.col0 == 0);
      }
      REQUIRE(p.col1 > p.col0);
      REQUIRE(p.col1 <= splits);
      REQUIRE(p.whole == (p.col0 == 0 && p.col1 == splits));
      if (!p.whole) REQUIRE(&p == &g.parts.back());  // a part of a split layer ends its group
      auto& c = cover[p.layer];
      c.resize(size_t(splits), 0);
      for (int k = p.col0; k < p.col1; ++k) c[size_t(k)] += 1;
      clusters += d.clusters / std::max(1, splits) * (p.col1 - p.col0);
      crossbars += d.crossbars / std::max(1, splits) * (p.col1 - p.col0);
      prev_layer = p.layer, prev_col = p.col1;
    }
    REQUIRE(clusters == g.clusters);
    REQUIRE(crossbars == g.crossbars);
    cells += g.cells;
  }
  REQUIRE(prev_layer == int(net.layers.size()) - 1);
  for (size_t i = 0; i < net.layers.size(); ++i)
    for (int v : cover[int(i)]) REQUIRE(v == 1);
  // Every weight programmed once a batch.
  int64_t weights = 0;
  for (const auto& l : net.layers)
    if (l.analog()) weights += l.weights();
  REQUIRE(cells == weights);
  REQUIRE(plan.cells == weights);
}
}  // namespace

TEST_CASE("reload: a network that fits is one group of whole layers, nothing through the HBM between them") {
  Network net = net_named("resnet-tiny");
  ReloadPlan plan = plan_reload(net, vp::Config::load("mpaimc-8"));
  check_groups(net, plan);
  REQUIRE(plan.groups.size() == 1);
  const ReloadGroup& g = plan.groups[0];
  REQUIRE(g.clusters == 8);  // as mode naive: clusters used 8 of 8
  REQUIRE(g.inputs == std::vector<int>{-1});
  REQUIRE(g.outputs.empty());
  REQUIRE(g.hbm_in == net.input.size());
}

TEST_CASE("reload: resnet-tiny on crossbars of 16 columns is cut into groups, layers split by column groups") {
  Network net = net_named("resnet-tiny");
  ReloadPlan plan = plan_reload(net, vp::Config::load("mpaimc-8", {"cluster.ima.cols=16"}));
  check_groups(net, plan);
  REQUIRE(plan.groups.size() > 1);
  bool split = false;
  for (const auto& g : plan.groups)
    for (const auto& p : g.parts) split |= !p.whole;
  REQUIRE(split);  // fc: 300 columns are 19 crossbars wide, more than 8 clusters
  // A layer read by a later group is written to the HBM by its group and read from there.
  for (size_t gi = 0; gi + 1 < plan.groups.size(); ++gi) {
    const auto& next = plan.groups[gi + 1];
    for (int k : next.inputs)
      if (k >= 0 && k >= plan.groups[gi].first && k <= plan.groups[gi].last) {
        bool written = false;
        for (int o : plan.groups[gi].outputs) written |= o == k;
        REQUIRE(written);
      }
  }
}

TEST_CASE("reload: ResNet-50 on imc-4x4 programs all 25.5 M weights once a batch, in groups of at most 16 clusters") {
  Network net = net_named("resnet50");
  ReloadPlan plan = plan_reload(net, vp::Config::load("imc-4x4"));
  check_groups(net, plan);
  REQUIRE(plan.cells == 25502912);
  REQUIRE(plan.groups.size() >= 25502912 / (16 * 1152 * 64) + 1);  // at least the cells over the platform's
  for (const auto& g : plan.groups) {
    REQUIRE(g.program_rows <= 1152);
    REQUIRE(g.fetch_cycles > 0);
  }
}

TEST_CASE("reload: one column group bigger than the platform is a located error") {
  CHECK_THROWS_WITH(plan_reload(net_named("resnet18"), vp::Config::load("mpaimc-8")),
                    Catch::Contains("resnet18.yaml:26:5: layer l3b1c2 (2304x256 weights): one column group needs 10 "
                                    "clusters (9 crossbars of 256x256 and their reduction node)") &&
                        Catch::Contains("mpaimc-8 has 8"));
}

namespace {
template <class T>
T at(const std::vector<uint8_t>& b, size_t off) {
  REQUIRE(off + sizeof(T) <= b.size());
  T v;
  std::memcpy(&v, b.data() + off, sizeof v);
  return v;
}

// The reload file read back: every group's VMAP binary valid, its clusters
// those of its parts, every edge to or from the HBM naming a region of the
// shared table, and every such input written by an earlier group; each
// crossbar's chunk the weights of its block, every weight once.
void check_reload_file(const Network& net, const vp::Config& cfg) {
  const ReloadMapping rm = map_reload(net, cfg);
  const Params params = network_params(net, ImaParams::from(cfg, net), 1);
  const std::vector<uint8_t> bin = encode_reload(rm, net, params);
  const auto h = at<vprl_header_t>(bin, 0);
  REQUIRE(h.magic == VPRL_MAGIC);
  REQUIRE(h.version == VPRL_VERSION);
  REQUIRE(h.header_bytes == sizeof h);
  REQUIRE(h.total_bytes == bin.size());
  REQUIRE(h.n_groups == rm.plan.groups.size());
  REQUIRE(h.n_hbm_buffers == rm.hbm.size());
  REQUIRE(h.data_offset % 64 == 0);
  std::set<int> written = {-1};  // layers in the HBM so far: the network input
  int64_t cells = 0;
  uint32_t next_chunk = 0;
  for (uint32_t gi = 0; gi < h.n_groups; ++gi) {
    INFO("group " << gi);
    const auto g = at<vprl_group_t>(bin, h.group_offset + gi * sizeof(vprl_group_t));
    REQUIRE(g.mapping_offset % 64 == 0);
    const std::vector<uint8_t> sub(bin.begin() + g.mapping_offset, bin.begin() + g.mapping_offset + g.mapping_bytes);
    const DecodedMapping d = decode_mapping(sub, "group");
    REQUIRE(d.header.mode == VPMAP_MODE_NAIVE);
    REQUIRE(d.header.n_layers == net.layers.size());
    REQUIRE(d.header.n_clusters == g.clusters);
    REQUIRE(g.clusters <= rm.plan.clusters);
    REQUIRE(d.header.n_hbm_buffers == h.n_hbm_buffers);
    for (uint32_t i = 0; i < h.n_hbm_buffers; ++i) {
      const auto b = at<vpmap_buffer_t>(bin, h.hbm_offset + i * sizeof(vpmap_buffer_t));
      REQUIRE(std::memcmp(&b, &d.buffers[d.header.first_hbm_buffer + i], sizeof b) == 0);
    }
    auto region_of = [&](uint16_t layer) {
      for (uint32_t i = 0; i < d.header.n_hbm_buffers; ++i) {
        const vpmap_buffer_t& b = d.buffers[d.header.first_hbm_buffer + i];
        if (b.layer == layer && b.kind != VPMAP_BUF_RESIDUAL) return true;
      }
      return false;
    };
    std::set<int> out;
    for (const vpmap_edge_t& e : d.in_edges) {
      if (e.src != VPMAP_NONE) continue;
      if (e.kind == VPMAP_EDGE_RESIDUAL && !region_of(e.layer)) continue;  // a ring inside the group
      REQUIRE(region_of(e.layer));
      REQUIRE(written.count(e.layer == VPMAP_NONE ? -1 : int(e.layer)) == 1);
    }
    for (const vpmap_edge_t& e : d.out_edges)
      if (e.dst == VPMAP_NONE && e.kind != VPMAP_EDGE_RESIDUAL) {
        REQUIRE(region_of(e.layer));
        out.insert(e.layer);
      }
    written.insert(out.begin(), out.end());
    // Chunks: one per crossbar cluster, in cluster order, contiguous.
    REQUIRE(g.first_chunk == next_chunk);
    uint32_t expect = g.chunk_data_offset;
    for (uint32_t k = g.first_chunk; k < g.first_chunk + g.n_chunks; ++k) {
      const auto ch = at<vprl_chunk_t>(bin, h.chunk_offset + k * sizeof(vprl_chunk_t));
      const vpmap_cluster_t& c = d.clusters.at(ch.cluster);
      REQUIRE(c.role == VPMAP_ROLE_ANALOG);
      REQUIRE(ch.layer == c.layer);
      REQUIRE(ch.row0 == c.row0);
      REQUIRE(ch.rows == c.row1 - c.row0);
      REQUIRE(ch.col0 == c.col0);
      REQUIRE(ch.cols == c.col1 - c.col0);
      REQUIRE(ch.pitch % 4 == 0);
      REQUIRE(ch.offset == expect);
      const Layer& l = net.layers[ch.layer];
      const auto& w = params.layers[ch.layer].weights;
      for (uint32_t i = 0; i < ch.rows; ++i)
        for (uint32_t j = 0; j < ch.pitch; ++j)
          REQUIRE(int8_t(bin.at(ch.offset + i * ch.pitch + j)) ==
                  (j < ch.cols ? w[size_t((ch.row0 + i) * l.cols() + ch.col0 + j)] : 0));
      cells += int64_t(ch.rows) * ch.cols;
      expect = uint32_t((ch.offset + ch.rows * ch.pitch + 63u) & ~63u);
    }
    uint32_t analog = 0;
    for (const auto& c : d.clusters) analog += c.role == VPMAP_ROLE_ANALOG;
    REQUIRE(g.n_chunks == analog);
    REQUIRE(g.chunk_data_bytes == expect - g.chunk_data_offset);
    next_chunk += g.n_chunks;
  }
  REQUIRE(next_chunk == h.n_chunks);
  REQUIRE(cells == rm.plan.cells);
  REQUIRE(written.count(int(net.layers.size()) - 1) == 1);  // the network output
}
}  // namespace

TEST_CASE("reload file: groups as mappings, weight chunks and HBM regions (resnet-tiny, 4 groups, a split fc)") {
  const Network net = net_named("resnet-tiny");
  const vp::Config cfg = vp::Config::load("mpaimc-8", {"cluster.ima.cols=16"});
  check_reload_file(net, cfg);
  const ReloadMapping rm = map_reload(net, cfg);
  REQUIRE(rm.groups.size() == 4);
  // The add of group 1 reads both inputs from the HBM: conv2 on port A, conv1 (the cut residual) on port B.
  int add_in = 0;
  for (const Edge& e : rm.groups[1].edges)
    if (e.src < 0 && e.dst == 0) add_in += e.kind == Edge::Residual ? 10 : 1;
  REQUIRE(add_in == 11);
  // The cost model's figures per group: a pipeline over the batch, activations through the HBM.
  for (const ReloadGroup& g : rm.plan.groups) {
    REQUIRE(g.compute_cycles > 0);
    REQUIRE(g.activation_cycles > 0);
  }
  REQUIRE_THAT(reload_report(rm.plan, net), Catch::Contains("batch of 16 (cost model, not a VP run)"));
  // A network that fits: one group, the naive mapping itself.
  const vp::Config small = vp::Config::load("mpaimc-8");
  check_reload_file(net, small);
  const Mapping naive = map_network(net, small, Mode::Naive);
  REQUIRE(encode_reload(map_reload(net, small), net, network_params(net, ImaParams::from(small, net), 1)).size() > 0);
  REQUIRE(map_reload(net, small).groups[0].clusters.size() == naive.clusters.size());
}

TEST_CASE("reload file: ResNet-50 on imc-4x4") {
  check_reload_file(net_named("resnet50"), vp::Config::load("imc-4x4"));
}

TEST_CASE("reload file: a platform of unlike clusters is refused") {
  CHECK_THROWS_WITH(map_reload(net_named("resnet-tiny"), vp::Config::load("mpaimc-512-mixed")),
                    Catch::Contains("reload mode maps on a platform whose clusters are alike"));
}
