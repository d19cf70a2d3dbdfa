#pragma once
// A VCD (IEEE 1364 value change dump) of the traced clusters, for GTKWave:
//   soc.cluster_N.ima_busy      1 while an IMA job sequence is in flight
//   soc.cluster_N.dma_busy      1 while a DMA transfer is in flight (any channel)
//   soc.cluster_N.dwconv_busy   1 while a depthwise-accelerator convolution is in flight
//                               (trigger to its last output; clusters that have one)
//   soc.cluster_N.core_K_state  3 bits: the firmware phase the core marked
//                               (0 compute, 1 communication / waiting for DMA,
//                               2 synchronization, 3 waiting for the IMA,
//                               4 waiting for producers, 5 for consumers,
//                               6 waiting for the depthwise accelerator), 7 halted
//   soc.cluster_N.core_K_asleep 1 while the core sleeps in wfi
//   soc.<link scope>.<channel>  1 while a transfer occupies that link channel
//                               (soc.noc.l1_3.up_wr, soc.cluster_N.noc_link.down_rd)
//   soc.cluster_N.power_uw      32 bits: the cluster's average power (uW) over each
//   soc.platform.power_uw       sample period, and the whole platform's (with power)
// Timescale 1 ns; the hierarchy mirrors the platform's module names.
#include <string>
#include <vector>

#include "trace/activity_recorder.hpp"

namespace vp {

constexpr unsigned kVcdCoreHalted = 7;  // above every phase (cluster_ctrl_regs.h)

// What the VCD declares.
struct VcdLayout {
  std::vector<unsigned> clusters;  // traced clusters
  unsigned cores_per_cluster = 0;
  // Network links by id (the `index` of their kLink spans): their scope below `soc`,
  // dotted ("noc.l1_3"), and one 1-bit signal per channel (the spans' `value`).
  std::vector<std::string> links;
  std::vector<std::string> link_channel_names;
  bool power = false;  // the power samples (kPower spans) are declared
  std::vector<unsigned> dwconv_clusters;  // traced clusters with a depthwise accelerator
};

// One signal the VCD declares, in declaration order.
struct VcdVar {
  enum What { kImaBusy, kDmaBusy, kCoreState, kCoreAsleep, kPower, kDwconvBusy, kLinkBusy /* + channel */ };
  std::string scope;  // dotted, below soc: "cluster_3", "cluster_3.noc_link", "noc.l1_0"
  std::string name;   // "core_0_state"
  unsigned width;
  int what;           // What (kLinkBusy + channel for links)
  unsigned cluster;   // kNetworkSpan for links
  unsigned index;     // the core, or the link id
};
std::vector<VcdVar> vcd_vars(const VcdLayout& layout);
// Its full name as GTKWave shows it: "soc.cluster_3.core_0_state[2:0]".
std::string vcd_reference(const VcdVar& v);

std::string vcd_text(const std::vector<ActivitySpan>& sorted_spans, const VcdLayout& layout, uint64_t end_ps);

}  // namespace vp
