#include "mapping_binary.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "config/errors.hpp"

// The records are written as the host lays them out; the format is
// little-endian, so the host must be too (x86-64 and RISC-V are).
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "mapping binary form is little-endian");

namespace vp::map {

namespace {

uint16_t u16(int64_t v, const char* what) {
  if (v < 0 || v > 0xFFFF) throw MappingError(fmt::format("{} = {} does not fit the binary form's 16 bits", what, v));
  return uint16_t(v);
}
uint16_t id16(int v) { return v < 0 ? uint16_t(VPMAP_NONE) : u16(v, "cluster or layer id"); }

uint16_t buffer_kind(const std::string& name) {
  if (name == "input" || name == "input_a") return VPMAP_BUF_INPUT;
  if (name == "input_b") return VPMAP_BUF_INPUT_B;
  if (name == "ima_out") return VPMAP_BUF_IMA_OUT;
  if (name == "output") return VPMAP_BUF_OUTPUT;
  if (name == "partials") return VPMAP_BUF_PARTIALS;
  if (name == "weights") return VPMAP_BUF_WEIGHTS;
  return VPMAP_BUF_RESIDUAL;
}

template <class T>
void append(std::vector<uint8_t>& out, const std::vector<T>& v) {
  const auto* p = reinterpret_cast<const uint8_t*>(v.data());
  out.insert(out.end(), p, p + v.size() * sizeof(T));
}

}  // namespace

std::vector<uint8_t> encode_mapping(const Mapping& m, const Network& net, const Params* params) {
  std::vector<vpmap_layer_t> layers;
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& l = net.layers[i];
    const LayerPlan& p = m.plans[i];
    vpmap_layer_t r{};
    std::strncpy(r.name, l.name.c_str(), sizeof r.name - 1);
    static const uint8_t ops[] = {VPMAP_OP_CONV, VPMAP_OP_FC, VPMAP_OP_MAXPOOL, VPMAP_OP_AVGPOOL, VPMAP_OP_ADD,
                                  VPMAP_OP_DWCONV};
    r.op = ops[int(l.op)];
    r.relu = l.relu;
    r.kernel = uint8_t(l.kernel), r.stride = uint8_t(l.stride), r.padding = uint8_t(l.padding);
    if (l.kernel > 255) throw MappingError(fmt::format("layer {}: kernel {} does not fit the binary form", l.name, l.kernel));
    if (params && l.weighted()) {
      const LayerParams& lp = params->layers[i];
      r.adc_shift = uint8_t(lp.adc_shift), r.shift = uint8_t(lp.shift), r.mult = lp.mult;
    }
    if (l.op == Op::Add) {
      // The firmware's port A is the direct input, port B the skip (the
      // residual ring): mult's low half scales port A.
      bool skip_first = false;
      for (const auto& res : m.residuals)
        if (res.add == int(i)) skip_first = res.skip == l.inputs[0] && l.inputs[0] != l.inputs[1];
      const int32_t ma = skip_first ? l.add_mult_b() : l.add_mult_a(), mb = skip_first ? l.add_mult_a() : l.add_mult_b();
      r.mult = ma | mb << 16, r.shift = uint8_t(l.add_shift());
    }
    if (l.op == Op::AvgPool) r.adc_shift = uint8_t(l.avg_rounding);
    r.act_max = int8_t(l.quant.act_max), r.act_min = int8_t(l.weighted() || l.op == Op::Add ? l.act_min() : -128);
    r.n_levels = uint8_t(p.reduce_fanin.size());
    r.psum_bytes = l.analog() ? uint8_t(p.psum_bytes) : 0;
    r.input0 = id16(l.inputs[0]);
    r.input1 = l.inputs.size() > 1 ? id16(l.inputs[1]) : uint16_t(VPMAP_NONE);
    r.in_c = u16(l.in.c, "in_c"), r.in_h = u16(l.in.h, "in_h"), r.in_w = u16(l.in.w, "in_w");
    r.out_c = u16(l.out.c, "out_c"), r.out_h = u16(l.out.h, "out_h"), r.out_w = u16(l.out.w, "out_w");
    r.replicas = u16(p.replicas, "replicas"), r.row_splits = u16(p.row_splits, "row_splits");
    r.col_splits = u16(p.col_splits, "col_splits"), r.tile_w = u16(p.tile_w, "tile_w"), r.tiles = u16(p.tiles, "tiles");
    r.residual_in_hbm = 0;
    if (l.op == Op::DwConv) r.dw_engine = p.dwconv_ip;
    if (l.op == Op::Conv) r.pack = uint8_t(p.pack);  // at most ima.cols / out_c <= 256 / 4; shares the byte with an add's residual_in_hbm
    for (const auto& res : m.residuals)
      if (res.add == int(i)) r.residual_in_hbm = res.in_hbm;
    layers.push_back(r);
  }

