#pragma once
// The numbers a network runs with: the IMA's numeric parameters (from the
// platform YAML), and per analog layer its int8 weights and requantization.
// Weights come from a seed (with calibrated requantization) or from a
// weights file (mapping/docs/weights-format.md).
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "network.hpp"

#include "ima_noise.h"

namespace vp::map {

// cluster.ima.* of the platform: what the numerics depend on.
struct ImaParams {
  // The crossbar a layer's weights are tiled for (rows x cols of one IMA).
  struct Crossbar {
    int rows = 0, cols = 0;
    bool operator==(const Crossbar& o) const { return rows == o.rows && cols == o.cols; }
    bool operator!=(const Crossbar& o) const { return !(*this == o); }
  };
  int rows = 256, cols = 256;  // the platform's smallest crossbar (every layer's when it has one size)
  // Per network layer, when the platform's IMA classes have more than one
  // crossbar size (assign_crossbars): the size its weights are tiled for.
  // Empty: every layer is tiled for rows x cols.
  std::vector<Crossbar> layer_xbar;
  int dac_bits = 8, adc_bits = 8;
  int weight_bits = 8;  // seeded weights in +-(2^(weight_bits-1) - 1)
  // Crossbar non-idealities (contracts/ima_noise.h); disabled unless the
  // caller binds them (platform/workload, from cluster.ima.noise).
  ima_noise_params noise{};
  // The platform's numerics; rows x cols the smallest crossbar of its classes.
  static ImaParams from(const Config& cfg);
  // The same with each analog layer of `net` given its crossbar size (assign_crossbars).
  static ImaParams from(const Config& cfg, const Network& net);
  // This IMA with rows x cols of layer i's crossbar: what its numerics use.
  ImaParams of(size_t layer) const {
    ImaParams p = *this;
    if (layer < layer_xbar.size() && layer_xbar[layer].rows > 0)
      p.rows = layer_xbar[layer].rows, p.cols = layer_xbar[layer].cols;
    p.layer_xbar.clear();
    return p;
  }
  Crossbar xbar_of(size_t layer) const {
    return layer < layer_xbar.size() && layer_xbar[layer].rows > 0 ? layer_xbar[layer] : Crossbar{rows, cols};
  }
  // Number of crossbars (row chunks) a layer's rows are split into.
  int64_t row_chunks(const Layer& l) const { return (l.rows() + rows - 1) / rows; }
  int64_t col_chunks(const Layer& l) const { return (l.cols() + cols - 1) / cols; }
};

struct LayerParams {
  std::vector<int8_t> weights;  // rows() x cols(), row-major, rows in (ky, kx, c_in) order
  int adc_shift = 0;            // ADC gain of this layer's crossbars (IMA job register)
  int32_t mult = 1;             // requantization: ((acc + bias) * mult) >> shift, rounded
  int shift = 0;
  // Per output channel (nm_requant_ch): empty = every channel has bias 0 and
  // the layer's mult and shift; else cols() entries each.
  std::vector<int32_t> bias, ch_mult, ch_shift;
  bool uniform() const { return bias.empty(); }
  int32_t bias_of(size_t c) const { return bias.empty() ? 0 : bias[c]; }
  int32_t mult_of(size_t c) const { return ch_mult.empty() ? mult : ch_mult[c]; }
  int shift_of(size_t c) const { return ch_shift.empty() ? shift : ch_shift[c]; }
  // Drops the per-channel tables when they say no more than (mult, shift).
  void compact();
};

struct Params {
  std::vector<LayerParams> layers;  // one per network layer; digital layers empty
};

// Deterministic generator (splitmix64): the same seed gives the same numbers
// on every host, unlike std::uniform_int_distribution.
class SeededRandom {
 public:
  explicit SeededRandom(uint64_t seed) : s_(seed) {}
  uint64_t next() {  // SplitMix64
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi] (at most 256 values): (next() >> 11) % (hi - lo + 1).
  // Inline, so a loop over one range computes the divisor's reciprocal once
  // (the weights of a network: ~12 M draws, a 64-bit division each before).
  int8_t int8_in(int lo, int hi) { return int8_t(lo + int(mod_small(next() >> 11, uint64_t(hi - lo + 1)))); }
  // x % d for x < 2^53 and 1 <= d <= 256, by a multiplication: with
  // m = ceil(2^64 / d), x * m / 2^64 exceeds x / d by less than x / 2^64 <
  // 2^-11, below the 1 / d that x / d's fraction is short of 1, so its floor
  // is x / d's.
  static uint64_t mod_small(uint64_t x, uint64_t d) {
    if (d == 1) return 0;
    __extension__ using U128 = unsigned __int128;
    const uint64_t m = UINT64_MAX / d + 1;
    return x - uint64_t((U128(x) * m) >> 64) * d;
  }

 private:
  uint64_t s_;
};

// Mixed crossbar sizes (IMA classes of different rows x cols): the size each
// analog layer is tiled for, by area (mapping/docs/mapping-format.md, Mixed
// crossbar sizes): the size whose crossbars, plus the reduction nodes a row
// split adds, take the least cluster area (the area model, core/config/area.hpp);
// ties to the larger crossbar; then, while one size's layers need more
// crossbars than it has clusters, the cheapest move of a layer to a size with
// room. Empty when the platform has one size (or none).
std::vector<ImaParams::Crossbar> assign_crossbars(const Config& cfg, const Network& net);

// Checks that the network's numerics are exact on this IMA (int32 reduction).
void check_numerics(const Network& net, const ImaParams& ima);

// Weights uniform in +-(2^(weight_bits-1) - 1) from `seed` ([-127, 127] at 8 bits); adc_shift,
// mult and shift are calibrated on one seeded image so activations neither vanish nor saturate
// (mapping/docs/numerics.md), unless the network file fixes them.
Params generate_params(const Network& net, const ImaParams& ima, uint64_t seed);

// The weights one crossbar holds: rows [r0, r1) and columns [c0, c1) of the
// layer matrix, row-major (r1 - r0) x (c1 - c0); what a loader programs into
// the IMA of the cluster the mapping places there.
std::vector<int8_t> crossbar_block(const Layer& l, const LayerParams& p, int64_t r0, int64_t r1, int64_t c0, int64_t c1);

// The parameters a network runs with: its weights file (an imported network's
// `weights:`), else seeded ones.
Params network_params(const Network& net, const ImaParams& ima, uint64_t seed);

void save_params(const Network& net, const Params& p, const std::string& path);  // atomically
std::string weights_file_bytes(const Network& net, const Params& p);               // the same bytes
Params load_params(const Network& net, const std::string& path);

}  // namespace vp::map
