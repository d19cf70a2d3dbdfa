#pragma once
// What an Ima is built from, in the model's units (bytes, counts, sc_time).
// platform/params fills it from the platform YAML (`cluster.ima`), whose schema
// holds the defaults; a unit test may fill it by hand.
#include <cstddef>

#include <systemc>

#include "common/l1_window.hpp"
#include "ima_noise.h"

namespace vp {

struct ImaParams {
  unsigned cluster_id = 0;
  bool present = true;          // false: a digital cluster's hole (accesses fail)
  L1Window l1;                  // where the cluster's own L1 appears
  unsigned rows = 0, cols = 0;  // each < 2^16 (the INFO register's fields)
  unsigned streamer_ports = 0, port_bytes = 0;
  unsigned dac_bits = 0, adc_bits = 0, adc_shift = 0;
  size_t job_queue = 0;
  sc_core::sc_time cycle;
  sc_core::sc_time mvm;  // one analog MVM (DAC, array, ADC)
  sc_core::sc_time setup;  // per triggered sequence
  // The weight-programming path (IMA_KIND_PROGRAM): per program sequence, and
  // per crossbar row written (all its columns at once).
  sc_core::sc_time program_setup, program_row;
  sc_core::sc_time l1_latency;  // of a streamer access
  sc_core::sc_time register_latency;
  // Simulation, not hardware: how far ahead of SystemC time the thread may
  // stream (simulation.ima_lookahead_cycles); zero: each stream at its time.
  sc_core::sc_time lookahead;
  ima_noise_params noise{};  // noise.enabled == 0: the ideal crossbar
};

}  // namespace vp
