#pragma once
// What a Dma is built from, in the model's units (bytes, counts, sc_time).
// platform/params fills it from the platform YAML (`cluster.dma`), whose schema
// holds the defaults; a unit test may fill it by hand.
#include <cstdint>

#include <systemc>

#include "common/l1_window.hpp"

namespace vp {

struct DmaParams {
  unsigned cluster_id = 0;
  L1Window l1;                  // where the cluster's own L1 appears
  unsigned channels = 0;        // <= DMA_MAX_CHANNELS
  unsigned outstanding = 0;     // bursts in flight
  unsigned outstanding_reads = 0;   // network-side reads in flight, 0: no separate limit
  unsigned outstanding_writes = 0;  // network-side writes in flight, 0: no separate limit
  uint32_t width_bytes = 0;    // bytes per cycle
  uint32_t max_burst_bytes = 0;
  sc_core::sc_time cycle;
  sc_core::sc_time setup;  // per transfer
  sc_core::sc_time register_latency;
};

}  // namespace vp
