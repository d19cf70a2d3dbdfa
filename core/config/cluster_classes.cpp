#include "config/cluster_classes.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "config/suggest.hpp"

namespace vp {

std::string cluster_class(const Config& cfg, unsigned id) {
  const auto names = cfg.get_string_list("cluster.classes");
  if (names.empty()) return "";
  if (cfg.get_bool("cluster.classes_repeat")) return names[id % names.size()];  // the pattern repeats
  const uint64_t count = uint64_t(cfg.get_int("cluster.count"));
  return names[size_t(uint64_t(id) * names.size() / count)];  // groups of count / size consecutive ids
}

std::vector<std::string> cluster_class_table(const Config& cfg) {
  const unsigned count = unsigned(cfg.get_int("cluster.count"));
  std::vector<std::string> out(count);
  for (unsigned i = 0; i < count; ++i) out[i] = cluster_class(cfg, i);
  return out;
}

std::string class_key(const Config& cfg, const std::string& cls, const std::string& key) {
  if (!cls.empty()) {
    const std::string path = "cluster_classes." + cls + "." + key;
    if (cfg.has(path)) return path;
  }
  return "cluster." + key;
}

std::string cluster_key(const Config& cfg, unsigned id, const std::string& key) {
  return class_key(cfg, cluster_class(cfg, id), key);
}

unsigned max_cluster_cores(const Config& cfg) {
  unsigned n = unsigned(cfg.get_int("cluster.cores"));
  const auto names = cfg.get_string_list("cluster.classes");
  if (!names.empty()) n = 0;
  for (const auto& c : names) n = std::max(n, unsigned(cfg.get_int(class_key(cfg, c, "cores"))));
  return n;
}

uint64_t min_l1_size(const Config& cfg) {
  uint64_t n = cfg.get_size("cluster.l1.size");
  const auto names = cfg.get_string_list("cluster.classes");
  if (!names.empty()) n = UINT64_MAX;
  for (const auto& c : names) n = std::min<uint64_t>(n, cfg.get_size(class_key(cfg, c, "l1.size")));
  return n;
}

void check_cluster_classes(const Config& cfg) {
  const auto classes = cfg.entry_names("cluster_classes");
  const auto names = cfg.get_string_list("cluster.classes");
  const int64_t count = cfg.get_int("cluster.count");
  if (!names.empty() && count % int64_t(names.size()) != 0)
    cfg.fail_any({"cluster.classes", "cluster.count"},
                 fmt::format("{} class names do not split {} clusters into equal groups (use a divisor of "
                             "cluster.count: one name per quadrant or per cluster)",
                             names.size(), count));
  for (size_t i = 0; i < names.size(); ++i)
    if (std::find(classes.begin(), classes.end(), names[i]) == classes.end()) {
      const std::string hint = closest_match(names[i], classes);
      cfg.fail(fmt::format("cluster.classes.{}", i),
               classes.empty() ? fmt::format("'{}' is not a class: cluster_classes declares none", names[i])
                               : fmt::format("'{}' is not a class of cluster_classes ({}){}", names[i],
                                             fmt::join(classes, ", "),
                                             hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
    }
  for (const auto& c : classes)
    if (std::find(names.begin(), names.end(), c) == names.end())
      cfg.fail("cluster_classes." + c,
               names.empty() ? fmt::format("class '{}' is not used: cluster.classes assigns no class", c)
                             : fmt::format("class '{}' is not used: cluster.classes names no group of it", c));
  // Each class's L1 is a window of its cluster's stride, like cluster.l1.size.
  const uint64_t periph = uint64_t(cfg.get_int("memory_map.peripherals_offset"));
  const uint64_t row = uint64_t(cfg.get_int("cluster.l1.banks") * cfg.get_int("cluster.l1.bank_width"));
  for (const auto& c : classes) {
    const std::string key = "cluster_classes." + c + ".l1.size";
    if (!cfg.has(key)) continue;
    const uint64_t l1 = cfg.get_size(key);
    if (l1 > periph) cfg.fail(key, fmt::format("exceeds memory_map.peripherals_offset ({:#x})", periph));
    if (row && l1 % row != 0) cfg.fail(key, fmt::format("must be a multiple of banks x bank_width = {} bytes", row));
  }
}

}  // namespace vp
