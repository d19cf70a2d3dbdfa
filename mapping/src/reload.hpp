#pragma once
// Reload mode (issue 19 point 2, docs/dataflow.md "Weight reloading"): a
// network that needs more crossbars than the platform has is cut into layer
// groups, consecutive layers whose naive mappings fit the clusters at once.
// Group by group the clusters program their crossbars from the HBM and run
// the group's pipeline over the batch; activations that cross a group
// boundary go through the HBM.
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "cost_model.hpp"
#include "mapper.hpp"
#include "network.hpp"
#include "params.hpp"

namespace vp::map {

// A layer, or the column groups [col0, col1) of its naive mapping when the
// whole layer needs more clusters than the platform has: column groups
// (output channels) are independent, each is its row crossbars and their
// reduction node, so a layer too big for one group runs over several.
struct ReloadPart {
  int layer = 0;
  int col0 = 0, col1 = 1;  // column groups (LayerNeeds::col_splits; 0..1 for a digital layer)
  bool whole = true;       // every column group of the layer
};

struct ReloadGroup {
  std::vector<ReloadPart> parts;  // in the network's (topological) order
  int first = 0, last = 0;     // the first and last part's layer
  int clusters = 0;            // naive clusters of its layers
  int crossbars = 0;           // of those, the ones with weights to program
  int64_t cells = 0;           // weights programmed (crossbar cells written)
  int64_t program_rows = 0;    // the most rows one crossbar of the group programs
  std::vector<int> inputs;     // layers of earlier groups it reads from the HBM (-1: the network input)
  std::vector<int> outputs;    // its layers read by later groups (written to the HBM)
  int64_t hbm_in = 0, hbm_out = 0;  // those activations' bytes per image
  // Estimates from the platform file (not a simulation): fetching the weights
  // over the HBM link and programming the crossbars (in parallel, so the
  // longest one), per batch.
  double fetch_cycles = 0, program_cycles = 0;
  // With the groups mapped (map_reload), the cost model's figures per batch:
  // the group's pipeline (its fill, two tiles a stage along its layers, then
  // the batch at its slowest cluster) and its activations through the HBM
  // link (in and out, one channel). 0 when only planned.
  double compute_cycles = 0, activation_cycles = 0;
};

struct ReloadPlan {
  std::string network, platform;
  int clusters = 0, ima_clusters = 0;
  int batch = 16;          // images per batch of the estimates
  double clock_hz = 1e9;
  std::vector<LayerNeeds> needs;  // per layer
  std::vector<ReloadGroup> groups;
  int64_t cells = 0;              // weights programmed per batch
  // With the groups mapped: the cost model's batch, group after group (fetch,
  // program, then the pipeline or its HBM traffic, whichever is longer).
  double batch_cycles = 0, images_per_s = 0;
};

// Throws MappingError, located at the layer in its network file, when one
// column group of a layer (its row crossbars and their reduction node), or a
// digital layer, alone needs more clusters than the platform has.
ReloadPlan plan_reload(const Network& net, const Config& cfg, const CostParams& cost = {});

// The groups as text (vp-map --mode reload); with the groups mapped, the
// cost model's compute and activation figures and a batch estimate.
std::string reload_report(const ReloadPlan& plan, const Network& net);

// The groups as mappings (vp-map --mode reload --out-bin / --out-yaml; the
// reload file of contracts/mapping_format.h). The whole network is mapped
// naive on a platform with as many clusters as it needs, like the real one,
// then cut by the plan: a group's mapping keeps the layer table whole and
// holds its clusters only, numbered from 0. Its edges to or from a cluster of
// another group go to or come from the HBM region of the producing layer (a
// residual whose skip and add are not in one group too: the add reads the
// skip layer's region as its port B).
struct ReloadMapping {
  ReloadPlan plan;
  std::vector<Mapping> groups;
  std::vector<std::vector<int>> whole_id;  // per group, per cluster: its id in the whole naive mapping
  std::vector<HbmBuffer> hbm;              // every HBM region of the run, shared by the groups
};
// Whether map_reload maps on this platform (its figures with each layer's
// crossbar, ImaParams::from(cfg, net)): every cluster alike, each with an IMA
// of one size.
bool reload_alike(const PlatformInfo& p);
// MappingError for a platform whose clusters are not alike with an IMA each,
// mixed crossbar sizes, or a group beyond the runtime's limits.
ReloadMapping map_reload(const Network& net, const Config& cfg, const CostParams& cost = {});

// The reload file (VPRL): groups, weight chunks (from params), HBM regions,
// the groups' VMAP binaries and the chunks' bytes.
std::vector<uint8_t> encode_reload(const ReloadMapping& r, const Network& net, const Params& params);

// The same as YAML: the groups, their clusters and the HBM regions.
std::string reload_yaml(const ReloadMapping& r, const Network& net);

}  // namespace vp::map
