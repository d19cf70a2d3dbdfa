#include "trace/timeline_writer.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cluster_ctrl_regs.h"

namespace vp {
namespace {

const char* const kPhaseNames[CLUSTER_NUM_PHASES] = CLUSTER_PHASE_NAMES;

// Track ids within a cluster's process: cores first, then the IMA, then DMA
// (up to 32 channels), then the depthwise accelerator.
constexpr unsigned kImaSequenceTid = 1000, kImaComputeTid = 2000, kDmaTid = 3000, kLanes = 100;
constexpr unsigned kDwconvTid = 7000, kDwconvComputeTid = 8000;
// The process of the platform-wide counters (power), after every cluster's.
constexpr unsigned kPlatformPid = 1u << 20;

unsigned base_tid(const ActivitySpan& s) {
  switch (s.unit) {
    case TraceUnit::kImaSequence: return kImaSequenceTid;
    case TraceUnit::kImaCompute: return kImaComputeTid;
    case TraceUnit::kDma: return kDmaTid + kLanes * s.index;
    case TraceUnit::kDwconv: return kDwconvTid;
    case TraceUnit::kDwconvCompute: return kDwconvComputeTid;
    default: return s.index;  // a core
  }
}

std::string track_name(const ActivitySpan& s, unsigned lane) {
  std::string n;
  switch (s.unit) {
    case TraceUnit::kImaSequence: n = "IMA job sequences"; break;
    case TraceUnit::kImaCompute: n = "IMA crossbar"; break;
    case TraceUnit::kDma: n = fmt::format("DMA channel {}", s.index); break;
    case TraceUnit::kDwconv: n = "depthwise accelerator"; break;
    case TraceUnit::kDwconvCompute: n = "depthwise datapath"; break;
    default: n = fmt::format("core {}", s.index); break;
  }
  return lane ? fmt::format("{} ({})", n, lane + 1) : n;
}

double us(uint64_t ps) { return double(ps) / 1e6; }

nlohmann::json meta(const char* what, unsigned pid, unsigned tid, const std::string& name) {
  return {{"ph", "M"}, {"name", what}, {"pid", pid}, {"tid", tid}, {"args", {{"name", name}}}};
}

}  // namespace

std::string chrome_timeline_json(const std::vector<ActivitySpan>& spans, const std::vector<unsigned>& clusters,
                                 unsigned cores_per_cluster) {
  nlohmann::json ev = nlohmann::json::array();
  for (unsigned c : clusters) {
    ev.push_back(meta("process_name", c, 0, fmt::format("cluster {}", c)));
    ev.push_back({{"ph", "M"}, {"name", "process_sort_index"}, {"pid", c}, {"tid", 0}, {"args", {{"sort_index", c}}}});
    for (unsigned k = 0; k < cores_per_cluster; ++k) ev.push_back(meta("thread_name", c, k, fmt::format("core {}", k)));
  }
  ev.push_back(meta("process_name", kPlatformPid, 0, "platform"));
  // Spans arrive grouped by (cluster, unit, index) and sorted by begin: each
  // group's lanes are assigned greedily (first lane free at the span's begin).
  std::vector<uint64_t> lane_free;
  const ActivitySpan* group = nullptr;
  for (const ActivitySpan& s : spans) {
    if (!group || group->cluster != s.cluster || group->unit != s.unit || group->index != s.index) {
      group = &s;
      lane_free.clear();
    }
    if (s.unit == TraceUnit::kLink) continue;  // network occupancy: in the VCD only
    if (s.unit == TraceUnit::kPower) {  // a counter track: the cluster's, or the platform's
      const unsigned pid = s.cluster == kNetworkSpan ? kPlatformPid : s.cluster;
      ev.push_back({{"ph", "C"}, {"name", "power (mW)"}, {"pid", pid}, {"ts", us(s.begin_ps)},
                    {"args", {{"mW", double(s.value) / 1e3}}}});
      continue;
    }
    if (s.unit == TraceUnit::kCoreHalt) {
      ev.push_back({{"ph", "i"}, {"s", "t"}, {"name", "halt"}, {"pid", s.cluster}, {"tid", s.index}, {"ts", us(s.begin_ps)}});
      continue;
    }
    unsigned lane = 0;
    // A core's phases never overlap: one track each; its sleeps nest in them.
    const bool core_track = s.unit == TraceUnit::kCorePhase || s.unit == TraceUnit::kCoreSleep;
    while (!core_track && lane < lane_free.size() && lane_free[lane] > s.begin_ps) ++lane;
    if (lane == kLanes) lane = kLanes - 1;  // more overlap than tracks: stack on the last
    if (lane == lane_free.size()) {
      lane_free.push_back(0);
      if (!core_track) ev.push_back(meta("thread_name", s.cluster, base_tid(s) + lane, track_name(s, lane)));
    }
    lane_free[lane] = std::max(lane_free[lane], s.end_ps);
    nlohmann::json e = {{"ph", "X"}, {"pid", s.cluster}, {"tid", base_tid(s) + lane},
                        {"ts", us(s.begin_ps)}, {"dur", us(s.end_ps - s.begin_ps)}};
    switch (s.unit) {
      case TraceUnit::kImaSequence:
        e["name"] = fmt::format("IMA {} job(s)", s.value);
        e["args"] = {{"jobs", s.value}};
        break;
      case TraceUnit::kImaCompute:
        e["name"] = "MVM";
        e["args"] = {{"job", s.value}};
        break;
      case TraceUnit::kDma:
        e["name"] = fmt::format("DMA {} B", s.value);
        e["args"] = {{"bytes", s.value}, {"channel", s.index}};
        break;
      case TraceUnit::kCoreSleep:
        e["name"] = "wfi";
        break;
      case TraceUnit::kDwconv:
        e["name"] = fmt::format("depthwise conv, {} job(s)", s.value);
        e["args"] = {{"jobs", s.value}};
        break;
      case TraceUnit::kDwconvCompute:
        e["name"] = "output row";
        e["args"] = {{"job", s.value}};
        break;
      default:
        e["name"] = s.value < CLUSTER_NUM_PHASES ? kPhaseNames[s.value] : "phase";
        break;
    }
    ev.push_back(std::move(e));
  }
  nlohmann::json doc = {{"displayTimeUnit", "ns"}, {"traceEvents", std::move(ev)}};
  return doc.dump() + "\n";
}

}  // namespace vp
