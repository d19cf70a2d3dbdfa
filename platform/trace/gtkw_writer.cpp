#include "trace/gtkw_writer.hpp"

#include <fmt/format.h>

namespace vp {
namespace {

// GTKWave trace flags (its savefile format): display and group markers.
constexpr unsigned kHex = 0x2, kDec = 0x4, kBin = 0x8, kRightJustify = 0x20, kBlank = 0x200, kClosed = 0x400000,
                   kGroupBegin = 0x800000, kGroupEnd = 0x1000000;

std::string flags(unsigned f) { return fmt::format("@{:x}\n", f); }

}  // namespace

std::string gtkw_text(const VcdLayout& layout, const std::string& dumpfile, const std::string& savefile) {
  std::string out = "[*] GTKWave save file written by vp-run\n";
  out += fmt::format("[dumpfile] \"{}\"\n[savefile] \"{}\"\n[timestart] 0\n", dumpfile, savefile);
  // Groups by the first scope component, "cluster_N" or "noc", in the order
  // first seen (a cluster's own link joins its group).
  std::vector<std::pair<std::string, std::vector<VcdVar>>> groups;
  for (VcdVar& v : vcd_vars(layout)) {
    const std::string top = v.scope.substr(0, v.scope.find('.'));
    const std::string name = top == "noc" ? "network links" : "cluster " + top.substr(top.find('_') + 1);
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
      const unsigned f = kRightJustify | (v.width == 1 ? kBin : v.what == VcdVar::kCoreState ? kDec : kHex);
      if (f != current) out += flags(current = f);
      out += vcd_reference(v) + "\n";
    }
    out += flags(kGroupEnd | kBlank) + "-" + name + "\n";
  }
  return out;
}

}  // namespace vp
