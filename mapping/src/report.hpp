#pragma once
// The mapping report: clusters used, per-layer clusters, replication and
// split factors, estimated stage times, bottleneck, throughput and TOPS.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mapper.hpp"

namespace vp::map {
std::string report_text(const Mapping& m, const Network& net);
nlohmann::json report_json(const Mapping& m, const Network& net);
// Fig. 5A: naive, replicate and full mappings side by side with the paper's
// steps (clusters added and speed-up), `maps` in that order.
std::string modes_table(const std::vector<Mapping>& maps);
// The network's layers with our numbering beside the paper's (Fig. 2A).
std::string layer_table(const Network& net);
}  // namespace vp::map