  std::vector<vpmap_edge_t> edges;
  for (const auto& e : m.edges) {
    vpmap_edge_t r{};
    r.src = id16(e.src), r.dst = id16(e.dst), r.layer = id16(e.layer), r.kind = uint16_t(e.kind);
    r.bytes = uint32_t(e.bytes), r.segment = uint32_t(e.segment);
    edges.push_back(r);
  }
  // HBM ends (0xFFFF) sort last, so a cluster's slice is contiguous.
  auto in_edges = edges, out_edges = edges;
  std::stable_sort(in_edges.begin(), in_edges.end(),
                   [](const auto& a, const auto& b) { return std::tie(a.dst, a.src) < std::tie(b.dst, b.src); });
  std::stable_sort(out_edges.begin(), out_edges.end(),
                   [](const auto& a, const auto& b) { return std::tie(a.src, a.dst) < std::tie(b.src, b.dst); });

  std::vector<vpmap_cluster_t> clusters;
  std::vector<vpmap_buffer_t> buffers;
  for (const auto& c : m.clusters) {
    vpmap_cluster_t r{};
    r.id = id16(c.id);
    static const uint16_t roles[] = {VPMAP_ROLE_ANALOG, VPMAP_ROLE_REDUCE, VPMAP_ROLE_DIGITAL,
                                     VPMAP_ROLE_RESIDUAL_STORE, VPMAP_ROLE_IDLE};
    r.role = roles[int(c.role)];
    r.layer = id16(c.layer), r.replica = u16(c.replica, "replica");
    r.row_split = u16(c.row_split, "row_split"), r.col_split = u16(c.col_split, "col_split");
    r.level = u16(c.level, "level"), r.node = u16(c.node, "node");
    r.row0 = uint32_t(c.row0), r.row1 = uint32_t(c.row1), r.col0 = uint32_t(c.col0), r.col1 = uint32_t(c.col1);
    r.fan_in = u16(c.fan_in, "fan_in");
    r.first_buffer = uint32_t(buffers.size());
    r.n_buffers = u16(int64_t(c.buffers.size()), "buffers");
    for (const auto& b : c.buffers) {
      vpmap_buffer_t br{};
      br.offset = b.offset, br.size = b.size, br.kind = buffer_kind(b.name), br.cluster = r.id;
      br.layer = uint16_t(VPMAP_NONE);
      if (br.kind == VPMAP_BUF_RESIDUAL) {
        for (const auto& res : m.residuals)
          for (const auto& [id, bytes] : res.store)
            if (id == c.id && "residual " + net.layers[size_t(res.skip)].name == b.name) br.layer = id16(res.skip);
      }
      buffers.push_back(br);
    }
    auto in_lo = std::lower_bound(in_edges.begin(), in_edges.end(), r.id, [](const auto& e, uint16_t v) { return e.dst < v; });
    auto in_hi = std::upper_bound(in_edges.begin(), in_edges.end(), r.id, [](uint16_t v, const auto& e) { return v < e.dst; });
    auto out_lo = std::lower_bound(out_edges.begin(), out_edges.end(), r.id, [](const auto& e, uint16_t v) { return e.src < v; });
    auto out_hi = std::upper_bound(out_edges.begin(), out_edges.end(), r.id, [](uint16_t v, const auto& e) { return v < e.src; });
    r.first_in_edge = uint32_t(in_lo - in_edges.begin()), r.n_in_edges = uint32_t(in_hi - in_lo);
    r.first_out_edge = uint32_t(out_lo - out_edges.begin()), r.n_out_edges = uint32_t(out_hi - out_lo);
    r.l1_used = uint32_t(c.l1_used);
    r.tile_cycles = uint32_t(std::min(c.tile_cycles, 4.0e9));
    clusters.push_back(r);
  }

  const uint32_t first_hbm = uint32_t(buffers.size());
  for (const auto& hb : m.hbm) {
    vpmap_buffer_t br{};
    if (hb.offset + hb.size > int64_t(UINT32_MAX)) throw MappingError("HBM layout beyond 4 GiB does not fit the binary form");
    br.offset = uint32_t(hb.offset), br.size = uint32_t(hb.size);
    br.kind = hb.name == "input" ? VPMAP_BUF_INPUT : hb.name.rfind("output", 0) == 0 ? VPMAP_BUF_OUTPUT : VPMAP_BUF_RESIDUAL;
    br.cluster = uint16_t(VPMAP_NONE), br.layer = id16(hb.layer);
    buffers.push_back(br);
  }

