#pragma once
// A VCD (IEEE 1364 value change dump) of the traced clusters, for GTKWave:
//   soc.cluster_N.ima_busy      1 while an IMA job sequence is in flight
//   soc.cluster_N.dma_busy      1 while a DMA transfer is in flight (any channel)
//   soc.cluster_N.core_K_state  3 bits: the firmware phase the core marked
//                               (0 compute, 1 communication / waiting for DMA,
//                               2 synchronization / waiting for producers or
//                               consumers, 3 waiting for the IMA), 4 halted
// Timescale 1 ns; the hierarchy mirrors the platform's module names.
#include <string>
#include <vector>

#include "trace/activity_recorder.hpp"

namespace vp {

constexpr unsigned kVcdCoreHalted = 4;

std::string vcd_text(const std::vector<ActivitySpan>& sorted_spans, const std::vector<unsigned>& clusters,
                     unsigned cores_per_cluster, uint64_t end_ps);

}  // namespace vp
