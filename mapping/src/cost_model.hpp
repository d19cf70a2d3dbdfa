#pragma once
// The mapper's analytic cost model (mapping/docs/cost-model.md): per-cluster
// time per image from the platform YAML and the digital kernels' costs, stage
// times, bottleneck, throughput and batch time.
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "params.hpp"

namespace vp::map {

// What the cost model needs from the platform YAML.
struct PlatformInfo {
  std::string name;
  std::string isa = "rv32imc";     // core.isa: picks the cores' kernel figures (CostParams::dwconv_for)
  int clusters = 0, cores = 0;     // cores: of a cluster without a class (homogeneous platforms)
  int64_t l1_size = 0, hbm_size = 0;  // l1_size: the smallest cluster's
  // Per cluster id (heterogeneous platforms, cluster_classes): whether it has
  // an IMA of the size `ima` (analog layers go only there), its cores and its L1.
  std::vector<char> has_ima;
  std::vector<char> has_dwconv;  // the depthwise accelerator (cluster.dwconv.present, per class)
  int dwconv_lanes = 16, dwconv_taps = 9, dwconv_stream_bytes = 16;  // cluster.dwconv.* (lanes, taps_per_cycle, ports x port_bytes)
  std::vector<int> cores_of;
  std::vector<int64_t> l1_of;
  int ima_clusters = 0;
  // Per cluster id: its crossbar ({0, 0}: no IMA). An analog layer goes only
  // to clusters whose crossbar is the one it is tiled for (ima.xbar_of).
  std::vector<ImaParams::Crossbar> xbar_of;
  std::vector<double> area_of;  // per cluster id: its class's area, mm2 (core/config/area.hpp)
  int clusters_with(const ImaParams::Crossbar& x) const {
    return int(std::count(xbar_of.begin(), xbar_of.end(), x));
  }
  ImaParams ima;
  double clock_hz = 1e9, mvm_cycles = 130;
  int stream_bytes_per_cycle = 64;  // streamer_ports x l1.bank_width
  std::vector<int64_t> factors, width, latency;  // noc.*, root first (a mesh: width {HBM link, local link})
  // noc.topology = mesh: the grid, its hop latency, the local and HBM links' latencies, the HBM router.
  bool mesh = false;
  int64_t columns = 1, hop_latency = 0, local_latency = 0, hbm_latency = 0, hbm_column = 0, hbm_row = 0;
  static PlatformInfo from(const Config& cfg);
  // One-way latency in cycles from cluster a to cluster b (b = -1: the HBM).
  int64_t path_latency(int a, int b) const;
};

// Tunable figures of the cost model that are not platform parameters;
// defaults and their reasons in mapping/docs/cost-model.md.
struct CostParams {
  int64_t l1_reserved = 64 * 1024;  // bottom of L1: firmware .data/.bss/stacks
  int max_tile_cols = 8;
  int input_slots = 4;          // input windows a consumer keeps (a halo window needs the next producer tile too; 2: 488, 3: 1510, 4: 1917, 6: 2023 images/s on ResNet-18)
  double tile_overhead = 400;   // cycles of core 0 per tile: events, DMA and IMA programming
  double requant = 25;          // core cycles per element (measured: firmware/dataflow kernels)
  double requant_ch = 25;       // the same with a bias, multiplier and shift per channel (measured: mapping/docs/cost-model.md)
  double reduce = 12;           // core cycles per element per extra partial sum (measured)
  double add = 25;              // core cycles per element of a residual add (measured)
  double pool = 20;             // core cycles per window element (measured, 3x3 max-pool)
  double dwconv = 9;            // core cycles per depthwise multiply-accumulate, core.isa rv32imc (measured, firmware/dataflow/dwconv.c 3x3: 103 cycles per output with its requant)
  double dwconv_xcv = 6;        // the same on core.isa rv32imc_xcv, the CORE-V SIMD kernel (measured on MobileNetV2 / mpaimc-512: cost-model.md)
  double dwconv_tile = 10000;   // core-0 cycles per depthwise-accelerator tile around its job (measured: cost-model.md)
  int dma_outstanding = 4;      // bursts a DMA keeps in flight
  int64_t burst_bytes = 4096;   // AXI4 bursts never cross 4 KiB
  int batch = 16;               // images per batch (latency estimate)
  double balance_step = 0.05;   // each balancer step shortens the bottleneck by at least this fraction
  double efficiency = 1.0;      // a step must gain this many % throughput per % clusters added (0: use all)
  int efficiency_area = 0;      // 1: per % of cluster area added (each class's area), not of clusters
  int max_pack = 1;             // output pixels per MVM the balancer may pack (1: none, as the paper; 0: what the crossbar holds)
  // 1: an analog layer without a row split sends its int32 outputs to a
  // requantization node (a reduction of one input, on a cluster without an
  // IMA when there is one) instead of requantizing on its own cores; pays
  // where the analog clusters have few cores (section VI's analog clusters).
  // 2: per layer, by the balancer: a layer of one row chunk gets its node
  // when its crossbar clusters' cores (requantizing) bound it.
  int offload_requant = 0;
  // 1: partial sums as int16 where every sum of a layer's ADC codes fits (vpmap_psum_bytes); 0: int32 everywhere.
  int psum16 = 1;
  bool efficiency_set = false, max_pack_set = false, efficiency_area_set = false;  // given by set(): mode auto keeps them, else uses 0 and 0
  bool offload_requant_set = false;  // mode auto: else 1 when clusters with an IMA have fewer cores than those without
  // Mode auto: per stage name, measured over modelled time (calibration.hpp);
  // a stage's estimate is multiplied by it, a stage not named keeps 1.
  std::map<std::string, double> calibration;
  void set(const std::string& key_value);  // "name=value"; throws std::invalid_argument
  // The depthwise figure of the platform's cores: the firmware runs the
  // CORE-V kernel on rv32imc_xcv (firmware/dataflow/dwconv.c), the plain C one else.
  double dwconv_for(const std::string& isa) const { return isa == "rv32imc_xcv" ? dwconv_xcv : dwconv; }
};

struct Mapping;
// Fills the estimates of a built mapping: every cluster's cycles and bound,
// the stages, the HBM link, bottleneck, images/s, TOPS and batch times.
// What one replica of a layer computes per image, in the runtime's order: tile M = image x
// tiles + t of the stream goes to replica M mod replicas (firmware/dataflow/flow.c). `cols`:
// output columns; `narrow_cols`: those of the narrower last tile (out_w not a multiple of
// tile_w); `full_tiles`: full-width tiles. `even`: every replica gets the same (the average).
struct TileShare {
  double cols = 0, narrow_cols = 0, full_tiles = 0;
  bool even = true;
};
TileShare tile_share(int out_w, int tile_w, int tiles, int replicas, int replica);

void estimate_costs(Mapping& m, const Network& net);

}  // namespace vp::map
