#include "trace/vcd_writer.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

namespace vp {
namespace {

struct Signal {
  std::string id, name;
  unsigned width;
};

struct Change {
  uint64_t ns;
  size_t signal;
  uint64_t value;
};

// Short printable identifiers: '!'..'~' in base 94.
std::string vcd_id(size_t n) {
  std::string id;
  do {
    id.push_back(char('!' + n % 94));
    n /= 94;
  } while (n);
  return id;
}

uint64_t to_ns(uint64_t ps) { return (ps + 500) / 1000; }

// Value changes of "busy while any interval is open", from its intervals.
void busy_changes(const std::vector<std::pair<uint64_t, uint64_t>>& iv, size_t sig, std::vector<Change>& out) {
  std::map<uint64_t, int> delta;  // ordered: deterministic
  for (auto [b, e] : iv) {
    if (to_ns(e) <= to_ns(b)) continue;  // shorter than the timescale
    ++delta[to_ns(b)];
    --delta[to_ns(e)];
  }
  int open = 0;
  bool busy = false;
  for (auto [t, d] : delta) {
    open += d;
    if ((open > 0) != busy) {
      busy = open > 0;
      out.push_back({t, sig, busy ? 1u : 0u});
    }
  }
}

std::string value_text(const Signal& s, uint64_t v) {
  if (s.width == 1) return fmt::format("{}{}\n", v, s.id);
  std::string bits;
  for (unsigned b = s.width; b-- > 0;) bits.push_back((v >> b) & 1 ? '1' : '0');
  return fmt::format("b{} {}\n", bits, s.id);
}

// The VCD's scope tree: scopes keep the order they were first named in.
struct Scope {
  std::string name;
  std::vector<size_t> signals;
  std::vector<Scope> subs;
  Scope& sub(const std::string& n) {
    for (Scope& s : subs)
      if (s.name == n) return s;
    subs.push_back({n, {}, {}});
    return subs.back();
  }
  void emit(const std::vector<Signal>& sig, std::string& out) const {
    out += fmt::format("$scope module {} $end\n", name);
    for (size_t i : signals) {
      const Signal& v = sig[i];
      if (v.width == 1)
        out += fmt::format("$var wire 1 {} {} $end\n", v.id, v.name);
      else  // with its range, so viewers name it name[msb:0] whatever their convention
        out += fmt::format("$var wire {} {} {} [{}:0] $end\n", v.width, v.id, v.name, v.width - 1);
    }
    for (const Scope& s : subs) s.emit(sig, out);
    out += "$upscope $end\n";
  }
};

}  // namespace

std::vector<VcdVar> vcd_vars(const VcdLayout& layout) {
  std::vector<VcdVar> vars;
  for (unsigned c : layout.clusters) {
    const std::string scope = fmt::format("cluster_{}", c);
    vars.push_back({scope, "ima_busy", 1, VcdVar::kImaBusy, c, 0});
    vars.push_back({scope, "dma_busy", 1, VcdVar::kDmaBusy, c, 0});
    if (std::find(layout.dwconv_clusters.begin(), layout.dwconv_clusters.end(), c) != layout.dwconv_clusters.end())
      vars.push_back({scope, "dwconv_busy", 1, VcdVar::kDwconvBusy, c, 0});
    for (unsigned k = 0; k < layout.cores_per_cluster; ++k) {
      vars.push_back({scope, fmt::format("core_{}_state", k), 3, VcdVar::kCoreState, c, k});
      vars.push_back({scope, fmt::format("core_{}_asleep", k), 1, VcdVar::kCoreAsleep, c, k});
    }
    if (layout.power) vars.push_back({scope, "power_uw", 32, VcdVar::kPower, c, 0});
  }
  if (layout.power) vars.push_back({"platform", "power_uw", 32, VcdVar::kPower, kNetworkSpan, 0});
  for (unsigned l = 0; l < layout.links.size(); ++l)
    for (unsigned ch = 0; ch < layout.link_channel_names.size(); ++ch)
      vars.push_back({layout.links[l], layout.link_channel_names[ch], 1, VcdVar::kLinkBusy + int(ch), kNetworkSpan, l});
  return vars;
}

std::string vcd_reference(const VcdVar& v) {
  std::string r = "soc." + v.scope + "." + v.name;
  if (v.width > 1) r += fmt::format("[{}:0]", v.width - 1);
  return r;
}

std::string vcd_text(const std::vector<ActivitySpan>& spans, const VcdLayout& layout, uint64_t end_ps) {
  const std::vector<VcdVar> vars = vcd_vars(layout);
  std::vector<Signal> sig;
  std::map<std::tuple<unsigned, int, unsigned>, size_t> index;  // (cluster, what, index) -> signal
  Scope root{"soc", {}, {}};
  for (const VcdVar& v : vars) {
    Scope* scope = &root;
    for (size_t b = 0, e; b <= v.scope.size(); b = e + 1) {
      e = std::min(v.scope.find('.', b), v.scope.size());
      scope = &scope->sub(v.scope.substr(b, e - b));
    }
    index[{v.cluster, v.what, v.index}] = sig.size();
    scope->signals.push_back(sig.size());
    sig.push_back({vcd_id(sig.size()), v.name, v.width});
  }
  std::string head = "$date simulated $end\n$version vp-run $end\n$timescale 1ns $end\n";
  root.emit(sig, head);
  head += "$enddefinitions $end\n";

  std::vector<Change> changes;
  std::map<std::tuple<unsigned, int, unsigned>, std::vector<std::pair<uint64_t, uint64_t>>> busy;
  for (const ActivitySpan& s : spans) {
    switch (s.unit) {
      case TraceUnit::kImaSequence: busy[{s.cluster, VcdVar::kImaBusy, 0}].emplace_back(s.begin_ps, s.end_ps); break;
      case TraceUnit::kDma: busy[{s.cluster, VcdVar::kDmaBusy, 0}].emplace_back(s.begin_ps, s.end_ps); break;
      case TraceUnit::kDwconv: busy[{s.cluster, VcdVar::kDwconvBusy, 0}].emplace_back(s.begin_ps, s.end_ps); break;
      case TraceUnit::kCoreSleep: busy[{s.cluster, VcdVar::kCoreAsleep, s.index}].emplace_back(s.begin_ps, s.end_ps); break;
      case TraceUnit::kLink: busy[{s.cluster, VcdVar::kLinkBusy + int(s.value), s.index}].emplace_back(s.begin_ps, s.end_ps); break;
      case TraceUnit::kPower: {
        auto it = index.find({s.cluster, VcdVar::kPower, 0});
        if (it != index.end()) changes.push_back({to_ns(s.begin_ps), it->second, std::min<uint64_t>(s.value, 0xFFFFFFFFu)});
        break;
      }
      case TraceUnit::kCorePhase:
      case TraceUnit::kCoreHalt: {
        auto it = index.find({s.cluster, VcdVar::kCoreState, s.index});
        if (it == index.end()) break;
        const uint64_t v = s.unit == TraceUnit::kCoreHalt ? kVcdCoreHalted : std::min<uint64_t>(s.value, kVcdCoreHalted - 1);
        changes.push_back({to_ns(s.begin_ps), it->second, v});
        break;
      }
      default: break;
    }
  }
  for (const auto& [key, iv] : busy) {
    auto it = index.find(key);
    if (it != index.end()) busy_changes(iv, it->second, changes);
  }
  // Time order; for one signal at one time the last reported change wins.
  std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) {
    return std::tie(a.ns, a.signal) < std::tie(b.ns, b.signal);
  });

  std::string body = "#0\n$dumpvars\n";
  std::vector<uint64_t> cur(sig.size(), 0);
  for (size_t i = 0; i < sig.size(); ++i) body += value_text(sig[i], 0);
  body += "$end\n";
  uint64_t now = 0;
  for (size_t i = 0; i < changes.size(); ++i) {
    const Change& ch = changes[i];
    if (i + 1 < changes.size() && changes[i + 1].ns == ch.ns && changes[i + 1].signal == ch.signal) continue;
    if (cur[ch.signal] == ch.value) continue;
    if (ch.ns != now) body += fmt::format("#{}\n", now = ch.ns);
    body += value_text(sig[ch.signal], ch.value);
    cur[ch.signal] = ch.value;
  }
  const uint64_t end_ns = std::max(now, to_ns(end_ps));
  if (end_ns != now) body += fmt::format("#{}\n", end_ns);
  return head + body;
}

}  // namespace vp
