#pragma once
// The host side of the dataflow firmware (firmware/dataflow, docs/dataflow.md):
// maps a network on a platform, lays out the global memory the firmware
// boots from (mapping binary, weights, a batch of images) and the boot record
// every cluster gets, and checks the network outputs against the golden
// reference. Platform builders load `global` into memory and write
// `boot_bytes()` over the firmware's DF_BOOT_SYMBOL in every cluster's L1.
#include <cstdint>
#include <functional>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "boot_record.h"
#include "mapper.hpp"
#include "network.hpp"
#include "params.hpp"

namespace vp::workload {

struct Placement {
  uint64_t addr;  // global address
  std::vector<uint8_t> bytes;
};

struct Prepared {
  map::Network net;
  map::ImaParams ima;
  map::Params params;
  map::Mapping mapping;
  int batch = 0;
  uint64_t seed = 0;
  std::vector<Placement> global;  // mapping binary, weights file, input images
  df_boot_t boot{};
  uint64_t output_addr = 0;       // the last layer's HBM output region
  std::vector<uint8_t> boot_bytes() const;
};

// Maps `net` on `cfg` in `mode`, with seeded weights and `batch` seeded images
// (mapping/docs/numerics.md). The mapping and weights go after the mapper's
// HBM regions, 4 KiB aligned. Throws what the mapper throws.
// `cost` carries the mapper's figures (its batch is set to `batch`).
Prepared prepare(const map::Network& net, const Config& cfg, map::Mode mode, int batch, uint64_t seed,
                 map::CostParams cost = {});

struct CheckResult {
  size_t checked = 0, mismatches = 0;
  std::string first;  // where the first mismatch is: image, y, x, channel, got, expected
  // With cluster.ima.noise.enabled: the VP's (noisy) outputs against the
  // ideal model's, as JSON (top1_agreement, per-layer mean/max |error| of the
  // int8 outputs of the noisy golden model; its last layer is the VP's, checked
  // bit for bit above). Null without noise.
  nlohmann::json noise;
};

// Reads every image's network output through `read(addr, dst, bytes)` and
// compares it with the reference model, bit for bit.
CheckResult check_outputs(const Prepared& p, const std::function<void(uint64_t, void*, size_t)>& read);

}  // namespace vp::workload
