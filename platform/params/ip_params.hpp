#pragma once
// The one binder from the platform YAML to the IPs' typed params: every key an
// IP needs is read here, converted to the model's units, and checked against
// what the model (and its register map) can represent, with errors located
// at the key (ConfigError, exit 2). The IPs themselves never see a Config.
#include "cluster_params.hpp"
#include "config/config.hpp"

#include <map>
#include <optional>
#include <string>

namespace vp {

sc_core::sc_time bind_cycle(const Config& cfg);  // 1 / clock_hz; an error below the time resolution
ClusterMap bind_cluster_map(const Config& cfg);
L1Window bind_l1_window(const Config& cfg, unsigned cluster_id);
rv::CoreConfig bind_core(const Config& cfg);
// Per-cluster keys (cores, L1 size, IMA) come from the cluster's class
// (core/config/cluster_classes.hpp); cluster_id 0 on a homogeneous platform is any cluster.
TcdmParams bind_tcdm(const Config& cfg, unsigned cluster_id = 0);
EventUnitParams bind_event_unit(const Config& cfg, unsigned cluster_id = 0);
DmaParams bind_dma(const Config& cfg, unsigned cluster_id);
ImaParams bind_ima(const Config& cfg, unsigned cluster_id);
// `cluster.ima.noise`; also used by the host side's golden model (platform/workload).
DwconvParams bind_dwconv(const Config& cfg, unsigned cluster_id);
ima_noise_params bind_ima_noise(const Config& cfg);
// A duration such as "20s", "1h", "1.5d", "1month", "1y" in seconds; nullopt if malformed.
std::optional<double> parse_drift_time(const std::string& text);
ClusterParams bind_cluster(const Config& cfg, unsigned cluster_id);
// The same through a cache of each class's params: the clusters of a class
// differ only in their id and their L1's global window, so only the first
// of each class reads every key (a Config read walks the YAML document:
// ~0.1 s of mpaimc-512's elaboration for 512 clusters). Its errors are those
// of bind_cluster for that first cluster.
using ClusterClassCache = std::map<std::string, ClusterParams>;
ClusterParams bind_cluster(const Config& cfg, unsigned cluster_id, ClusterClassCache& cache);

}  // namespace vp
