// The platform loader: schema, defaults, overrides and every error class.
#include <catch2/catch.hpp>

#include "config/cluster_classes.hpp"
#include "config/config.hpp"
#include "config/suggest.hpp"

using vp::Config;
using vp::ConfigError;

static std::string error_of(const std::string& text, const std::vector<std::string>& ov = {}) {
  try {
    Config::from_string(text, "t.yaml", ov);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST_CASE("built-in mpaimc-512 states Table I", "[config]") {
  auto c = Config::load("mpaimc-512");
  CHECK(c.get_string("kind") == "manycore");
  CHECK(c.get_int("cluster.count") == 512);
  CHECK(c.get_int("cluster.cores") == 16);
  CHECK(c.get_size("cluster.l1.size") == 1u << 20);
  CHECK(c.get_size("hbm.size") == 1536ull << 20);
  CHECK(c.get_float("clock_hz") == 1e9);
  CHECK(c.get_int("cluster.ima.rows") == 256);
  CHECK(c.get_int("cluster.ima.cols") == 256);
  CHECK(c.get_float("cluster.ima.mvm_ns") == 130.0);
  CHECK(c.get_int("cluster.ima.streamer_ports") == 16);
  CHECK(c.get_int_list("noc.factors") == std::vector<int64_t>{1, 8, 4, 4, 4});
  CHECK(c.get_int_list("noc.width_bytes") == std::vector<int64_t>{64, 64, 64, 64, 64});
  CHECK(c.get_int_list("noc.latency_cycles") == std::vector<int64_t>{100, 4, 4, 4, 4});
}

TEST_CASE("every built-in platform loads", "[config]") {
  for (const auto& name : Config::builtin_names()) {
    INFO(name);
    CHECK_NOTHROW(Config::load(name));
  }
}

TEST_CASE("defaults fill omitted keys and locations are recorded", "[config]") {
  auto c = Config::from_string("name: t\ncluster:\n  l1:\n    banks: 64\n", "t.yaml");
  CHECK(c.get_int("cluster.l1.banks") == 64);
  CHECK(c.get_int("cluster.cores") == 16);
  CHECK(c.location("cluster.l1.banks").str() == "t.yaml:4:12");
  CHECK(c.location("cluster.cores").origin == "default of cluster.cores");
}

TEST_CASE("overrides apply on top of the file, lists by index", "[config]") {
  auto c = Config::load("mpaimc-512", {"cluster.l1.banks=16", "noc.latency_cycles.0=250",
                                       "noc.factors=[1, 2, 4, 4, 4]", "cluster.count=128", "name=x"});
  CHECK(c.get_int("cluster.l1.banks") == 16);
  CHECK(c.get_int_list("noc.latency_cycles")[0] == 250);
  CHECK(c.get_int("cluster.count") == 128);
  CHECK(c.get_string("name") == "x");
  CHECK(c.location("cluster.l1.banks").origin == "--set cluster.l1.banks=16");
}

TEST_CASE("sizes accept binary suffixes and hex", "[config]") {
  auto c = Config::from_string("name: t\nkind: bare\nmemory:\n  base: 0x1000\n  size: 1.5MiB\n", "t.yaml");
  CHECK(c.get_int("memory.base") == 0x1000);
  CHECK(c.get_size("memory.size") == 1572864);
}

TEST_CASE("error: unknown key names file, line, column, path and suggestion", "[config][errors]") {
  auto e = error_of("name: t\ncluster:\n  l1:\n    bnks: 8\n");
  CHECK_THAT(e, Catch::Contains("t.yaml:4:5: error: cluster.l1.bnks: unknown key (did you mean 'banks'?)"));
  e = error_of("name: t\nzzzzzzzzzzz: 1\n");
  CHECK_THAT(e, Catch::Contains("unknown key (known here:"));
}

TEST_CASE("error: wrong type", "[config][errors]") {
  CHECK_THAT(error_of("name: t\ncluster:\n  cores: 1.5\n"), Catch::Contains("t.yaml:3:10: error: cluster.cores: expected an integer"));
  CHECK_THAT(error_of("name: t\ncluster: 3\n"), Catch::Contains("cluster: expected a map"));
  CHECK_THAT(error_of("name: t\nnoc:\n  factors: 8\n"), Catch::Contains("noc.factors: expected a list of int"));
  CHECK_THAT(error_of("name: t\nnoc:\n  factors: [1, x, 4, 4, 4]\n"), Catch::Contains("t.yaml:3:16: error: noc.factors.1: expected an integer"));
  CHECK_THAT(error_of("name: t\nclock_hz: fast\n"), Catch::Contains("expected a number"));
}

TEST_CASE("error: out of range", "[config][errors]") {
  CHECK_THAT(error_of("name: t\ncluster:\n  cores: 0\n"), Catch::Contains("cluster.cores: 0 is out of range [1, 32]"));
  CHECK_THAT(error_of("name: t\nnoc:\n  factors: [1, 8, 4, 4, 0]\n"), Catch::Contains("noc.factors.4: 0 is out of range"));
  CHECK_THAT(error_of("name: t\nnoc:\n  factors: []\n"), Catch::Contains("needs at least 1 items"));
}

TEST_CASE("error: inconsistent values", "[config][errors]") {
  CHECK_THAT(error_of("name: t\ncluster:\n  count: 256\n"),
             Catch::Contains("t.yaml:1:1: error: noc.factors: the product of the quadrant factors is 512 but cluster.count is 256") ||
                 Catch::Contains("noc.factors: the product of the quadrant factors is 512 but cluster.count is 256"));
  CHECK_THAT(error_of("name: t\nnoc:\n  factors: [8, 4, 4, 4]\n"), Catch::Contains("noc.factors: has 4 items but noc.levels names 5 levels"));
  CHECK_THAT(error_of("name: t\ncluster:\n  l1:\n    bank_width: 12\n"), Catch::Contains("must be a power of two"));
}

TEST_CASE("error: missing required key, bad enum, duplicate key, syntax", "[config][errors]") {
  CHECK_THAT(error_of("kind: bare\n"), Catch::Contains("name: missing required key"));
  CHECK_THAT(error_of("name: t\nkind: bar\n"), Catch::Contains("'bar' is not one of: manycore, bare (did you mean 'bare'?)"));
  CHECK_THAT(error_of("name: t\nname: u\n"), Catch::Contains("t.yaml:2:1: error: name: duplicate key"));
  CHECK_THAT(error_of("name: t\ncluster:\n  cores: [16\n"), Catch::Contains("YAML syntax"));
  CHECK_THAT(error_of("- 1\n- 2\n"), Catch::Contains("a platform file is a map"));
}

TEST_CASE("error: overrides are located at the command line", "[config][errors]") {
  auto e = error_of("name: t\n", {"cluster.cors=4"});
  CHECK_THAT(e, Catch::Contains("--set cluster.cors=4: error: cluster.cors: unknown key (did you mean 'cores'?)"));
  CHECK_THAT(error_of("name: t\n", {"cluster.cores=99"}), Catch::Contains("--set cluster.cores=99: error: cluster.cores: 99 is out of range"));
  CHECK_THAT(error_of("name: t\n", {"noc.factors.7=2"}), Catch::Contains("index 7 is past the end of a list of 5"));
  CHECK_THAT(error_of("name: t\n", {"cluster.cores"}), Catch::Contains("key.path=value"));
  CHECK_THAT(error_of("name: t\n", {"name.x=1"}), Catch::Contains("cannot descend into a scalar"));
}

TEST_CASE("unknown platform source suggests a built-in", "[config][errors]") {
  try {
    Config::load("mpaimc-51");
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("did you mean 'mpaimc-512'"));
  }
}

TEST_CASE("reading a key the schema does not declare is a programming error", "[config]") {
  auto c = Config::load("mpaimc-8");
  CHECK_THROWS_AS(c.get_int("cluster.nope"), std::logic_error);
  CHECK_THROWS_AS(c.get_string("cluster.count"), std::logic_error);
}

TEST_CASE("closest_match", "[config]") {
  CHECK(vp::closest_match("bnks", {"banks", "size"}) == "banks");
  CHECK(vp::closest_match("zzzz", {"banks", "size"}).empty());
}

TEST_CASE("to_json is typed", "[config]") {
  auto j = Config::load("mpaimc-8").to_json();
  CHECK(j["cluster"]["count"].get<int>() == 8);
  CHECK(j["noc"]["levels"][0].get<std::string>() == "hbm_link");
  CHECK(j["clock_hz"].get<double>() == 1e9);
}

// Heterogeneous platforms (issue 24): cluster_classes and cluster.classes.
static const char* kHetero = R"(name: h
cluster_classes:
  analog:
    cores: 1
  digital:
    ima: {present: false}
    l1: {size: 512KiB}
cluster:
  count: 8
  classes: [analog, analog, analog, digital]
  classes_repeat: true
noc: {levels: [root, leaf], factors: [2, 4], width_bytes: [64, 64], latency_cycles: [10, 4]}
)";

