#pragma once
// One cluster running a dataflow firmware program, with a flat memory
// standing in for the network and the HBM (as ip/cluster/tests does): the
// test fills the memory before the run and reads results from it after.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cluster_test {

// Sparse byte-addressed memory, 64 KiB pages, zero where never written.
class FlatStore {
 public:
  uint8_t& byte(uint64_t a);
  void write(uint64_t a, const void* src, size_t n);
  void read(uint64_t a, void* dst, size_t n);
  template <class T>
  std::vector<T> read_vec(uint64_t a, size_t count) {
    std::vector<T> v(count);
    read(a, v.data(), count * sizeof(T));
    return v;
  }

 private:
  std::map<uint64_t, std::vector<uint8_t>> pages_;
};

struct RunResult {
  std::string console, error;
  int exit_code = -1;
  bool finished = false;
  uint64_t end_ns = 0;  // when the cluster exited (else when the run stopped)
  nlohmann::json stats;
};

// Runs build-dir firmware/<program>.elf on cluster 0 of the `cluster-1`
// platform (with `sets` applied, "key=value"), `mem` as global memory
// (100-cycle latency), for at most `limit_ms` of simulated time.
// `l1_symbols`: bytes written over the named ELF variables (in L1) after
// loading, before the cores start (e.g. the dataflow boot record).
RunResult run_cluster(const std::string& program, FlatStore& mem, const std::vector<std::string>& sets = {},
                      double limit_ms = 100.0,
                      const std::map<std::string, std::vector<uint8_t>>& l1_symbols = {});

}  // namespace cluster_test
