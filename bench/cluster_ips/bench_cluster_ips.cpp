// Host speed of the cluster IPs on their own, driven by the test benches of
// ip/dma/tests and ip/ima/tests:
//   ima N   N back-to-back 256x256 jobs (one sequence per 1000 jobs)
//   dma N   N transfers of 256 KiB from L1 to a 100-cycle memory
//   l1 N    N 4-byte b_transport reads from each of two initiators (temporally decoupled)
// Prints simulated time, host time and rates. Results: bench/cluster_ips/RESULTS.md.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include <fmt/format.h>

#include "dma_bench.hpp"
#include "ima_bench.hpp"
#include "params/ip_params.hpp"

using namespace sc_core;

namespace {

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

double host_seconds(const std::function<void()>& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void report(const char* what, double sim_ns, double host_s, const std::string& rates) {
  fmt::print("{}: simulated {:.3f} ms, host {:.3f} s, {:.1f} simulated us per host s, {}, peak RSS {} MiB\n", what,
             sim_ns * 1e-6, host_s, sim_ns * 1e-3 / host_s, rates, peak_rss_kib() / 1024);
}

int bench_ima(unsigned jobs) {
  auto cfg = vp::Config::load("cluster-1");
  imatest::Bench tb("tb", cfg);
  std::vector<int8_t> w(size_t(tb.ima.rows()) * tb.ima.cols());
  std::mt19937 g(1);
  for (auto& x : w) x = static_cast<int8_t>(g());
  tb.ima.load_weights(0, 0, tb.ima.rows(), tb.ima.cols(), w.data());
  for (uint32_t i = 0; i < 0x80000; ++i) tb.l1.data()[i] = static_cast<uint8_t>(g());
  tb.body = [&] {
    for (unsigned done = 0; done < jobs;) {
      imatest::JobRegs j;
      j.src = imatest::kL1;
      j.src_stride = 256;
      j.dst = imatest::kL1 + 0x80000;
      j.dst_stride = 256;
      j.jobs = std::min(1000u, jobs - done);
      done += j.jobs;
      tb.trigger(j);
      tb.wait_idle(sc_time(10, SC_US));
    }
  };
  const double host = host_seconds([] { sc_start(); });
  const double sim = sc_time_stamp().to_seconds() * 1e9;
  report("ima", sim, host,
         fmt::format("{:.0f} jobs per host s, {:.2f} GMAC per host s", tb.ima.jobs_done() / host,
                     tb.ima.jobs_done() * 65536.0 / host * 1e-9));
  return 0;
}

int bench_dma(unsigned transfers) {
  auto cfg = vp::Config::load("cluster-1");
  dmatest::Bench tb("tb", cfg, 100);
  tb.body = [&] {
    for (unsigned i = 0; i < transfers; ++i) {
      tb.start(i % 4, dmatest::kFar, dmatest::kL1, 256 * 1024);
      if (i % 4 == 3) tb.wait_idle(i % 4, sc_time(1, SC_US));
    }
    for (unsigned c = 0; c < 4; ++c) tb.wait_idle(c, sc_time(1, SC_US));
  };
  const double host = host_seconds([] { sc_start(); });
  const double sim = sc_time_stamp().to_seconds() * 1e9;
  report("dma", sim, host,
         fmt::format("{:.0f} bursts per host s, {:.2f} simulated GB per host s, simulated bandwidth {:.1f} B/cycle",
                     tb.dma.bursts() / host, tb.dma.bytes() / host * 1e-9, tb.dma.bytes() / sim));
  return 0;
}

struct L1Bench : sc_module {
  vp::Tcdm l1;
  tlm_utils::simple_initiator_socket<L1Bench> a{"a"}, b{"b"};
  unsigned n;
  SC_HAS_PROCESS(L1Bench);
  L1Bench(sc_module_name name, const vp::Config& cfg, unsigned count) : sc_module(name), l1("l1", vp::bind_tcdm(cfg)), n(count) {
    a.bind(l1.socket);
    b.bind(l1.socket);
    SC_THREAD(run_a);
    SC_THREAD(run_b);
  }
  // Each initiator reads a word per access, strided over the banks, and
  // synchronises once per 10000 cycles (the default quantum).
  void stream(tlm_utils::simple_initiator_socket<L1Bench>& s, uint32_t base) {
    tlm::tlm_generic_payload tx;
    uint32_t v = 0;
    tx.set_command(tlm::TLM_READ_COMMAND);
    tx.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
    tx.set_data_length(4);
    tx.set_streaming_width(4);
    sc_time local;
    const sc_time quantum(10, SC_US);
    for (unsigned i = 0; i < n; ++i) {
      tx.set_address((base + i * 4 * 33) % (1u << 20) & ~3u);
      s->b_transport(tx, local);
      if (local >= quantum) {
        wait(local);
        local = SC_ZERO_TIME;
      }
    }
    wait(local);
  }
  void run_a() { stream(a, 0); }
  void run_b() { stream(b, 4096); }
};

int bench_l1(unsigned n) {
  auto cfg = vp::Config::load("cluster-1");
  L1Bench tb("tb", cfg, n);
  const double host = host_seconds([] { sc_start(); });
  const double sim = sc_time_stamp().to_seconds() * 1e9;
  report("l1", sim, host,
         fmt::format("{:.1f} M accesses per host s, {} conflict cycles", tb.l1.accesses() / host * 1e-6,
                     tb.l1.conflict_cycles()));
  return 0;
}

}  // namespace

int sc_main(int argc, char** argv) {
  const std::string what = argc > 1 ? argv[1] : "";
  const unsigned n = argc > 2 ? static_cast<unsigned>(std::strtoul(argv[2], nullptr, 10)) : 0;
  if (what == "ima") return bench_ima(n ? n : 100000);
  if (what == "dma") return bench_dma(n ? n : 2000);
  if (what == "l1") return bench_l1(n ? n : 10000000);
  std::fprintf(stderr, "usage: bench_cluster_ips ima|dma|l1 [count]\n");
  return 2;
}