TEST_CASE("cluster classes: a class's keys override cluster.*, per cluster id", "[config][classes]") {
  const Config c = Config::from_string(kHetero, "h.yaml");
  CHECK(vp::cluster_class(c, 0) == "analog");
  CHECK(vp::cluster_class(c, 3) == "digital");
  CHECK(vp::cluster_class(c, 7) == "digital");
  CHECK(vp::cluster_key(c, 0, "cores") == "cluster_classes.analog.cores");
  CHECK(vp::cluster_key(c, 3, "cores") == "cluster.cores");  // digital leaves it to cluster.cores
  CHECK(c.get_int(vp::cluster_key(c, 3, "cores")) == 16);
  CHECK(c.get_bool(vp::cluster_key(c, 0, "ima.present")));
  CHECK_FALSE(c.get_bool(vp::cluster_key(c, 7, "ima.present")));
  CHECK(c.get_size(vp::cluster_key(c, 3, "l1.size")) == 512u << 10);
  CHECK(vp::max_cluster_cores(c) == 16);
  CHECK(vp::min_l1_size(c) == 512u << 10);
  CHECK(c.entry_names("cluster_classes") == std::vector<std::string>{"analog", "digital"});
  CHECK(c.to_json()["cluster_classes"]["analog"] == nlohmann::json{{"cores", 1}});
  // Groups instead of a repeating pattern: 2 names, 4 clusters each.
  const Config g = Config::from_string(kHetero, "h.yaml", {"cluster.classes_repeat=false", "cluster.classes=[analog, digital]"});
  CHECK(vp::cluster_class(g, 3) == "analog");
  CHECK(vp::cluster_class(g, 4) == "digital");
  // A class key set from the command line.
  const Config o = Config::from_string(kHetero, "h.yaml", {"cluster_classes.analog.cores=2"});
  CHECK(o.get_int(vp::cluster_key(o, 0, "cores")) == 2);
  // Homogeneous: no class, every key under cluster.
  const Config m = Config::load("mpaimc-8");
  CHECK(vp::cluster_class(m, 5).empty());
  CHECK(vp::cluster_key(m, 5, "ima.rows") == "cluster.ima.rows");
}

