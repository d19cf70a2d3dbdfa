#pragma once
// The compact binary form of a mapping for the firmware
// (contracts/mapping_format.h, mapping/docs/binary-format.md).
#include <cstdint>
#include <string>
#include <vector>

#include "mapper.hpp"
#include "mapping_format.h"

namespace vp::map {

// params may be null: the layers' quantization fields are then left 0.
std::vector<uint8_t> encode_mapping(const Mapping& m, const Network& net, const Params* params);

struct DecodedMapping {
  vpmap_header_t header{};
  std::vector<vpmap_layer_t> layers;
  std::vector<vpmap_cluster_t> clusters;
  std::vector<vpmap_edge_t> in_edges, out_edges;
  std::vector<vpmap_buffer_t> buffers;
};
// Checks magic, version, sizes and every offset; errors name the byte offset.
DecodedMapping decode_mapping(const std::vector<uint8_t>& bytes, const std::string& origin);

}  // namespace vp::map
