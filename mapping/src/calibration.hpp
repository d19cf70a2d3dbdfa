#pragma once
// Mode auto's calibration (mapping/docs/cost-model.md, "Mode auto"): per
// stage of the mapper, the time a dataflow run measured over the time the
// cost model gave it, read from that run's vp-run --stats
// (dataflow.pipeline.stages[]: model_stage, model_ns, measured_ns).
#include <map>
#include <string>

namespace vp::map {

struct Calibration {
  std::string network;                  // dataflow.network of the run
  std::map<std::string, double> factor;  // stage name -> measured / modelled
};

// Throws std::runtime_error naming the file and what is missing or wrong.
Calibration read_calibration(const std::string& stats_json);

}  // namespace vp::map
