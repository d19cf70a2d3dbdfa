#pragma once
// A DNN as a graph of layers, read from the network YAML format
// (mapping/docs/network-format.md). Activations are int8 in HWC layout.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/errors.hpp"
#include "mapping_format.h"

namespace vp::map {

// Limits checked when a network is read, so that the host never allocates
// without bound for a hostile file (mapping/docs/network-format.md). The
// largest of ResNet-18 on 256x256 images: 1 Mi values, 2.4 Mi weights.
inline constexpr int64_t kMaxActivationValues = int64_t(1) << 24;  // C x H x W of an image or a layer output
inline constexpr int64_t kMaxLayerWeights = int64_t(1) << 26;      // rows x cols of an analog layer
inline constexpr size_t kMaxLayerName = VPMAP_LAYER_NAME_MAX;      // the mapping and weights formats' name fields

enum class Op { Conv, FC, MaxPool, AvgPool, Add, DwConv };
const char* op_name(Op op);

// A network given by name (a file of the built-in networks' folder,
// data_dir("networks")) or by path (anything with a '/' or ending in .yaml).
std::string network_file(const std::string& name_or_path);

struct Shape {
  int c = 0, h = 0, w = 0;
  int64_t size() const { return int64_t(c) * h * w; }
};

// Requantization overrides a network file may fix for one layer; the rest
// are calibrated when weights are generated (see weights.hpp).
// For an add layer: its per-input rescaling (mult_a, mult_b, shift of
// nm_add_rescaled; identity if absent). For conv, fc and add: act_max, the
// upper clamp of the output codes (ReLU6, Clip; 127 if absent), and act_min,
// the lower one (Clip(min); relu ? 0 : -128 if absent).
struct QuantOverride {
  std::optional<int> adc_shift, shift;
  std::optional<int32_t> mult, mult_a, mult_b;
  int act_max = 127;
  std::optional<int> act_min;
};

struct Layer {
  std::string name;
  std::string paper;  // the layer's number in the paper's Fig. 2A ("" if none)
  Op op = Op::Conv;
  std::vector<int> inputs;  // producer layer indices; -1 is the network input
  int out_channels = 0;     // conv, fc (a dwconv's are its input's)
  int kernel = 1, stride = 1, padding = 0;
  bool global = false;  // avgpool over the whole map
  bool relu = false;
  QuantOverride quant;
  unsigned avg_rounding = 0;  // avgpool: NM_AVG_HALF_UP or NM_AVG_HALF_EVEN (contracts/numerics.h)
  Shape in, out;  // derived
  SourceLocation where;

  bool analog() const { return op == Op::Conv || op == Op::FC; }
  // A layer with int8 weights and a requantization: the analog ones and the
  // depthwise conv (digital: on the cores, or a cluster's dwconv accelerator).
  bool weighted() const { return analog() || op == Op::DwConv; }
  // The layer's weight matrix: rows in (ky, kx, c_in) order, one column per
  // output channel (mapping/docs/numerics.md); a dwconv's K*K rows (ky, kx)
  // and one column per channel.
  int64_t rows() const;
  int64_t cols() const { return analog() ? out_channels : op == Op::DwConv ? in.c : 0; }
  int64_t weights() const { return rows() * cols(); }
  int64_t macs() const;  // multiply-accumulates per image (dwconv: K*K per output; 0 for pools and adds)
  // An add layer's rescaling (nm_add_rescaled).
  int32_t add_mult_a() const { return quant.mult_a.value_or(1); }
  int32_t add_mult_b() const { return quant.mult_b.value_or(1); }
  int add_shift() const { return quant.shift.value_or(0); }
  // The lower clamp of the output codes: nm_floor's act_min after the
  // requantization's own clamp to relu ? 0 : -128 (contracts/numerics.h).
  int act_min() const { return quant.act_min.value_or(relu ? 0 : -128); }
};

struct Network {
  std::string name;
  std::string origin;  // file it was read from
  Shape input;
  // Seeded requantization (params.hpp generate_params): one multiplier per
  // layer and no bias, or per output channel with a seeded bias.
  bool per_channel_calibration = false;
  // An imported network (vp-import, mapping/docs/onnx-import.md): its weights
  // file, the float model's class per test image, the input's quantization
  // scale (a data set's pixels in [0, 1] become round(x / input_scale));
  // paths resolved against the network file's folder. Empty / 0 if absent.
  std::string weights_file, float_predictions_file;
  double input_scale = 0;
  std::vector<Layer> layers;  // topological order: inputs always come earlier

  static Network load(const std::string& path);
  static Network from_string(const std::string& text, const std::string& origin);
  int64_t macs() const;
  int index(const std::string& layer_name) const;  // -1 if absent
  // The layers that read layer i's output.
  std::vector<int> consumers(int i) const;
};

}  // namespace vp::map
