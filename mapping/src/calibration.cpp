#include "calibration.hpp"

#include <fstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace vp::map {

Calibration read_calibration(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error(fmt::format("--calibrate {}: cannot read the file", path));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(f);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(fmt::format("--calibrate {}: not JSON ({})", path, e.what()));
  }
  const auto bad = [&](const std::string& what) {
    return std::runtime_error(fmt::format("--calibrate {}: {} (the --stats of a vp-run dataflow job)", path, what));
  };
  if (!j.is_object() || !j.contains("dataflow") || !j["dataflow"].is_object()) throw bad("no dataflow section");
  const auto& d = j["dataflow"];
  if (!d.contains("network") || !d["network"].is_string()) throw bad("no dataflow.network");
  if (!d.contains("pipeline") || !d["pipeline"].is_object() || !d["pipeline"].contains("stages") ||
      !d["pipeline"]["stages"].is_array())
    throw bad("no dataflow.pipeline.stages");
  Calibration c;
  c.network = d["network"].get<std::string>();
  size_t i = 0;
  for (const auto& s : d["pipeline"]["stages"]) {
    const std::string where = fmt::format("dataflow.pipeline.stages[{}]", i++);
    for (const char* key : {"model_stage", "model_ns", "measured_ns"})
      if (!s.is_object() || !s.contains(key)) throw bad(fmt::format("{} has no {}", where, key));
    if (!s["model_stage"].is_string() || !s["model_ns"].is_number() || !s["measured_ns"].is_number())
      throw bad(fmt::format("{}: model_stage is a name, model_ns and measured_ns numbers", where));
    const double model = s["model_ns"].get<double>(), measured = s["measured_ns"].get<double>();
    if (!(model >= 0) || !(measured >= 0)) throw bad(fmt::format("{}: negative or NaN time", where));
    if (model > 0 && measured > 0) c.factor[s["model_stage"].get<std::string>()] = measured / model;
  }
  return c;
}

}  // namespace vp::map
