#pragma once
// What a depthwise-convolution accelerator is built from, in the model's
// units. platform/params fills it from the platform YAML (`cluster.dwconv`),
// whose schema holds the defaults; a unit test may fill it by hand.
#include <cstddef>

#include <systemc>

#include "common/l1_window.hpp"

namespace vp {

struct DwconvParams {
  bool present = false;  // false: the cluster has no accelerator (its register block is a hole)
  unsigned cluster_id = 0;
  L1Window l1;                         // where the cluster's own L1 appears
  unsigned lanes = 0;                  // channels computed in parallel (< 256, the INFO field)
  unsigned taps_per_cycle = 0;         // multipliers per lane: a KxK window takes ceil(K*K / taps) cycles
  unsigned streamer_ports = 0, port_bytes = 0;
  size_t job_queue = 0;
  sc_core::sc_time cycle;
  sc_core::sc_time setup;             // per triggered convolution
  sc_core::sc_time l1_latency;        // of a streamer access
  sc_core::sc_time register_latency;
};

}  // namespace vp