  vpmap_header_t h{};
  h.first_hbm_buffer = first_hbm, h.n_hbm_buffers = uint32_t(m.hbm.size());
  h.magic = VPMAP_MAGIC, h.version = VPMAP_VERSION, h.header_bytes = sizeof h;
  h.n_layers = uint32_t(layers.size()), h.n_clusters = uint32_t(clusters.size());
  h.n_edges = uint32_t(edges.size()), h.n_buffers = uint32_t(buffers.size());
  h.layer_offset = sizeof h;
  h.cluster_offset = h.layer_offset + h.n_layers * uint32_t(sizeof(vpmap_layer_t));
  h.in_edge_offset = h.cluster_offset + h.n_clusters * uint32_t(sizeof(vpmap_cluster_t));
  h.out_edge_offset = h.in_edge_offset + h.n_edges * uint32_t(sizeof(vpmap_edge_t));
  h.buffer_offset = h.out_edge_offset + h.n_edges * uint32_t(sizeof(vpmap_edge_t));
  h.total_bytes = h.buffer_offset + h.n_buffers * uint32_t(sizeof(vpmap_buffer_t));
  h.l1_size = uint32_t(m.platform.l1_size), h.l1_reserved = uint32_t(m.cost.l1_reserved);
  h.mode = uint16_t(m.mode), h.platform_clusters = u16(m.platform.clusters, "clusters");
  h.ima_rows = u16(m.platform.ima.rows, "rows"), h.ima_cols = u16(m.platform.ima.cols, "cols");
  h.flags = uint8_t((params ? VPMAP_FLAG_QUANT : 0) | (m.platform.ima.layer_xbar.empty() ? 0 : VPMAP_FLAG_MIXED_XBAR));

  std::vector<uint8_t> out;
  out.reserve(h.total_bytes);
  const auto* hp = reinterpret_cast<const uint8_t*>(&h);
  out.insert(out.end(), hp, hp + sizeof h);
  append(out, layers);
  append(out, clusters);
  append(out, in_edges);
  append(out, out_edges);
  append(out, buffers);
  return out;
}

DecodedMapping decode_mapping(const std::vector<uint8_t>& bytes, const std::string& origin) {
  auto fail = [&](size_t off, const std::string& msg) -> void {
    throw ConfigError({fmt::format("{}: byte {}", origin, off), 0, 0}, "", msg);
  };
  DecodedMapping d;
  if (bytes.size() < sizeof d.header) fail(0, fmt::format("{} bytes, shorter than the {}-byte header", bytes.size(), sizeof d.header));
  std::memcpy(&d.header, bytes.data(), sizeof d.header);
  const vpmap_header_t& h = d.header;
  if (h.magic != VPMAP_MAGIC) fail(0, "not a mapping file (magic is not VMAP)");
  if (h.version != VPMAP_VERSION) fail(4, fmt::format("format version {} (this tool reads {})", h.version, VPMAP_VERSION));
  if (h.header_bytes != sizeof h) fail(8, fmt::format("header of {} bytes, expected {}", h.header_bytes, sizeof h));
  if (h.total_bytes != bytes.size()) fail(12, fmt::format("header says {} bytes, the file has {}", h.total_bytes, bytes.size()));
  auto table = [&](auto& vec, uint32_t offset, uint32_t count, size_t field) {
    using T = typename std::decay_t<decltype(vec)>::value_type;
    uint64_t end = uint64_t(offset) + uint64_t(count) * sizeof(T);
    if (offset < sizeof h || end > bytes.size())
      fail(field, fmt::format("table at {} of {} records of {} bytes lies outside the file", offset, count, sizeof(T)));
    vec.resize(count);
    if (count) std::memcpy(vec.data(), bytes.data() + offset, count * sizeof(T));
  };
  table(d.layers, h.layer_offset, h.n_layers, 32);
  table(d.clusters, h.cluster_offset, h.n_clusters, 36);
  table(d.in_edges, h.in_edge_offset, h.n_edges, 40);
  table(d.out_edges, h.out_edge_offset, h.n_edges, 44);
  table(d.buffers, h.buffer_offset, h.n_buffers, 48);
  if (uint64_t(h.first_hbm_buffer) + h.n_hbm_buffers > h.n_buffers) fail(72, "HBM regions outside the buffer table");
  for (size_t i = 0; i < d.clusters.size(); ++i) {
    const auto& c = d.clusters[i];
    size_t at = h.cluster_offset + i * sizeof c;
    if (c.id != i) fail(at, fmt::format("cluster record {} has id {}", i, c.id));
    if (uint64_t(c.first_buffer) + c.n_buffers > h.n_buffers) fail(at, "buffer slice outside the buffer table");
    if (uint64_t(c.first_in_edge) + c.n_in_edges > h.n_edges || uint64_t(c.first_out_edge) + c.n_out_edges > h.n_edges)
      fail(at, "edge slice outside the edge tables");
    if (c.layer != VPMAP_NONE && c.layer >= h.n_layers) fail(at, fmt::format("layer {} does not exist", c.layer));
  }
  return d;
}

}  // namespace vp::map
