#pragma once
// Heterogeneous platforms: which class (cluster_classes.<name>) each cluster
// id has, and the key a cluster's parameter is read from (its class's, when
// the class sets it, else the one under `cluster`). Every tool reads per-
// cluster keys through here, so the model, mapper and area agree.
#include <string>
#include <vector>

#include "config/config.hpp"

namespace vp {

// The class of cluster `id`; "" on a homogeneous platform (cluster.classes empty).
std::string cluster_class(const Config& cfg, unsigned id);
// The class names in use, one per cluster (empty strings when homogeneous).
std::vector<std::string> cluster_class_table(const Config& cfg);
// The dotted path of `key` (relative to `cluster.`, e.g. "cores", "ima.rows")
// for cluster `id`: "cluster_classes.<class>.<key>" when its class sets it,
// else "cluster.<key>".
std::string cluster_key(const Config& cfg, unsigned id, const std::string& key);
// The same for a class name ("" = the `cluster` defaults).
std::string class_key(const Config& cfg, const std::string& cls, const std::string& key);
// Over every cluster: the most cores (per-core tables are that wide) and
// the smallest L1 (what every cluster can hold, e.g. a firmware's .data).
unsigned max_cluster_cores(const Config& cfg);
uint64_t min_l1_size(const Config& cfg);
// Rules on classes the schema cannot express (Config::load runs them):
// the assignment divides the clusters evenly, names only known classes,
// uses every class, and each class's L1 fits the memory map.
void check_cluster_classes(const Config& cfg);

}  // namespace vp
