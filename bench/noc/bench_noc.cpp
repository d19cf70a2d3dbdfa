// Benchmark of the AXI tree and HBM on the 512-cluster platform: every cluster streams
// bursts to its neighbour's L1 and to the HBM at once; reports simulated transactions per
// host second and peak host memory. Usage and recorded results: bench/noc/RESULTS.md.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include <fmt/format.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "manycore/manycore_platform.hpp"
#include "manycore/noc_builder.hpp"

using namespace vp;

namespace {

struct Settings {
  int transfers = 2000;      // per cluster
  std::string target = "both";  // neighbour, hbm, or both (alternating)
  unsigned bytes = 256;      // per burst
  std::string platform = "mpaimc-512";
};

double cpu_seconds() {  // user + system time of this process: less sensitive to a loaded host
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// A cluster stand-in as a DMA would drive the network: bursts issued back to back at its
// link's rate, temporally decoupled (no SystemC context switch per burst), and a memory
// on the slave port that only maps the host pages that are written.
class StreamingCluster : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<StreamingCluster> master{"master"};
  tlm_utils::simple_target_socket<StreamingCluster> slave{"slave"};
  uint64_t issued = 0, errors = 0;
  sc_core::sc_time last_done;

  StreamingCluster(sc_core::sc_module_name n, int id, const MemoryMap& map, const Settings& s, sc_core::sc_time gap)
      : sc_module(n), id_(id), map_(map), s_(s), gap_(gap), buf_(s.bytes, uint8_t(id)) {
    slave.register_b_transport(this, &StreamingCluster::b_transport);
    SC_HAS_PROCESS(StreamingCluster);
    SC_THREAD(run);
  }
  ~StreamingCluster() override { std::free(mem_); }

 private:
  void run() {
    tlm_utils::tlm_quantumkeeper qk;
    qk.reset();
    tlm::tlm_generic_payload t;
    t.set_data_ptr(buf_.data());
    t.set_data_length(s_.bytes);
    t.set_streaming_width(s_.bytes);
    const int n = map_.clusters();
    const uint64_t neighbour = map_.cluster_base((id_ + 1) % n) + uint64_t(id_ % 64) * 4096;
    const uint64_t hbm = map_.hbm_base() + uint64_t(id_) * 0x10000;
    for (int j = 0; j < s_.transfers; ++j) {
      t.set_command(j % 4 == 3 ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND);
      const bool to_hbm = s_.target == "hbm" || (s_.target == "both" && j % 2);
      t.set_address((to_hbm ? hbm : neighbour) + uint64_t(j / 2 % 8) * s_.bytes);
      t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      sc_core::sc_time delay = qk.get_local_time();
      master->b_transport(t, delay);
      if (t.is_response_error()) ++errors;
      ++issued;
      last_done = std::max(last_done, sc_core::sc_time_stamp() + delay);
      qk.inc(gap_);
      if (qk.need_sync()) qk.sync();
    }
  }
  void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time&) {
    if (!mem_) mem_ = static_cast<uint8_t*>(std::calloc(map_.cluster_stride(), 1));
    uint8_t* p = mem_ + t.get_address();
    if (t.is_write())
      std::memcpy(p, t.get_data_ptr(), t.get_data_length());
    else
      std::memcpy(t.get_data_ptr(), p, t.get_data_length());
    t.set_response_status(tlm::TLM_OK_RESPONSE);
  }

  int id_;
  const MemoryMap& map_;
  const Settings& s_;
  sc_core::sc_time gap_;
  std::vector<uint8_t> buf_;
  uint8_t* mem_ = nullptr;
};

}  // namespace

int sc_main(int argc, char* argv[]) {
  Settings s;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--transfers") s.transfers = std::atoi(argv[i + 1]);
    else if (k == "--bytes") s.bytes = unsigned(std::atoi(argv[i + 1]));
    else if (k == "--platform") s.platform = argv[i + 1];
    else if (k == "--target" && (std::string(argv[i + 1]) == "neighbour" || std::string(argv[i + 1]) == "hbm" ||
                                 std::string(argv[i + 1]) == "both")) s.target = argv[i + 1];
    else return std::cerr << "usage: bench_noc [--platform P] [--transfers N] [--bytes S] [--target neighbour|hbm|both]\n", 2;
  }
  const long rss0 = peak_rss_kib();
  const auto t0 = std::chrono::steady_clock::now();
  Config cfg = Config::load(s.platform);
  const sc_core::sc_time cycle(1.0 / cfg.get_float("clock_hz"), sc_core::SC_SEC);
  tlm_utils::tlm_quantumkeeper::set_global_quantum(cycle * double(cfg.get_int("simulation.quantum_cycles")));
  const unsigned width = unsigned(cfg.get_int_list("noc.width_bytes").back());
  const sc_core::sc_time gap = cycle * double((s.bytes + width - 1) / width);
  std::vector<StreamingCluster*> clusters;
  ClusterFactory factory = [&](int id, const Config&, const MemoryMap& map) {
    auto c = std::make_unique<StreamingCluster>(fmt::format("cluster_{}", id).c_str(), id, map, s, gap);
    clusters.push_back(c.get());
    ClusterPorts p{&c->master, &c->slave};
    return ClusterSlot{std::move(c), p};
  };
  auto platform = make_manycore_platform(cfg, factory);
  const long rss_elab = peak_rss_kib();
  const auto t1 = std::chrono::steady_clock::now();
  const double cpu1 = cpu_seconds();
  RunRequest req;
  RunResult res = platform->run(req);
  const auto t2 = std::chrono::steady_clock::now();
  const double run_cpu = cpu_seconds() - cpu1;

  uint64_t issued = 0, errors = 0;
  sc_core::sc_time end;
  for (auto* c : clusters) issued += c->issued, errors += c->errors, end = std::max(end, c->last_done);
  const double elab_s = std::chrono::duration<double>(t1 - t0).count();
  const double run_s = std::chrono::duration<double>(t2 - t1).count();
  // Network hops actually taken: every node counts each transaction it forwards.
  uint64_t hops = 0;
  for (const auto& l : res.stats["noc"]["levels"]) hops += l["transactions"].get<uint64_t>();
  std::cout << fmt::format(
      "platform {}: {} clusters x {} bursts of {} B to {} (1/4 reads)\n"
      "elaboration: {:.3f} s, peak RSS after elaboration {:.1f} MiB (process start {:.1f} MiB)\n"
      "simulation: {} transactions ({} errors), {} node hops, {:.1f} us simulated, {:.3f} s host ({:.3f} s CPU)\n"
      "throughput: {:.3f} M transactions/s, {:.3f} M hops/s (per CPU second: {:.3f} M, {:.3f} M)\n"
      "peak RSS at the end: {:.1f} MiB, HBM backing allocated: {:.1f} MiB\n",
      s.platform, clusters.size(), s.transfers, s.bytes, s.target, elab_s, rss_elab / 1024.0, rss0 / 1024.0, issued, errors,
      hops, end.to_seconds() * 1e6, run_s, run_cpu, issued / run_s / 1e6, hops / run_s / 1e6, issued / run_cpu / 1e6,
      hops / run_cpu / 1e6, peak_rss_kib() / 1024.0,
      res.stats["noc"]["hbm"]["allocated_bytes"].get<uint64_t>() / 1048576.0);
  std::cout << res.stats["noc"].dump() << "\n";
  return errors ? 1 : 0;
}
