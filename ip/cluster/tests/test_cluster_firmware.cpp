// One cluster running real firmware (firmware/cluster/tests/*.c): SPMD boot,
// console, barrier and dispatch, the DMA + IMA + cores pipeline, and a fault.
// The network is stood in for by a flat memory with a fixed latency.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <sstream>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <tlm>

#include "cluster.hpp"
#include "cluster_firmware.hpp"
#include "top/platform.hpp"

using namespace sc_core;

namespace {

// Global memory behind the master port: 100-cycle latency, sparse pages.
struct FlatMemory : sc_module {
  tlm_utils::simple_target_socket<FlatMemory> socket{"socket"};
  std::map<uint64_t, std::vector<uint8_t>> pages;
  uint64_t accesses = 0;
  explicit FlatMemory(sc_module_name n) : sc_module(n) {
    socket.register_b_transport(this, &FlatMemory::b_transport);
  }
  uint8_t& byte(uint64_t a) {
    auto& p = pages[a >> 16];
    if (p.empty()) p.resize(1 << 16);
    return p[a & 0xFFFF];
  }
  void b_transport(tlm::tlm_generic_payload& t, sc_time& delay) {
    ++accesses;
    for (unsigned i = 0; i < t.get_data_length(); ++i) {
      if (t.is_read())
        t.get_data_ptr()[i] = byte(t.get_address() + i);
      else
        byte(t.get_address() + i) = t.get_data_ptr()[i];
    }
    delay += sc_time(100 + t.get_data_length() / 64, SC_NS);
    t.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

struct NoTraffic : sc_module {
  tlm_utils::simple_initiator_socket<NoTraffic> socket{"socket"};
  explicit NoTraffic(sc_module_name n) : sc_module(n) {}
};

struct Run {
  std::ostringstream console;
  std::string error;
  int exit_code = -1;
  bool finished = false;
  sc_time end;
  nlohmann::json stats;
};

Run run_firmware(const std::string& program) {
  const std::string bin = VP_TEST_BINARY_DIR;
  auto cfg = vp::Config::load("cluster-1");
  auto fw = vp::ClusterFirmware::load(bin + "/firmware/" + program + ".elf", cfg);
  Run r;
  tlm::tlm_global_quantum::instance().set(sc_time(double(cfg.get_int("simulation.quantum_cycles")), SC_NS));
  vp::Cluster cluster("cluster0", cfg, 0, fw.imem, r.console);
  FlatMemory global("global");
  NoTraffic idle("idle");
  cluster.master().bind(global.socket);
  idle.socket.bind(cluster.slave());
  for (auto& p : fw.l1) cluster.l1().write(p.addr, p.bytes.data(), p.bytes.size());
  for (auto& p : fw.global)
    for (size_t i = 0; i < p.bytes.size(); ++i) global.byte(p.addr + i) = p.bytes[i];
  cluster.start(fw.entry);
  sc_start(sc_time(1, SC_SEC));
  if (auto e = cluster.core_group().error()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      r.error = ex.what();
    }
  }
  r.finished = cluster.finished();
  r.exit_code = cluster.ctrl().exit_code();
  r.end = sc_time_stamp();
  r.stats = cluster.stats();
  INFO(r.console.str());
  return r;
}

}  // namespace

TEST_CASE("cluster boots SPMD: every core prints, core 0 exits", "[cluster][firmware]") {
  Run r = run_firmware("cl_hello");
  INFO(r.console.str() << r.error);
  CHECK(r.error.empty());
  CHECK(r.finished);
  CHECK(r.exit_code == 0);
  for (int c = 0; c < 16; ++c)
    CHECK_THAT(r.console.str(), Catch::Contains("[c0." + std::to_string(c) + "] hello from core " + std::to_string(c) + " of cluster 0"));
  CHECK_THAT(r.console.str(), Catch::Contains("[c0.0] 16 cores, 1 clusters"));
}

TEST_CASE("16-core barrier loop and dispatch, cores asleep while they wait", "[cluster][firmware]") {
  Run r = run_firmware("cl_barrier");
  INFO(r.console.str() << r.error);
  CHECK(r.error.empty());
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.console.str(), Catch::Contains("barrier rounds 200, errors 0"));
  // Waiting cores were asleep, not spinning: sleep cycles dominate the idle
  // cores' time, and the instructions executed stay those of the program.
  CHECK(r.stats["core_sleep_cycles"].get<uint64_t>() > 0);
}

TEST_CASE("DMA + IMA double-buffered pipeline with parallel requantization is exact", "[cluster][firmware][ima]") {
  Run r = run_firmware("cl_ima_pipeline");
  INFO(r.console.str() << r.error);
  CHECK(r.error.empty());
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.console.str(), Catch::Contains("mismatches 0"));
  CHECK(r.stats["ima_jobs"].get<uint64_t>() == 64);
  CHECK(r.stats["dma_transfers"].get<uint64_t>() == 9);  // staging to the HBM, then 8 chunks
}

TEST_CASE("a firmware fault stops the run naming cluster, core, pc and cause", "[cluster][firmware]") {
  Run r = run_firmware("cl_fault");
  CHECK_THAT(r.error, Catch::Contains("5"));
  CHECK_THAT(r.error, Catch::Contains("illegal instruction"));
  CHECK_THAT(r.error, Catch::Contains("pc"));
}

TEST_CASE("waiting cores sleep: their work does not grow with the wait", "[cluster][firmware][event_unit]") {
  Run r = run_firmware("cl_sleep");
  INFO(r.console.str() << r.error);
  CHECK(r.error.empty());
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.console.str(), Catch::Contains("errors 0"));
}

TEST_CASE("a core asleep on a DMA wakes at the completion, not at its cluster's quantum end", "[cluster][firmware]") {
  Run r = run_firmware("cl_wake_latency");
  INFO(r.console.str() << r.error);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.console.str(), Catch::Contains("waited"));
}
