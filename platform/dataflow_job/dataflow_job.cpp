// Setting up vp-run's dataflow job: see dataflow_job.hpp.
#include "dataflow_job.hpp"
#include "config/cluster_classes.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "boot_record.h"
#include "mapping_format.h"
#include "dataset.hpp"
#include "calibration.hpp"
#include "paths/data_dirs.hpp"
#include "weights_format.h"
#include "top/platform.hpp"

namespace vp::dataflow {

std::string default_firmware(const std::string& isa) {
  const bool xcv = isa == "rv32imc_xcv";
  const std::string path = data_dir("firmware") + (xcv ? "/dataflow_xcv.elf" : "/dataflow.elf");
  if (!std::ifstream(path))
    throw JobError(fmt::format("the dataflow firmware {} (core.isa {}) is not built (ninja {} in the build tree), "
                               "or give one with --elf",
                               path, isa, xcv ? "fw_dataflow_xcv" : "fw_dataflow"));
  return path;
}

namespace {

// The first weight of the weights file (contracts/weights_format.h) follows
// the file header and the first record header.
void flip_first_weight(workload::Prepared& p) {
  if (p.reload) {  // the firmware programs from the reload file's chunks: the first one's first weight
    auto& f = p.global.at(0).bytes;
    vprl_header_t h;
    vprl_chunk_t c;
    std::memcpy(&h, f.data(), sizeof h);
    if (h.magic != VPRL_MAGIC || h.n_chunks == 0) throw JobError("--test-flip-weight: the reload file has no chunk");
    std::memcpy(&c, f.data() + h.chunk_offset, sizeof c);
    f.at(c.offset) ^= 0x80;
    return;
  }
  constexpr size_t kFirstWeight = sizeof(vpwt_header_t) + sizeof(vpwt_record_t);
  const auto weights = std::find_if(p.global.begin(), p.global.end(), [](const workload::Placement& g) {
    uint32_t magic = 0;
    if (g.bytes.size() > kFirstWeight) std::memcpy(&magic, g.bytes.data(), sizeof magic);
    return magic == VPWT_MAGIC;
  });
  if (weights == p.global.end()) throw JobError("--test-flip-weight: the network has no layer with weights");
  weights->bytes[kFirstWeight] ^= 0x80;
}

}  // namespace

std::shared_ptr<const workload::Prepared> prepare_job(const JobOptions& o, const Config& cfg) {
  map::Mode mode = map::Mode::Naive;
  const bool reload = o.mode == "reload";  // docs/dataflow.md "Weight reloading": layer groups, naive each
  try {
    if (!reload) mode = map::parse_mode(o.mode);
  } catch (const std::invalid_argument&) {
    throw JobError(
        fmt::format("--mapping-mode '{}': not a mapping mode (naive, replicate, full, auto or reload)", o.mode));
  }
  if (o.batch <= 0) throw JobError(fmt::format("--batch {}: a batch needs at least one image", o.batch));
  if (cfg.get_string("kind") != "manycore")
    throw JobError(fmt::format("--network runs on a manycore platform; {} is of kind '{}'", cfg.get_string("name"),
                               cfg.get_string("kind")));
  map::CostParams cost;
  for (const auto& kv : o.costs) {
    try {
      cost.set(kv);
    } catch (const std::invalid_argument& e) {
      throw JobError(e.what());
    }
  }
  const map::Network net = map::Network::load(map::network_file(o.network));  // ConfigError: file:line:column
  if (!o.calibrate.empty() && (reload || mode != map::Mode::Auto))
    throw JobError(fmt::format("--calibrate calibrates mapping mode auto, not {}", o.mode));
  for (const auto& file : o.calibrate) {
    map::Calibration c;
    try {
      c = map::read_calibration(file);
    } catch (const std::runtime_error& e) {
      throw JobError(e.what());
    }
    if (c.network != net.name)
      throw JobError(fmt::format("--calibrate {}: a run of network {}, not {}", file, c.network, net.name));
    for (const auto& [stage, f] : c.factor) cost.calibration[stage] = f;
  }
  try {
    auto p = std::make_shared<workload::Prepared>(
        workload::prepare(net, cfg, mode, o.batch, o.seed, cost, o.dataset, reload));
    if (o.flip_first_weight) flip_first_weight(*p);
    return p;
  } catch (const ConfigError&) {
    throw;
  } catch (const map::DatasetError& e) {
    throw JobError(fmt::format("--dataset {}: {}", o.dataset, e.what()));
  } catch (const std::exception& e) {  // map::MappingError and the layout's own checks
    throw JobError(fmt::format("--network {} --mapping-mode {} --batch {} on {}: {}", o.network, o.mode, o.batch,
                               cfg.get_string("name"), e.what()));
  }
}

void install(const workload::Prepared& p, std::optional<uint32_t> boot_symbol, const std::string& elf_path,
             const Config& cfg, const std::function<bool(uint64_t, const void*, size_t)>& write_global,
             const std::function<void(uint64_t, const void*, size_t)>& write_l1) {
  for (const auto& g : p.global)
    if (!write_global(g.addr, g.bytes.data(), g.bytes.size()))
      throw SimulationError(fmt::format("dataflow job: {} bytes at {:#x} (mapping, weights or images) are outside "
                                        "the platform's memory",
                                        g.bytes.size(), g.addr));
  if (!boot_symbol)
    throw SimulationError(fmt::format("{}: no symbol '{}': not the dataflow firmware (docs/dataflow.md)", elf_path,
                                      DF_BOOT_SYMBOL));
  // The record lives in .data at a local-alias address: the same L1 offset in every cluster.
  const uint64_t local = uint64_t(cfg.get_int("memory_map.cluster_local_base"));
  const uint64_t l1 = min_l1_size(cfg);
  const std::vector<uint8_t> boot = p.boot_bytes();
  if (*boot_symbol < local || *boot_symbol - local + boot.size() > l1)
    throw SimulationError(fmt::format("{}: symbol '{}' at {:#x} is not in the cluster's L1 ({:#x}, {} bytes)",
                                      elf_path, DF_BOOT_SYMBOL, *boot_symbol, local, l1));
  write_l1(*boot_symbol - local, boot.data(), boot.size());
}

}  // namespace vp::dataflow
