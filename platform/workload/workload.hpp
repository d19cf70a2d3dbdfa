#pragma once
// The host side of the dataflow firmware (firmware/dataflow, docs/dataflow.md):
// maps a network on a platform, lays out the global memory the firmware
// boots from (mapping binary, weights, a batch of images) and the boot record
// every cluster gets, and checks the network outputs against the golden
// reference. Platform builders load `global` into memory and write
// `boot_bytes()` over the firmware's DF_BOOT_SYMBOL in every cluster's L1.
#include <memory>
#include <optional>
#include <atomic>
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
#include "reference.hpp"

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
  // With a data set (vp-run --dataset): its images as the batch, their labels,
  // and the float model's classes (empty if the network has none).
  std::string dataset;
  std::vector<map::Tensor> images;
  std::vector<int> labels, float_predictions;
  map::Tensor image(int i) const;  // input image i: the data set's, or seeded
  std::vector<Placement> global;  // mapping binary, weights file, input images
  // Reload mode (docs/dataflow.md "Weight reloading"): the layer groups, each
  // a mapping of its clusters; `mapping` is then the first group's.
  bool reload = false;
  std::vector<map::Mapping> groups;
  uint64_t reload_stats_at = 0;  // global address of the groups' vprl_stat_t records
  df_boot_t boot{};
  uint64_t output_addr = 0;       // the last layer's HBM output region
  std::vector<uint8_t> boot_bytes() const;
};

// Maps `net` on `cfg` in `mode`, with seeded weights and `batch` seeded images
// (mapping/docs/numerics.md). The mapping and weights go after the mapper's
// HBM regions, 4 KiB aligned. Throws what the mapper throws.
// `cost` carries the mapper's figures (its batch is set to `batch`).
// With `dataset` (a name or folder, map::load_test_set), the batch is its
// first `batch` test images (map::DatasetError if it cannot be read).
// With `reload`, `mode` is ignored: the network runs in layer groups
// (map_reload), the reload file replaces the mapping binary in the HBM and
// the boot record points at it.
Prepared prepare(const map::Network& net, const Config& cfg, map::Mode mode, int batch, uint64_t seed,
                 map::CostParams cost = {}, const std::string& dataset = "", bool reload = false);

struct CheckResult {
  size_t checked = 0, mismatches = 0;
  std::string first;  // where the first mismatch is: image, y, x, channel, got, expected
  // With cluster.ima.noise.enabled: the VP's (noisy) outputs against the
  // ideal model's, as JSON (top1_agreement, per-layer mean/max |error| of the
  // int8 outputs of the noisy golden model; its last layer is the VP's, checked
  // bit for bit above). Null without noise.
  nlohmann::json noise;
  // With a data set: top-1 of the VP, of the int8 golden model and of the
  // float model on the same images (null without); with noise, also the
  // ideal (noise-free) golden model's (ideal_top1).
  nlohmann::json accuracy;
};

// The reference model's side of the check: it depends only on the inputs and
// weights, so a platform computes it on a host thread of its own while the
// simulation runs (golden_outputs), then compares (check_outputs with it).
struct Golden {
  std::vector<std::vector<int8_t>> want;   // per image, the last layer's output
  std::vector<std::vector<int8_t>> ideal;  // with noise: the noise-free model's last layer, per image
  // With noise: |noisy - ideal| over the layers but the last (the last one is the VP's).
  std::vector<double> err_sum, err_max;
  std::vector<size_t> err_n;
  bool cancelled = false;  // `cancel` was set before it finished: incomplete
};
// `cancel` (optional) stops it between layers (the run failed: no check).
Golden golden_outputs(const Prepared& p, const std::atomic<bool>* cancel = nullptr);

// The golden model image by image, for host threads that share the images
// (GoldenRun): image(i) is a pure function of the job, so any thread may
// compute any image, twice even; combine() gives golden_outputs' result.
class GoldenModel {
 public:
  struct Image {
    std::vector<int8_t> want, ideal;  // as Golden's, for this image
    std::vector<double> err_sum, err_max;
    std::vector<size_t> err_n;
  };
  explicit GoldenModel(const Prepared& p);
  ~GoldenModel();
  // Image i's share; nullopt if `cancel` was set before it finished.
  std::optional<Image> image(int i, const std::atomic<bool>* cancel = nullptr) const;
  // Every image's share, in image order (sums of integers: exact in any order).
  Golden combine(std::vector<Image> images) const;

 private:
  const Prepared& p_;
  struct Refs;
  std::unique_ptr<Refs> refs_;
};

// Reads every image's network output through `read(addr, dst, bytes)` and
// compares it with the reference model, bit for bit.
CheckResult check_outputs(const Prepared& p, const std::function<void(uint64_t, void*, size_t)>& read);
CheckResult check_outputs(const Prepared& p, const Golden& golden,
                          const std::function<void(uint64_t, void*, size_t)>& read);

}  // namespace vp::workload
