#include "mapping_yaml.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace vp::map {

namespace {

std::string hex(int64_t v) { return fmt::format("0x{:x}", v); }

void shape(YAML::Emitter& y, const char* key, const Shape& s) {
  y << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq << s.c << s.h << s.w << YAML::EndSeq;
}

void edge_list(YAML::Emitter& y, const Mapping& m, const Network& net, int id, bool incoming) {
  y << YAML::BeginSeq;
  for (const auto& e : m.edges) {
    if ((incoming ? e.dst : e.src) != id) continue;
    int other = incoming ? e.src : e.dst;
    static const char* kinds[] = {"activation", "partial", "residual"};
    y << YAML::Flow << YAML::BeginMap;
    y << YAML::Key << "cluster" << YAML::Value;
    if (other < 0) y << "hbm"; else y << other;
    y << YAML::Key << "data" << YAML::Value << (e.layer < 0 ? std::string("input") : net.layers[size_t(e.layer)].name);
    y << YAML::Key << "kind" << YAML::Value << kinds[e.kind];
    y << YAML::Key << "bytes_per_image" << YAML::Value << e.bytes;
    y << YAML::EndMap;
  }
  y << YAML::EndSeq;
}

}  // namespace

std::string mapping_yaml(const Mapping& m, const Network& net) {
  YAML::Emitter y;
  y << YAML::Comment("vp-map output; format: mapping/docs/mapping-format.md");
  y << YAML::BeginMap;
  y << YAML::Key << "mapping" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "network" << YAML::Value << m.network;
  y << YAML::Key << "platform" << YAML::Value << m.platform.name;
  y << YAML::Key << "mode" << YAML::Value << mode_name(m.mode);
  y << YAML::Key << "clusters_used" << YAML::Value << m.clusters_used();
  y << YAML::Key << "clusters_total" << YAML::Value << m.platform.clusters;
  y << YAML::Key << "crossbar" << YAML::Value << YAML::Flow << YAML::BeginSeq << m.platform.ima.rows
    << m.platform.ima.cols << YAML::EndSeq;
  y << YAML::Key << "l1" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "size" << YAML::Value
    << m.platform.l1_size << YAML::Key << "reserved" << YAML::Value << m.cost.l1_reserved << YAML::EndMap;
  y << YAML::Key << "batch" << YAML::Value << m.cost.batch;
  y << YAML::Key << "tile_rule" << YAML::Value
    << "tile t of a layer covers output columns [t*tile_w, min(out_w, (t+1)*tile_w)); the n-th tile of the "
       "stream (image i, tile t: n = i*tiles + t) goes to replica n mod replicas";
  y << YAML::EndMap;

  y << YAML::Key << "hbm" << YAML::Value << YAML::BeginSeq;
  for (const auto& hb : m.hbm)
    y << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << hb.name << YAML::Key << "offset"
      << YAML::Value << hex(hb.offset) << YAML::Key << "size" << YAML::Value << hb.size << YAML::EndMap;
  y << YAML::EndSeq;

  y << YAML::Key << "layers" << YAML::Value << YAML::BeginSeq;
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& l = net.layers[i];
    const LayerPlan& p = m.plans[i];
    y << YAML::BeginMap;
    y << YAML::Key << "index" << YAML::Value << i;
    y << YAML::Key << "name" << YAML::Value << l.name;
    if (!l.paper.empty()) y << YAML::Key << "paper" << YAML::Value << YAML::DoubleQuoted << l.paper;
    y << YAML::Key << "op" << YAML::Value << op_name(l.op);
    y << YAML::Key << "inputs" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (int k : l.inputs) y << (k < 0 ? std::string("input") : net.layers[size_t(k)].name);
    y << YAML::EndSeq;
    shape(y, "in", l.in);
    shape(y, "out", l.out);
    if (l.analog()) {
      y << YAML::Key << "weights" << YAML::Value << YAML::Flow << YAML::BeginSeq << l.rows() << l.cols() << YAML::EndSeq;
      if (!m.platform.ima.layer_xbar.empty())  // mixed crossbar sizes: the one this layer is tiled for
        y << YAML::Key << "crossbar" << YAML::Value << YAML::Flow << YAML::BeginSeq << p.xbar.rows << p.xbar.cols
          << YAML::EndSeq;
      y << YAML::Key << "row_splits" << YAML::Value << p.row_splits;
      y << YAML::Key << "col_splits" << YAML::Value << p.col_splits;
      y << YAML::Key << "reduce_fanin" << YAML::Value << YAML::Flow << p.reduce_fanin;
      y << YAML::Key << "pack" << YAML::Value << p.pack;
      y << YAML::Key << "psum_bytes" << YAML::Value << p.psum_bytes;
    }
    y << YAML::Key << "replicas" << YAML::Value << p.replicas;
    y << YAML::Key << "tile_w" << YAML::Value << p.tile_w;
    y << YAML::Key << "tiles" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (int t = 0; t < p.tiles; ++t) {
      int o0 = t * p.tile_w, o1 = std::min(l.out.w, o0 + p.tile_w);
      int i0 = 0, i1 = l.in.w;
      if (l.op != Op::FC && l.op != Op::Add) {
        i0 = std::max(0, o0 * l.stride - l.padding);
        i1 = std::min(l.in.w, (o1 - 1) * l.stride - l.padding + l.kernel);
      } else if (l.op == Op::Add) {
        i0 = o0, i1 = o1;
      }
      y << YAML::Flow << YAML::BeginMap << YAML::Key << "out" << YAML::Value << YAML::Flow << YAML::BeginSeq << o0
        << o1 << YAML::EndSeq << YAML::Key << "in" << YAML::Value << YAML::Flow << YAML::BeginSeq << i0 << i1
        << YAML::EndSeq << YAML::EndMap;
    }
    y << YAML::EndSeq;
    y << YAML::Key << "clusters" << YAML::Value << YAML::Flow << p.clusters;
    for (const auto& r : m.residuals) {
      if (r.add != int(i)) continue;
      y << YAML::Key << "residual" << YAML::Value << YAML::BeginMap;
      y << YAML::Key << "keeps" << YAML::Value << (r.skip < 0 ? std::string("input") : net.layers[size_t(r.skip)].name);
      y << YAML::Key << "bytes" << YAML::Value << r.bytes;
      y << YAML::Key << "in" << YAML::Value;
      if (r.in_hbm) {
        y << "hbm";
      } else {
        y << YAML::BeginSeq;
        for (const auto& [c, b] : r.store)
          y << YAML::Flow << YAML::BeginMap << YAML::Key << "cluster" << YAML::Value << c << YAML::Key << "bytes"
            << YAML::Value << b << YAML::EndMap;
        y << YAML::EndSeq;
      }
      y << YAML::EndMap;
    }
    y << YAML::EndMap;
  }
  y << YAML::EndSeq;

  y << YAML::Key << "clusters" << YAML::Value << YAML::BeginSeq;
  for (const auto& c : m.clusters) {
    if (c.role == Role::Idle) continue;  // a gap between used clusters
    y << YAML::BeginMap;
    y << YAML::Key << "id" << YAML::Value << c.id;
    y << YAML::Key << "role" << YAML::Value << role_name(c.role);
    if (c.layer >= 0) y << YAML::Key << "layer" << YAML::Value << net.layers[size_t(c.layer)].name;
    if (c.role != Role::ResidualStore) y << YAML::Key << "replica" << YAML::Value << c.replica;
    if (c.role == Role::Analog) {
      y << YAML::Key << "crossbar" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "row_split"
        << YAML::Value << c.row_split << YAML::Key << "col_split" << YAML::Value << c.col_split << YAML::Key
        << "rows" << YAML::Value << YAML::Flow << YAML::BeginSeq << c.row0 << c.row1 << YAML::EndSeq << YAML::Key
        << "cols" << YAML::Value << YAML::Flow << YAML::BeginSeq << c.col0 << c.col1 << YAML::EndSeq << YAML::EndMap;
    } else if (c.role == Role::Reduce) {
      y << YAML::Key << "reduce" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "level"
        << YAML::Value << c.level << YAML::Key << "node" << YAML::Value << c.node << YAML::Key << "fan_in"
        << YAML::Value << c.fan_in << YAML::Key << "cols" << YAML::Value << YAML::Flow << YAML::BeginSeq << c.col0
        << c.col1 << YAML::EndSeq << YAML::EndMap;
    }
    y << YAML::Key << "buffers" << YAML::Value << YAML::BeginSeq;
    for (const auto& b : c.buffers)
      y << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << b.name << YAML::Key << "offset"
        << YAML::Value << hex(b.offset) << YAML::Key << "size" << YAML::Value << b.size << YAML::EndMap;
    y << YAML::EndSeq;
    y << YAML::Key << "l1_used" << YAML::Value << c.l1_used;
    y << YAML::Key << "producers" << YAML::Value;
    edge_list(y, m, net, c.id, true);
    y << YAML::Key << "consumers" << YAML::Value;
    edge_list(y, m, net, c.id, false);
    y << YAML::Key << "estimate" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "tile_cycles"
      << YAML::Value << int64_t(c.tile_cycles) << YAML::Key << "image_cycles" << YAML::Value
      << int64_t(c.image_cycles) << YAML::Key << "bound" << YAML::Value << c.bound << YAML::EndMap;
    y << YAML::EndMap;
  }
  y << YAML::EndSeq;
  y << YAML::EndMap;
  return std::string(y.c_str()) + "\n";
}

}  // namespace vp::map
