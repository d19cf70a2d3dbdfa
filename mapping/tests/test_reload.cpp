// Reload mode's layer groups (mapping/src/reload.hpp): every column group of
// every layer in exactly one group, in the network's order, each group within
// the platform; activations between groups in the HBM; the located error.
#include <catch2/catch.hpp>

#include <map>

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
