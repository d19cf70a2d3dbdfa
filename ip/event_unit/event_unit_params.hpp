#pragma once
// What an EventUnit is built from, in the model's units (bytes, counts, sc_time).
// platform/params fills it from the platform YAML (`cluster`), whose schema
// holds the defaults; a unit test may fill it by hand.
#include <systemc>

namespace vp {

struct EventUnitParams {
  unsigned cores = 0;  // 1..EU_MAX_CORES
  sc_core::sc_time access_latency;
  sc_core::sc_time barrier_latency;
};

}  // namespace vp
