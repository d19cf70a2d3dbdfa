// One cluster + a flat global memory: the harness of the firmware tests
// (ip/cluster/tests, firmware/dataflow/tests).
#include "cluster_harness.hpp"

#include <cstring>
#include <sstream>
#include <stdexcept>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <tlm>

#include "cluster.hpp"
#include "cluster_firmware.hpp"
#include "params/ip_params.hpp"
#include "sim/simulation_error.hpp"

using namespace sc_core;

namespace cluster_test {

uint8_t& FlatStore::byte(uint64_t a) {
  auto& p = pages_[a >> 16];
  if (p.empty()) p.resize(1 << 16);
  return p[a & 0xFFFF];
}
void FlatStore::write(uint64_t a, const void* src, size_t n) {
  const auto* s = static_cast<const uint8_t*>(src);
  for (size_t i = 0; i < n; ++i) byte(a + i) = s[i];
}
void FlatStore::read(uint64_t a, void* dst, size_t n) {
  auto* d = static_cast<uint8_t*>(dst);
  for (size_t i = 0; i < n; ++i) d[i] = byte(a + i);
}

namespace {

// The network and HBM seen from the cluster's master port: 100-cycle
// latency plus one cycle per 64 bytes (an uncontended HBM round trip).
struct FlatMemory : sc_module {
  tlm_utils::simple_target_socket<FlatMemory> socket{"socket"};
  FlatStore& store;
  FlatMemory(sc_module_name n, FlatStore& s) : sc_module(n), store(s) {
    socket.register_b_transport(this, &FlatMemory::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& t, sc_time& delay) {
    if (t.is_read())
      store.read(t.get_address(), t.get_data_ptr(), t.get_data_length());
    else
      store.write(t.get_address(), t.get_data_ptr(), t.get_data_length());
    delay += sc_time(100 + t.get_data_length() / 64, SC_NS);
    t.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

struct NoTraffic : sc_module {
  tlm_utils::simple_initiator_socket<NoTraffic> socket{"socket"};
  explicit NoTraffic(sc_module_name n) : sc_module(n) {}
};

}  // namespace

RunResult run_cluster(const std::string& program, FlatStore& mem, const std::vector<std::string>& sets,
                      double limit_ms, const std::map<std::string, std::vector<uint8_t>>& l1_symbols) {
  auto cfg = vp::Config::load("cluster-1", sets);
  auto fw = vp::ClusterFirmware::load(std::string(VP_TEST_BINARY_DIR) + "/firmware/" + program + ".elf",
                                      vp::bind_cluster_map(cfg));
  RunResult r;
  std::ostringstream console;
  tlm::tlm_global_quantum::instance().set(sc_time(double(cfg.get_int("simulation.quantum_cycles")), SC_NS));
  vp::Cluster cluster("cluster0", vp::bind_cluster(cfg, 0), fw.imem, console);
  FlatMemory global("global", mem);
  NoTraffic idle("idle");
  cluster.master().bind(global.socket);
  idle.socket.bind(cluster.slave());
  for (auto& p : fw.l1) cluster.l1().write(p.addr, p.bytes.data(), p.bytes.size());
  for (auto& p : fw.global) mem.write(p.addr, p.bytes.data(), p.bytes.size());
  const uint64_t local = uint64_t(cfg.get_int("memory_map.cluster_local_base"));
  for (auto& [name, bytes] : l1_symbols) {
    auto at = fw.elf.symbol(name);
    if (!at) throw std::runtime_error(program + ": no symbol " + name);
    cluster.l1().write(*at - local, bytes.data(), bytes.size());
  }
  cluster.start(fw.entry);
  sc_start(sc_time(limit_ms, SC_MS));
  if (auto e = cluster.core_group().error()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      r.error = ex.what();
    }
  }
  cluster.ctrl().flush_console();
  r.console = console.str();
  r.finished = cluster.finished();
  r.exit_code = cluster.ctrl().exit_code();
  const sc_time end = cluster.ctrl().exited() ? cluster.ctrl().exit_time() : sc_time_stamp();
  r.end_ns = uint64_t(end.to_seconds() * 1e9 + 0.5);
  r.stats = cluster.stats();
  if (!r.finished && r.error.empty()) {
    std::ostringstream m;
    m << "not finished after " << limit_ms << " ms;";
    for (auto& w : cluster.wait_report()) m << " " << w << ";";
    r.error = m.str();
  }
  return r;
}

}  // namespace cluster_test
