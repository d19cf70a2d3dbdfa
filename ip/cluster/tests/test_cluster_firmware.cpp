// One cluster running real firmware (firmware/cluster/tests/*.c): SPMD boot,
// console, barrier and dispatch, the DMA + IMA + cores pipeline, and a fault.
// The network is stood in for by a flat memory with a fixed latency.
#include <catch2/catch.hpp>

#include "cluster_harness.hpp"

namespace {

struct Run {
  std::string console, error;
  int exit_code = -1;
  bool finished = false;
  nlohmann::json stats;
};

// Runs firmware/<program>.elf on one cluster with a flat memory for the network.
Run run_firmware(const std::string& program) {
  cluster_test::FlatStore mem;
  auto r = cluster_test::run_cluster(program, mem, {}, 1000.0);
  return Run{r.console, r.error, r.exit_code, r.finished, r.stats};
}

}  // namespace

TEST_CASE("cluster boots SPMD: every core prints, core 0 exits", "[cluster][firmware]") {
  Run r = run_firmware("cl_hello");
  INFO(r.console << r.error);
  CHECK(r.error.empty());
  CHECK(r.finished);
  CHECK(r.exit_code == 0);
  for (int c = 0; c < 16; ++c)
    CHECK_THAT(r.console, Catch::Contains("[c0." + std::to_string(c) + "] hello from core " + std::to_string(c) + " of cluster 0"));
  CHECK_THAT(r.console, Catch::Contains("[c0.0] 16 cores, 1 clusters"));
}

TEST_CASE("16-core barrier loop and dispatch, cores asleep while they wait", "[cluster][firmware]") {
  Run r = run_firmware("cl_barrier");
  INFO(r.console << r.error);
  CHECK(r.error.empty());
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.console, Catch::Contains("barrier rounds 200, errors 0"));
  // Waiting cores were asleep, not spinning: sleep cycles dominate the idle
  // cores' time, and the instructions executed stay those of the program.
  CHECK(r.stats["core_sleep_cycles"].get<uint64_t>() > 0);
  CHECK(r.stats["event_loads_held"].get<uint64_t>() == 0);  // RV32IMC: wfi
}

TEST_CASE("DMA + IMA double-buffered pipeline with parallel requantization is exact", "[cluster][firmware][ima]") {
  Run r = run_firmware("cl_ima_pipeline");
  INFO(r.console << r.error);
  CHECK(r.error.empty());
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.console, Catch::Contains("mismatches 0"));
  CHECK(r.stats["ima_jobs"].get<uint64_t>() == 64);
  CHECK(r.stats["dma_transfers"].get<uint64_t>() == 9);  // staging to the HBM, then 8 chunks
}

TEST_CASE("the CORE-V build waits in cv.elw: the same barrier loop and dispatch", "[cluster][firmware][elw]") {
  Run r = run_firmware("cl_barrier_xcv");
  INFO(r.console << r.error);
  CHECK(r.error.empty());
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.console, Catch::Contains("barrier rounds 200, errors 0"));
  // The waiting cores slept in held cv.elw reads: 401 barriers, most of the
  // 15 early arrivals of each wait (the RV32IMC build, in wfi, holds none).
  CHECK(r.stats["event_loads_held"].get<uint64_t>() >= 401 * 10);
  CHECK(r.stats["core_sleep_cycles"].get<uint64_t>() > 0);
}

TEST_CASE("a core asleep in cv.elw retires nothing while it waits", "[cluster][firmware][elw]") {
  Run r = run_firmware("cl_sleep_xcv");
  INFO(r.console << r.error);
  CHECK(r.error.empty());
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.console, Catch::Contains("errors 0"));
  CHECK(r.stats["event_loads_held"].get<uint64_t>() >= 30);  // 15 cores, two waits each
}

TEST_CASE("a firmware fault stops the run naming cluster, core, pc and cause", "[cluster][firmware]") {
  Run r = run_firmware("cl_fault");
  CHECK_THAT(r.error, Catch::Contains("5"));
  CHECK_THAT(r.error, Catch::Contains("illegal instruction"));
  CHECK_THAT(r.error, Catch::Contains("pc"));
}

TEST_CASE("waiting cores sleep: their work does not grow with the wait", "[cluster][firmware][event_unit]") {
  Run r = run_firmware("cl_sleep");
  INFO(r.console << r.error);
  CHECK(r.error.empty());
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.console, Catch::Contains("errors 0"));
}

TEST_CASE("a core asleep on a DMA wakes at the completion, not at its cluster's quantum end", "[cluster][firmware]") {
  Run r = run_firmware("cl_wake_latency");
  INFO(r.console << r.error);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.console, Catch::Contains("waited"));
}
