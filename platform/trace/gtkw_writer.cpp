#include "trace/gtkw_writer.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "cluster_ctrl_regs.h"

namespace vp {
namespace {

// GTKWave trace flags (its savefile format): display and group markers.
constexpr unsigned kHex = 0x2, kDec = 0x4, kBin = 0x8, kRightJustify = 0x20, kBlank = 0x200, kFileTranslated = 0x2000,
                   kAnalogStep = 0x8000, kAnalogBlankStretch = 0x20000, kClosed = 0x400000, kGroupBegin = 0x800000,
                   kGroupEnd = 0x1000000;
constexpr unsigned kAnalogRows = 3;  // extra rows of height for an analog (power) trace

// The window the save file asks for, and the part of its width the waves get
// (the rest: the hierarchy and signal name panes).
constexpr unsigned kWidth = 1400, kHeight = 800, kSstWidth = 220, kSignalsWidth = 300;
constexpr double kWavePixels = kWidth - kSstWidth - kSignalsWidth - 60;
constexpr double kPixelsPerZoomUnit = 200;  // GTKWave's pixels per 2^-zoom time units

std::string flags(unsigned f) { return fmt::format("@{:x}\n", f); }

}  // namespace

std::string gtkw_core_state_filter() {
  static const char* const kPhases[CLUSTER_NUM_PHASES] = CLUSTER_PHASE_NAMES;
  std::string out = "# vp-run core states (soc.cluster_N.core_K_state)\n";
  for (unsigned p = 0; p < CLUSTER_NUM_PHASES; ++p) out += fmt::format("{} {}\n", p, kPhases[p]);
  return out + fmt::format("{} halted\n", kVcdCoreHalted);
}

std::string gtkw_filter_path(const std::string& savefile) { return savefile + ".core_states.txt"; }

std::string gtkw_text(const VcdLayout& layout, const std::string& dumpfile, const std::string& savefile,
                      uint64_t end_ns, const std::string& filter) {
  std::string out = "[*] GTKWave save file written by vp-run\n";
  out += fmt::format("[dumpfile] \"{}\"\n[savefile] \"{}\"\n[timestart] 0\n", dumpfile, savefile);
  out += fmt::format("[size] {} {}\n[sst_width] {}\n[signals_width] {}\n[sst_expanded] 1\n", kWidth, kHeight,
                     kSstWidth, kSignalsWidth);
  // GTKWave shows 2^-zoom time units (ns here) per 200 pixels: the whole run
  // fits the wave pane, the zoom rounded down to a whole step.
  const double zoom = -std::ceil(std::log2(std::max(1.0, double(end_ns) * kPixelsPerZoomUnit / kWavePixels)));
  out += fmt::format("*{:.6f} -1\n", zoom);
  // Groups by the first scope component, "cluster_N", "platform" or "noc", in the order
  // first seen (a cluster's own link joins its group).
  std::vector<std::pair<std::string, std::vector<VcdVar>>> groups;
  for (VcdVar& v : vcd_vars(layout)) {
    const std::string top = v.scope.substr(0, v.scope.find('.'));
    const std::string name = top == "noc"        ? "network links"
                             : top == "platform" ? "platform"
                                                 : "cluster " + top.substr(top.find('_') + 1);
    auto g = groups.begin();
    while (g != groups.end() && g->first != name) ++g;
    if (g == groups.end()) g = groups.insert(g, {name, {}});
    g->second.push_back(std::move(v));
  }
  // Only the first group opens expanded, so many clusters stay readable.
  for (size_t i = 0; i < groups.size(); ++i) {
    const auto& [name, vars] = groups[i];
    out += flags(kGroupBegin | kBlank | (i ? kClosed : 0)) + "-" + name + "\n";
    unsigned current = 0;
    for (const VcdVar& v : vars) {
      const bool state = v.what == VcdVar::kCoreState, power = v.what == VcdVar::kPower;
      const unsigned f = kRightJustify | (v.width == 1 ? kBin
                                          : state     ? kDec | kFileTranslated
                                          : power     ? kDec | kAnalogStep
                                                      : kHex);
      if (f != current) out += flags(current = f);
      if (state) out += fmt::format("^1 {}\n", filter);
      out += vcd_reference(v) + "\n";
      if (power) {  // the analog view's height: blank stretch rows below the trace
        out += flags(current = kAnalogBlankStretch | kBlank);
        for (unsigned r = 0; r < kAnalogRows; ++r) out += "-\n";
      }
    }
    out += flags(kGroupEnd | kBlank) + "-" + name + "\n";
  }
  return out;
}

}  // namespace vp
