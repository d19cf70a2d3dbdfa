#pragma once
// The hierarchical AXI network and the HBM (section II-3, Fig. 1B/1D), built from the
// `noc`, `hbm` and `memory_map` sections: one AxiNode per quadrant, root first.
//
// Level k has prod(factors[0..k-1]) nodes, each with factors[k] children; the children of
// the last level are the cluster slots, consecutive cluster ids sharing a leaf quadrant.
// Every node of level k has noc.width_bytes[k] and noc.latency_cycles[k]; the root (the
// HBM link) also owns the link to the HBM controller. A transfer pays the latency of every
// node it crosses (cluster -> HBM: the sum over all levels; between two clusters: twice
// every level below their common ancestor, plus the ancestor's once) and the serialization
// of the links it crosses, ceil(S / width) cycles each, with contention by reservation.
// noc.latency_mode and noc.duplex set each level's nodes' latency mode and duplex
// (AxiNode::Params; empty lists: pipelined, full duplex).
//
// With noc.topology = mesh it builds instead a columns x rows grid of MeshRouters from the
// `noc.mesh` section (ip/axi_node/mesh_router.hpp): cluster i on router (i mod columns,
// i div columns), neighbours joined east-west and north-south, the HBM on the port of router
// noc.mesh.hbm_router. Statistics then have one level, "mesh", summing the routers.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tlm_utils/simple_initiator_socket.h>

#include "axi_node/axi_node.hpp"
#include "axi_node/mesh_router.hpp"
#include "hbm/hbm_controller.hpp"
#include "manycore/cluster_slot.hpp"
#include "manycore/memory_map.hpp"

namespace vp {

class AxiNetwork : public sc_core::sc_module {
 public:
  // Elaborates the tree and the HBM; configuration errors are cfg.fail()s on the key.
  AxiNetwork(sc_core::sc_module_name name, const Config& cfg, const MemoryMap& map);

  // Binds cluster `id`'s master port into its leaf quadrant and the leaf's port into the
  // cluster's slave port. Every cluster must be attached before simulation starts.
  void attach_cluster(int id, const ClusterPorts& ports);

  HbmController& hbm() { return *hbm_; }
  // Host access at a global address (any cluster window or the HBM) without simulated time,
  // through the network's debug transport: for loaders, debuggers and result readers.
  // Returns false if the address range is not fully backed.
  bool debug_write(uint64_t addr, const void* data, size_t len);
  bool debug_read(uint64_t addr, void* data, size_t len);
  // The tree's levels (none for a mesh).
  int levels() const { return int(levels_.size()); }
  const std::vector<std::unique_ptr<AxiNode>>& level(int k) const { return levels_[k]; }
  const AxiNode& root() const { return *levels_[0][0]; }
  bool is_mesh() const { return !routers_.empty(); }
  // The mesh's router at (column, row); only for a mesh.
  const MeshRouter& router(int column, int row) const { return *routers_.at(size_t(row * columns_ + column)); }
  int columns() const { return columns_; }
  int rows() const { return rows_; }
  // Names of the link channels in waveforms, by channel (AxiNode's or MeshRouter's).
  std::vector<std::string> link_channel_names() const;

  // Waveforms: reports the bookings of every link on the path from each of `clusters` to
  // the HBM to `tracer` (AxiNode::trace_link). Returns the links' VCD scopes below the
  // platform, by link id: "cluster_N.noc_link" (cluster to leaf node) and "noc.NODE" (the
  // link above NODE; above the root it leads to the HBM). In a mesh: "cluster_N.noc_link",
  // then "noc.ROUTER.east" / ".south" / ".hbm" for the links on the XY route to the HBM.
  std::vector<std::string> trace_links(const std::vector<unsigned>& clusters, ActivityTracer* tracer);

  // Per-level and HBM counters: transactions, bytes, contention (cycles), allocated bytes;
  // per level the three busiest link channels ("busiest_links": link named by the node or
  // cluster below it, or "hbm"; channel; booked cycles; fraction of the simulated time so far).
  nlohmann::json stats() const;

 private:
  void end_of_elaboration() override;
  void build_tree(const Config& cfg, const MemoryMap& map);
  void build_mesh(const Config& cfg, const MemoryMap& map);
  std::vector<std::string> trace_mesh_links(const std::vector<unsigned>& clusters, ActivityTracer* tracer);
  nlohmann::json mesh_stats() const;
  MeshRouter& router_at(int column, int row) { return *routers_[size_t(row * columns_ + column)]; }

  const MemoryMap& map_;
  sc_core::sc_time cycle_;
  std::vector<std::string> level_names_;
  std::vector<std::vector<std::unique_ptr<AxiNode>>> levels_;
  std::vector<std::unique_ptr<MeshRouter>> routers_;  // a mesh, row-major
  int columns_ = 0, rows_ = 0;
  std::unique_ptr<HbmController> hbm_;
  // Enters the tree at the root from above, so cluster windows decode as usual.
  tlm_utils::simple_initiator_socket<AxiNetwork> debug_port_{"debug_port"};
  std::vector<bool> attached_;
};

}  // namespace vp
