#include "config/area.hpp"

#include <string>

#include "config/cluster_classes.hpp"

namespace vp {

AreaParams bind_area(const Config& cfg) {
  AreaParams a;
  auto f = [&](const char* key) { return cfg.get_float(std::string("area.") + key); };
  a.core_mm2 = f("core_mm2");
  a.l1_mm2_per_mib = f("l1_mm2_per_mib");
  a.ima_mm2_per_kcell = f("ima_mm2_per_kcell");
  a.dma_mm2 = f("dma_mm2");
  a.cluster_other_mm2 = f("cluster_other_mm2");
  a.noc_mm2_per_cluster = f("noc_mm2_per_cluster");
  a.hbm_interface_mm2 = f("hbm_interface_mm2");
  a.dwconv_mm2_per_mac = f("dwconv_mm2_per_mac");
  return a;
}

ClusterShape bind_cluster_shape(const Config& cfg, unsigned cluster_id) {
  ClusterShape s;
  auto key = [&](const char* k) { return cluster_key(cfg, cluster_id, k); };
  s.cores = unsigned(cfg.get_int(key("cores")));
  s.l1_bytes = cfg.get_size(key("l1.size"));
  const bool ima = cfg.get_bool(key("ima.present"));
  s.ima_rows = ima ? unsigned(cfg.get_int(key("ima.rows"))) : 0;
  s.ima_cols = ima ? unsigned(cfg.get_int(key("ima.cols"))) : 0;
  if (cfg.get_bool(key("dwconv.present")))
    s.dwconv_macs = unsigned(cfg.get_int(key("dwconv.lanes")) * cfg.get_int(key("dwconv.taps_per_cycle")));
  return s;
}

std::vector<ClusterShape> bind_cluster_shapes(const Config& cfg) {
  std::vector<ClusterShape> out;
  for (unsigned i = 0; i < unsigned(cfg.get_int("cluster.count")); ++i) out.push_back(bind_cluster_shape(cfg, i));
  return out;
}

double cluster_area(const ClusterShape& s, const AreaParams& a) {
  return s.cores * a.core_mm2 + double(s.l1_bytes) / double(1 << 20) * a.l1_mm2_per_mib +
         double(s.ima_rows) * s.ima_cols / 1024.0 * a.ima_mm2_per_kcell + s.dwconv_macs * a.dwconv_mm2_per_mac + a.dma_mm2 + a.cluster_other_mm2 +
         a.noc_mm2_per_cluster;
}

}  // namespace vp
