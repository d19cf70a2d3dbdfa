#pragma once
// What a Cluster is built from: its own figures, its view of the address map,
// and the params of the IPs it contains, in the models' units. platform/params
// fills it from the platform YAML (`cluster`, `core`, `memory_map`), whose
// schema holds the defaults; one struct per cluster, so clusters of one
// platform may differ.
#include <cstdint>

#include <systemc>

#include "core_config.hpp"
#include "dma/dma_params.hpp"
#include "dwconv/dwconv_params.hpp"
#include "event_unit/event_unit_params.hpp"
#include "ima/ima_params.hpp"
#include "tcdm/tcdm_params.hpp"

namespace vp {

// The address map as a cluster decodes it (docs/architecture.md).
struct ClusterMap {
  uint64_t local_base = 0;          // the executing cluster's alias
  uint64_t global_base = 0;         // cluster 0's global window
  uint64_t stride = 0;              // cluster i's window is at global_base + i * stride
  uint64_t peripherals_offset = 0;  // in a window
  uint64_t l1_size = 0;
  uint64_t imem_base = 0, imem_size = 0;
};

struct ClusterParams {
  unsigned id = 0;
  unsigned clusters = 0;  // in the platform (the NUM_CLUSTERS register)
  unsigned cores = 0;
  ClusterMap map;
  sc_core::sc_time cycle;
  sc_core::sc_time imem_latency;  // an instruction fetch outside the decode cache
  sc_core::sc_time wake_latency;  // event-unit line to a sleeping core running
  rv::CoreConfig core;
  TcdmParams l1;
  EventUnitParams event_unit;
  DmaParams dma;
  ImaParams ima;
  DwconvParams dwconv;  // dwconv.present false: no depthwise accelerator
};

}  // namespace vp
