#pragma once
// What a Tcdm is built from, in the model's units (bytes, counts, sc_time).
// platform/params fills it from the platform YAML (`cluster.l1`), whose schema
// holds the defaults; a unit test may fill it by hand.
#include <cstdint>

#include <systemc>

namespace vp {

struct TcdmParams {
  uint64_t size = 0;      // bytes; a multiple of bank_width
  unsigned banks = 0;
  unsigned bank_width = 0;      // bytes
  sc_core::sc_time cycle;
  sc_core::sc_time latency;  // per access, before bank waits
};

}  // namespace vp
