#pragma once
// A GTKWave save file (.gtkw) for a VCD or FST of vcd_writer.hpp: it names the
// dump file and lists every signal in groups, so GTKWave opens with the
// waveforms shown instead of an empty view. One group per traced cluster
// ("cluster N": IMA busy, DMA busy, each core's state and sleep, the
// cluster's network link), then "network links" (the nodes' links up to the
// HBM). The view opens zoomed to the whole run, and core states show by name
// through a translate filter file written next to the save file
// (cluster_ctrl_regs.h's phase names, and 7 halted).
#include <cstdint>
#include <string>

#include "trace/vcd_writer.hpp"

namespace vp {

// `dumpfile` and `savefile` are written as given (make them absolute: GTKWave
// looks the dump file up from its own working directory).
// `end_ns` is the end of the run (the zoom shows [0, end_ns]); `filter` the
// translate filter file of the core states (gtkw_core_state_filter()).
std::string gtkw_text(const VcdLayout& layout, const std::string& dumpfile, const std::string& savefile,
                      uint64_t end_ns, const std::string& filter);

// The translate filter file for the core states: "value name" per line.
std::string gtkw_core_state_filter();
// Where it goes: beside the save file, "<savefile>.core_states.txt".
std::string gtkw_filter_path(const std::string& savefile);

}  // namespace vp
