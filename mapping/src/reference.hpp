#pragma once
// The golden reference model: the whole network in plain C++ with exactly the
// numerics of contracts/numerics.h and contracts/ima_numerics.h, independent of
// the mapping. The VP's results must equal it bit for bit in the ideal mode.
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "network.hpp"
#include "params.hpp"

namespace vp::map {

// int8 activations in HWC layout: element (y, x, c) at (y * w + x) * c_total + c.
struct Tensor {
  Shape shape;
  std::vector<int8_t> data;
  Tensor() = default;
  explicit Tensor(Shape s) : shape(s), data(size_t(s.size()), 0) {}
};

// The seeded input image `index` of a batch: int8 uniform in [-128, 127].
Tensor make_image(const Network& net, uint64_t seed, int index);

// Accumulators of an analog layer before requantization: per output element,
// the int32 sum over its crossbars (row chunks of ima.rows rows) of each
// crossbar's ADC output.
// An analog layer's crossbars as programmed with noise (ima_noise.h): one
// block per row chunk x column chunk (row-chunk major), column-major, keys per row.
struct ProgrammedChunk {
  std::vector<int32_t> weff;
  std::vector<uint64_t> var, keys;
};
using ProgrammedLayer = std::vector<ProgrammedChunk>;
ProgrammedLayer program_layer(const Layer& l, const std::vector<int8_t>& weights, const ImaParams& ima);

// With `prog`, the crossbars compute with noise (ima_mvm_noisy) instead of ideally.
std::vector<int32_t> analog_accumulate(const Layer& l, const std::vector<int8_t>& weights, int adc_shift,
                                       const ImaParams& ima, const Tensor& in, const ProgrammedLayer* prog = nullptr);

// For the calibration (generate_params), which needs the exact crossbar sums
// before it can pick the ADC shift: analog_partials gives every crossbar's
// exact (pre-ADC) column sums, [pixel][row chunk][column]; adc_accumulate
// turns them into analog_accumulate's result for an ideal crossbar with
// `adc_shift`, bit for bit, without a second pass over the weights.
std::vector<int32_t> analog_partials(const Layer& l, const std::vector<int8_t>& weights, const ImaParams& ima,
                                     const Tensor& in);
std::vector<int32_t> adc_accumulate(const Layer& l, const std::vector<int32_t>& raw, int adc_shift,
                                    const ImaParams& ima);

// Accumulators of a depthwise layer before requantization (contracts/numerics.h):
// per output element of channel c, the exact sum over the in-map kernel taps
// of w[(ky * K + kx) * C + c] * x. HWC, like analog_accumulate's.
std::vector<int32_t> depthwise_accumulate(const Layer& l, const std::vector<int8_t>& weights, const Tensor& in);

// A weighted layer's output from its accumulators (HWC, channel innermost).
Tensor requantize(const Layer& l, const LayerParams& p, const std::vector<int32_t>& acc);

// One layer: analog and depthwise layers accumulate and requantize, the others pool or add.
Tensor run_layer(const Layer& l, const LayerParams& p, const ImaParams& ima,
                 const std::vector<const Tensor*>& inputs, const ProgrammedLayer* prog = nullptr);

class Reference {
 public:
  // With ima.noise.enabled, every analog layer is programmed once here and
  // every MVM applies the same draws as the IMA (ima_noise.h).
  Reference(const Network& net, const Params& params, const ImaParams& ima);
  // The output of every layer (index = layer index) for one image; empty if
  // `cancel` (optional) was set, checked between layers.
  std::vector<Tensor> run(const Tensor& image, const std::atomic<bool>* cancel = nullptr) const;

 private:
  const Network& net_;
  const Params& params_;
  ImaParams ima_;
  std::vector<ProgrammedLayer> programmed_;  // per layer; empty without noise
};

// Every layer's output for images [0, n) of `seed`, computed on up to
// `threads` host threads (images are independent; results do not depend on
// the thread count).
std::vector<std::vector<Tensor>> run_batch(const Reference& ref, const Network& net, uint64_t seed, int n,
                                           int threads);

// Activations file (mapping/docs/binary-format.md): per image, the outputs
// of the selected layers.
void save_activations(const Network& net, const std::vector<std::vector<Tensor>>& per_image,
                      const std::vector<int>& layers, const std::string& path);

}  // namespace vp::map