TEST_CASE("cluster classes: every mistake is located at its key", "[config][classes]") {
  auto with = [](const std::string& a, const std::string& b) {
    std::string t = kHetero;
    t.replace(t.find(a), a.size(), b);
    return error_of(t);
  };
  // An unknown class name in the assignment: at the list item, with a hint.
  CHECK_THAT(with("[analog, analog, analog, digital]", "[analog, analog, anlog, digital]"),
             Catch::Contains("t.yaml:10:29: error: cluster.classes.2: 'anlog' is not a class of cluster_classes "
                             "(analog, digital) (did you mean 'analog'?)"));
  // A class no cluster takes.
  CHECK_THAT(with("[analog, analog, analog, digital]", "[analog, analog, analog, analog]"),
             Catch::Contains("t.yaml:5:3: error: cluster_classes.digital: class 'digital' is not used"));
  // Groups that do not add up to cluster.count.
  CHECK_THAT(with("[analog, analog, analog, digital]", "[analog, analog, digital]"),
             Catch::Contains("t.yaml:10:12: error: cluster.classes: 3 class names do not split 8 clusters"));
  // An unknown key inside a class, a value out of range, a bad class name.
  CHECK_THAT(with("cores: 1", "coress: 1"), Catch::Contains("t.yaml:4:5: error: cluster_classes.analog.coress: unknown key (did you mean 'cores'?)"));
  CHECK_THAT(with("cores: 1", "cores: 64"), Catch::Contains("t.yaml:4:12: error: cluster_classes.analog.cores: 64 is out of range [1, 32]"));
  CHECK_THAT(with("  analog:", "  ana log:"), Catch::Contains("cluster_classes.ana log: a name here is letters, digits"));
  // A class's L1 beyond the peripherals offset (--set, located there).
  CHECK_THAT(error_of(kHetero, {"memory_map.peripherals_offset=0x40000"}),
             Catch::Contains("cluster_classes.digital.l1.size") && Catch::Contains("exceeds memory_map.peripherals_offset"));
  // Classes with no assignment at all.
  CHECK_THAT(error_of(kHetero, {"cluster.classes=[]"}),
             Catch::Contains("cluster_classes.analog: class 'analog' is not used: cluster.classes assigns no class"));
}

TEST_CASE("a clone shares no node with the original", "[config]") {
  // vp-run reads a clone on the job's setup thread while elaboration reads the original.
  const Config a = Config::load("mpaimc-8");
  const Config b = a.clone();
  CHECK_FALSE(b.root().is(a.root()));
  YAML::Node through_b = b.root();  // shares b's document
  through_b["name"] = "changed";
  through_b["cluster"]["count"] = 3;
  CHECK(b.get_string("name") == "changed");
  CHECK(a.get_string("name") == "mpaimc-8");
  CHECK(a.get_int("cluster.count") == 8);
  // A walk that adds a node (a missing key) to one stays out of the other.
  CHECK_FALSE(b.has("cluster_classes.none.l1.size"));
  CHECK_FALSE(a.root()["cluster_classes"]["none"]);
}
