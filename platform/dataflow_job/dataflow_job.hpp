#pragma once
// The dataflow job of vp-run (docs/results.md): a network mapped on the
// platform, run as a batch by the dataflow firmware on every cluster, its
// outputs checked against the golden reference. This part resolves the
// command line's choices into a prepared workload and puts it into a
// platform's memories; job_report.hpp turns the run's statistics into the
// report.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>
#include <stdexcept>
#include <string>

#include "config/config.hpp"
#include "workload.hpp"

namespace vp::dataflow {

struct JobOptions {
  std::string network = "resnet18";  // a name in mapping/networks/ or a YAML file
  std::string mode = "full";         // naive | replicate | full (Fig. 5A) | auto
  int batch = 16;
  uint64_t seed = 1;
  // Testing the output check: the sign bit of the first analog layer's first
  // weight is flipped in the weights file the firmware reads (not in the
  // reference), so some output must differ.
  bool flip_first_weight = false;
  std::vector<std::string> costs;  // "name=value" figures of the mapper's cost model (vp-map --cost)
  std::string dataset;             // --dataset: classify its test images (batch = --images) for accuracy
  std::vector<std::string> calibrate;  // mode auto: --stats files of earlier runs, later ones override
  int auto_iterations = 6;             // mode auto: most runs of the loop (1: one calibrated run, no loop)
};

// A job that cannot be set up (unknown network, bad mode, a batch that does
// not fit): vp-run reports it with the options that caused it and exits 2.
class JobError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The dataflow firmware for the cores' ISA (`core.isa`), under
// data_dir("firmware") (the build tree's, or the installed one): dataflow.elf
// for rv32imc, dataflow_xcv.elf (CORE-V kernels) for rv32imc_xcv; JobError
// naming the path when it is not built.
std::string default_firmware(const std::string& isa);

// Maps the network on `cfg` and lays out weights, mapping and images. Network
// file errors stay ConfigErrors (file:line:column); the rest are JobErrors.
std::shared_ptr<const workload::Prepared> prepare_job(const JobOptions& o, const Config& cfg);

// Puts a prepared job into a platform: `write_global(addr, bytes, n)` for the
// HBM (false if not backed), `write_l1(offset, bytes, n)` into every cluster's
// L1. `boot_symbol` is the firmware's DF_BOOT_SYMBOL address (a local-alias
// address). Throws vp::SimulationError naming what is wrong.
void install(const workload::Prepared& p, std::optional<uint32_t> boot_symbol, const std::string& elf_path,
             const Config& cfg, const std::function<bool(uint64_t, const void*, size_t)>& write_global,
             const std::function<void(uint64_t, const void*, size_t)>& write_l1);

}  // namespace vp::dataflow
