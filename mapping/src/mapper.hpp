#pragma once
// The mapper (section V of the paper): places every analog layer's weights
// on crossbars (split by rows with a reduction tree, by columns with input
// broadcast), replicates analog layers and parallelizes digital ones, tiles
// along W within the L1 budget and places residual buffers in HBM or in the
// L1 of free clusters. A balancer driven by the analytic cost model
// (mapping/docs/cost-model.md) spends free clusters on the bottleneck.
#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "network.hpp"
#include "cost_model.hpp"
#include "params.hpp"

namespace vp::map {

enum class Mode { Naive, Replicate, Full, Auto };  // Fig. 5A, and auto (full, packed, calibrated)
const char* mode_name(Mode m);
Mode parse_mode(const std::string& s);  // throws std::invalid_argument

// Idle: a cluster id the mapping leaves unused below a used one (on a
// heterogeneous platform roles go to clusters of a suitable class).
enum class Role { Analog, Reduce, Digital, ResidualStore, Idle };
const char* role_name(Role r);

struct Buffer {
  std::string name;
  uint32_t offset = 0, size = 0;  // bytes from the L1 base
};

// One edge of the dataflow between clusters; -1 is the HBM.
struct Edge {
  int src = -1, dst = -1;
  int layer = -1;          // whose data flows (-1: the network input)
  enum Kind { Activation, Partial, Residual } kind = Activation;
  int64_t bytes = 0;       // per image
  int64_t segment = 0;     // contiguous bytes per burst row (a W-tile row)
};

struct ClusterRole {
  int id = 0;
  Role role = Role::Analog;
  int layer = -1;       // -1 for a residual store
  int replica = 0;      // analog: weight copy; digital: parallel part
  int row_split = 0, col_split = 0;  // analog crossbar / reduce column group
  int level = 0, node = 0;           // reduce tree level (1 = first) and node
  int64_t row0 = 0, row1 = 0, col0 = 0, col1 = 0;  // weight rows/cols held (analog), columns (reduce)
  int fan_in = 0;                    // reduce: partial sums summed
  std::vector<Buffer> buffers;
  int64_t l1_used = 0;               // highest byte used, reserved area included
  // Cost-model estimates, cycles per image.
  double ima_cycles = 0, core_cycles = 0, dma_cycles = 0, image_cycles = 0;
  double tile_cycles = 0;
  const char* bound = "";  // "analog", "digital" or "communication"
};

struct LayerPlan {
  int replicas = 1;                // analog: weight copies; digital: parallel clusters
  int row_splits = 0, col_splits = 0;
  ImaParams::Crossbar xbar;        // analog: the crossbar its weights are tiled for (ImaParams::xbar_of)
  std::vector<int> reduce_fanin;   // per level; empty when row_splits == 1
  int pack = 1;                    // analog conv: adjacent output pixels per MVM (mapping-format.md)
  int psum_bytes = 4;              // analog: bytes per partial sum, 2 where the sums fit int16 (vpmap_psum_bytes)
  bool dwconv_ip = false;          // dwconv: every cluster of the layer has the depthwise accelerator, which computes it
  int tile_w = 1, tiles = 1;       // output columns per tile, tiles per image
  std::vector<int> clusters;       // every cluster of the layer
};

struct Residual {
  int add = -1, skip = -1;         // add layer and the layer whose output it keeps
  int64_t bytes = 0;               // live data: a ring of whole tiles of the add layer
  bool in_hbm = true;
  std::vector<std::pair<int, int64_t>> store;  // (cluster, bytes) when in L1
};

// A region of the HBM, from hbm_base.
struct HbmBuffer {
  std::string name;
  int layer = -1;  // whose data (-1: the input images)
  int64_t offset = 0, size = 0;
};

struct Stage {
  std::string name;
  int layer = -1;
  Role role = Role::Analog;
  int level = 0;
  std::vector<int> clusters;
  double image_cycles = 0, tile_cycles = 0;  // calibrated (CostParams::calibration)
  double model_cycles = 0;                   // the cost model's own image_cycles, before calibration
  std::string bound;
};

struct Mapping {
  Mode mode = Mode::Naive;
  PlatformInfo platform;
  CostParams cost;
  std::string network;
  int64_t macs = 0;
  std::vector<LayerPlan> plans;       // one per network layer
  std::vector<ClusterRole> clusters;  // by id, up to the highest used one (gaps are Role::Idle)
  std::vector<Edge> edges;
  std::vector<Residual> residuals;
  std::vector<HbmBuffer> hbm;
  std::vector<Stage> stages;
  int64_t hbm_bytes = 0;              // per image
  double hbm_cycles = 0;              // per image
  double bottleneck_cycles = 0;
  std::string bottleneck;
  double images_per_s = 0, tops = 0;
  double batch_latency_s = 0, batch_steady_s = 0;
  int balancer_steps = 0;
  std::string balancer_stop;  // why the balancer stopped
  int clusters_used() const {
    return int(std::count_if(clusters.begin(), clusters.end(), [](const ClusterRole& c) { return c.role != Role::Idle; }));
  }
};

// A network that does not fit the platform (clusters, L1, IMA size): the
// message says what is needed against what is available.
class MappingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

Mapping map_network(const Network& net, const Config& cfg, Mode mode, const CostParams& cost = {});

// What one layer needs in mode naive (one cluster per crossbar, reduction
// node or digital layer, tiles sized to the L1): reload mode cuts the
// network into groups by these (mapping/src/reload.hpp).
struct LayerNeeds {
  int clusters = 0;   // every role of the layer
  int crossbars = 0;  // of those, the analog ones (need a cluster with an IMA)
  int row_splits = 0, col_splits = 0;
};
std::vector<LayerNeeds> layer_needs(const Network& net, const PlatformInfo& p, const CostParams& cost = {});

// The mapping on a platform given by its figures, without the runtime's
// limits: reload mode maps the whole network naive on a platform with as many
// clusters as it needs, then cuts it into groups (mapping/src/reload.hpp).
Mapping map_on(const Network& net, const PlatformInfo& p, Mode mode, const CostParams& cost = {});
// What the dataflow runtime can count (mapping_format.h), as a MappingError.
void check_runtime_limits(const Mapping& m, const Network& net);

// The most edges into, or out of, one cluster (the runtime's limit is
// VPMAP_MAX_EDGES); `which` gets that cluster.
int most_edges(const Mapping& m, int* which = nullptr);

}  // namespace vp::map
