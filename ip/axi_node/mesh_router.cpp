#include "axi_node/mesh_router.hpp"

#include <stdexcept>

#include "axi_node/noc_tail.hpp"

namespace vp {

using sc_core::sc_time;

namespace {
// Sides of a link's AXI port pairs, seen from the router that owns it.
constexpr int kFromFar = 0;   // the request arrived through this link
constexpr int kFromHere = 1;  // the request left through this link
}  // namespace

MeshRouter::MeshRouter(sc_core::sc_module_name name, const Params& p)
    : sc_module(name), params_(p), has_hbm_(p.column == p.hbm_column && p.row == p.hbm_row) {
  if (p.columns < 1 || p.rows < 1 || p.column < 0 || p.column >= p.columns || p.row < 0 || p.row >= p.rows)
    throw std::invalid_argument(std::string(this->name()) + ": router outside its mesh");
  if (p.width_bytes == 0 || p.local_width_bytes == 0 || p.hbm_width_bytes == 0 || p.cluster_stride == 0)
    throw std::invalid_argument(std::string(this->name()) + ": zero link width or cluster stride");
  clusters_ = uint64_t(p.columns) * uint64_t(p.rows);
  const unsigned widths[kPorts] = {p.local_width_bytes, p.width_bytes, p.width_bytes,
                                   p.width_bytes,       p.width_bytes, p.hbm_width_bytes};
  const unsigned latencies[kPorts] = {p.local_latency_cycles, p.latency_cycles, p.latency_cycles,
                                      p.latency_cycles,       p.latency_cycles, p.hbm_latency_cycles};
  static const char* const in_names[kPorts] = {"local_in", "east_in", "west_in", "south_in", "north_in", "hbm_in"};
  static const char* const out_names[kPorts] = {"local_out", "east_out", "west_out", "south_out", "north_out", "hbm_out"};
  for (int k = 0; k < kPorts; ++k) {
    width_[k] = widths[k];
    latency_[k] = p.cycle * double(latencies[k]);
    in_.emplace_back(std::make_unique<TargetSocket>(in_names[k]));
    out_.emplace_back(std::make_unique<InitiatorSocket>(out_names[k]));
    in_.back()->register_b_transport(this, &MeshRouter::b_transport, k);
    in_.back()->register_transport_dbg(this, &MeshRouter::transport_dbg, k);
    in_.back()->register_get_direct_mem_ptr(this, &MeshRouter::get_direct_mem_ptr, k);
  }
}

MeshRouter::Port MeshRouter::next_hop(int column, int row, int to_column, int to_row) {
  if (to_column > column) return kEast;
  if (to_column < column) return kWest;
  if (to_row > row) return kSouth;
  if (to_row < row) return kNorth;
  return kLocal;
}

bool MeshRouter::owns(Port p) const {
  switch (p) {
    case kLocal: return true;
    case kEast: return params_.column + 1 < params_.columns;
    case kSouth: return params_.row + 1 < params_.rows;
    case kHbm: return has_hbm_;
    default: return false;  // the west and north links are the neighbours' east and south
  }
}

const char* MeshRouter::port_name(Port p) {
  static const char* const names[kPorts] = {"local", "east", "west", "south", "north", "hbm"};
  return p >= 0 && p < kPorts ? names[p] : "?";
}

int MeshRouter::route(uint64_t addr, uint64_t& window_base) const {
  const Params& p = params_;
  if (addr >= p.cluster_base && (addr - p.cluster_base) / p.cluster_stride < clusters_) {
    const uint64_t id = (addr - p.cluster_base) / p.cluster_stride;
    window_base = p.cluster_base + id * p.cluster_stride;
    return next_hop(p.column, p.row, int(id % uint64_t(p.columns)), int(id / uint64_t(p.columns)));
  }
  if (addr >= p.hbm_base && addr - p.hbm_base < p.hbm_size) {
    window_base = p.hbm_base;
    const Port hop = next_hop(p.column, p.row, p.hbm_column, p.hbm_row);
    return hop == kLocal ? kHbm : hop;
  }
  return kNone;
}

sc_time MeshRouter::reserve(Link& link, int side, int rw, const sc_time& t, const sc_time& occupancy, sc_time& tail) {
  uint64_t end = tail.value();
  const uint64_t start = link.channel[side][params_.half_duplex ? 0 : rw].book(t.value(), occupancy.value(), end, sc_core::sc_time_stamp().value());
  tail = sc_time::from_value(end);
  link.booked[side * 2 + rw] += end - start;
  if (kTracing && link.tracer && end > start)
    link.tracer->span(kNetworkSpan, TraceUnit::kLink, link.trace_id, unsigned(side * 2 + rw), sc_time::from_value(start), tail);
  stats_.contention += sc_time::from_value(start - t.value());
  return sc_time::from_value(start);
}

sc_time MeshRouter::cross(Link& link, int port, int side, int rw, sc_time t, unsigned bytes, bool book, bool pay,
                          sc_time& tail) {
  const sc_time occupancy = params_.cycle * double((bytes + width_[port] - 1) / width_[port]);
  if (params_.serialized && book) {
    // Held for latency + duration from when the burst gets it; the last byte cannot leave
    // before it has arrived and crossed the link's latency.
    tail += latency_[port];
    return reserve(link, side, rw, t, latency_[port] + occupancy, tail) + latency_[port];
  }
  if (book) t = reserve(link, side, rw, t, occupancy, tail);
  if (pay) t += latency_[port], tail += latency_[port];
  return t;
}

void MeshRouter::b_transport(int src, tlm::tlm_generic_payload& trans, sc_time& delay) {
  const uint64_t addr = trans.get_address();
  uint64_t window = 0;
  const int dest = route(addr, window);
  if (dest == kNone || (dest == kHbm && src == kHbm)) {
    // Outside every window, or a request from the HBM side for the HBM: it belongs nowhere.
    ++stats_.decode_errors;
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const bool terminal = dest == kLocal || dest == kHbm;
  const bool is_write = trans.get_command() == tlm::TLM_WRITE_COMMAND;
  const bool moves_data = trans.get_command() != tlm::TLM_IGNORE_COMMAND;
  const unsigned bytes = moves_data ? trans.get_data_length() : 0;
  ++stats_.transactions;
  stats_.bytes += bytes;

  const sc_time now = sc_core::sc_time_stamp();
  sc_time t = now + delay;
  NocTail entry;
  NocTail* ext = trans.get_extension<NocTail>();
  if (!ext) {
    entry.tail = t;
    ext = &entry;
    trans.set_extension(ext);
  }

  // Request path: each owned link crossed is booked (writes) from when the head reaches
  // it, and its latency is paid once (serialized reads pay it on the way back instead).
  Link* src_link = owned_link(src);
  Link* dst_link = owned_link(dest);
  const bool hold = params_.serialized && moves_data;
  if (src_link) t = cross(*src_link, src, kFromFar, 1, t, bytes, is_write, is_write || !hold, ext->tail);
  if (dst_link) t = cross(*dst_link, dest, kFromHere, 1, t, bytes, is_write, is_write || !hold, ext->tail);
  if (is_write && terminal) t = ext->tail;  // the target has the data when the last byte is in

  delay = t - now;
  if (terminal) trans.set_address(addr - window);
  (*out_[size_t(dest)])->b_transport(trans, delay);
  trans.set_address(addr);

  if (!is_write && moves_data && trans.is_response_ok()) {
    // Read data flows back once the target has it, over the same links.
    t = now + delay;
    if (terminal) ext->tail = t;
    if (dst_link) t = cross(*dst_link, dest, kFromHere, 0, t, bytes, true, false, ext->tail);
    if (src_link) t = cross(*src_link, src, kFromFar, 0, t, bytes, true, false, ext->tail);
    if (src == kLocal) t = ext->tail;  // complete when the last byte reaches the initiator
    delay = t - now;
  } else if (!is_write && hold) {
    // A failed read still crossed the links it reached.
    if (src_link) delay += latency_[src];
    if (dst_link) delay += latency_[dest];
  }
  if (ext == &entry) trans.clear_extension(ext);
}

unsigned int MeshRouter::transport_dbg(int src, tlm::tlm_generic_payload& trans) {
  const uint64_t addr = trans.get_address();
  uint64_t window = 0;
  const int dest = route(addr, window);
  if (dest == kNone || (dest == kHbm && src == kHbm)) return 0;
  if (dest == kLocal || dest == kHbm) trans.set_address(addr - window);
  const unsigned int n = (*out_[size_t(dest)])->transport_dbg(trans);
  trans.set_address(addr);
  return n;
}

bool MeshRouter::get_direct_mem_ptr(int, tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
  // Never granted, as in the tree: remote accesses must pay the network.
  dmi.set_start_address(0);
  dmi.set_end_address(~sc_dt::uint64(0));
  dmi.allow_none();
  return false;
}

void MeshRouter::trace_link(Port p, ActivityTracer* tracer, unsigned link_id) {
  if (!owns(p)) throw std::logic_error(std::string(name()) + ": the " + port_name(p) + " link is not this router's");
  links_[p].tracer = tracer;
  links_[p].trace_id = link_id;
}

sc_time MeshRouter::link_busy(Port p, unsigned channel) const {
  return owns(p) && channel < kLinkChannels ? sc_time::from_value(links_[p].booked[channel]) : sc_core::SC_ZERO_TIME;
}

const char* MeshRouter::link_channel_name(unsigned channel) {
  static const char* const names[kLinkChannels] = {"out_rd", "in_wr", "in_rd", "out_wr"};
  return channel < kLinkChannels ? names[channel] : "?";
}

}  // namespace vp
