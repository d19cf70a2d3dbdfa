#pragma once
// A labelled image data set for accuracy runs (vp-run --dataset): the test
// split of an MNIST-format data set (IDX files, gzipped or not), e.g. Debian's
// Fashion-MNIST (package dataset-fashion-mnist). Images become the network's
// int8 input codes with its input_scale (mapping/docs/onnx-import.md).
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "network.hpp"
#include "reference.hpp"

namespace vp::map {

// A data set that cannot be read: the message names the path and what is wrong.
class DatasetError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Dataset {
  std::string dir;
  int rows = 0, cols = 0;
  std::vector<std::vector<uint8_t>> images;  // rows x cols pixels each
  std::vector<int> labels;
};

// The folder of a data set given by name (fashion-mnist: Debian's) or path.
std::string dataset_dir(const std::string& name_or_dir);

// The first n test images (t10k-images-idx3-ubyte[.gz]) and their labels.
Dataset load_test_set(const std::string& name_or_dir, int n);

// Image i as the network's input: one channel, pixel p -> clamp(round_half_even(p / 255 / input_scale)).
// DatasetError when the network does not take such images.
Tensor dataset_image(const Network& net, const Dataset& d, int i);

// The float model's class of each of the first n images (one byte per image).
std::vector<int> load_predictions(const std::string& path, int n);

}  // namespace vp::map
