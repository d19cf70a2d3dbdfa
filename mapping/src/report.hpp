#pragma once
// The mapping report: clusters used, per-layer clusters, replication and
// split factors, estimated stage times, bottleneck, throughput and TOPS.
#include <string>

#include <nlohmann/json.hpp>

#include "mapper.hpp"

namespace vp::map {
std::string report_text(const Mapping& m, const Network& net);
nlohmann::json report_json(const Mapping& m, const Network& net);
// The network's layers with our numbering beside the paper's (Fig. 2A).
std::string layer_table(const Network& net);
}  // namespace vp::map
