// The platform loader: schema, defaults, overrides and every error class.
#include <catch2/catch.hpp>

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
