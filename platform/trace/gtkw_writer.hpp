#pragma once
// A GTKWave save file (.gtkw) for a VCD or FST of vcd_writer.hpp: it names the
// dump file and lists every signal in groups, so GTKWave opens with the
// waveforms shown instead of an empty view. One group per traced cluster
// ("cluster N": IMA busy, DMA busy, each core's state and sleep, the
// cluster's network link), then "network links" (the nodes' links up to the
// HBM). Core states are shown in decimal (0 compute, 1 communication,
// 2 synchronization, 3 waiting for the IMA, 4 halted).
#include <string>

#include "trace/vcd_writer.hpp"

namespace vp {

// `dumpfile` and `savefile` are written as given (make them absolute: GTKWave
// looks the dump file up from its own working directory).
std::string gtkw_text(const VcdLayout& layout, const std::string& dumpfile, const std::string& savefile);

}  // namespace vp
