// The firmware is compiled against contracts/address_map.h; the models take
// the address map from the platform YAML. These checks keep the two one
// definition: the schema's defaults, every built-in platform and the cluster
// firmware's linker script agree with the header.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "address_map.h"
#include "config/config.hpp"
#include "config/schema.hpp"

using vp::Config;

namespace {

struct Key {
  const char* path;
  uint64_t value;
  bool firmware_abi;  // every platform must keep it (else only the default must match)
};
const Key kKeys[] = {
    {"memory_map.cluster_local_base", VP_CLUSTER_LOCAL_BASE, true},
    {"memory_map.peripherals_offset", VP_PERIPHERALS_OFFSET, true},
    {"memory_map.imem_base", VP_IMEM_BASE, true},
    {"memory_map.cluster_global_base", VP_CLUSTER_GLOBAL_BASE, false},
    {"memory_map.cluster_stride", VP_CLUSTER_STRIDE, false},
    {"memory_map.hbm_base", VP_HBM_BASE, false},
};

}  // namespace

TEST_CASE("schema defaults of memory_map equal contracts/address_map.h") {
  for (const Key& k : kKeys) {
    INFO(k.path);
    const vp::Field* f = vp::Schema::builtin().find(k.path);
    REQUIRE(f != nullptr);
    REQUIRE(f->has_default);
    CHECK(f->default_value.as<uint64_t>() == k.value);
  }
}

TEST_CASE("built-in cluster platforms keep the firmware's address map") {
  for (const std::string& name : Config::builtin_names()) {
    const Config cfg = Config::load(name);
    if (cfg.get_string("kind") != "manycore") continue;  // bare-rv32 has no clusters
    for (const Key& k : kKeys) {
      if (!k.firmware_abi) continue;
      INFO(name << ": " << k.path);
      CHECK(uint64_t(cfg.get_int(k.path)) == k.value);
    }
  }
}

TEST_CASE("the cluster linker script places code and L1 data at the contract's addresses") {
  std::ifstream f(std::string(VP_TEST_SOURCE_DIR) + "/firmware/cluster/cluster.ld");
  REQUIRE(f);
  std::stringstream text;
  text << f.rdbuf();
  const std::string ld = text.str();
  auto origin = [&](const std::string& region) {
    std::smatch m;
    REQUIRE(std::regex_search(ld, m, std::regex(region + R"(\s*\([a-z]+\)\s*:\s*ORIGIN\s*=\s*(0x[0-9A-Fa-f]+))")));
    return std::stoull(m[1].str(), nullptr, 16);
  };
  CHECK(origin("IMEM") == VP_IMEM_BASE);
  CHECK(origin("L1FW") == VP_CLUSTER_LOCAL_BASE);
}
