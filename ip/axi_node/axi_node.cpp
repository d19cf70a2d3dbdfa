#include "axi_node/axi_node.hpp"

#include <algorithm>
#include <stdexcept>

#include "axi_node/noc_tail.hpp"

namespace vp {

using sc_core::sc_time;

AxiNode::AxiNode(sc_core::sc_module_name name, const Params& p)
    : sc_module(name), parent_in("parent_in"), parent_out("parent_out"), params_(p),
      latency_(p.cycle * double(p.latency_cycles)), child_routes_(p.children), child_links_(p.children) {
  if (p.children < 1) throw std::invalid_argument(std::string(this->name()) + ": an AXI node needs at least one child");
  if (p.width_bytes == 0) throw std::invalid_argument(std::string(this->name()) + ": zero data width");
  for (int c = 0; c < p.children; ++c) {
    child_in_.emplace_back(std::make_unique<ChildTarget>(sc_core::sc_gen_unique_name("child_in")));
    child_out_.emplace_back(std::make_unique<ChildInitiator>(sc_core::sc_gen_unique_name("child_out")));
    child_in_.back()->register_b_transport(this, &AxiNode::b_transport, c);
    child_in_.back()->register_transport_dbg(this, &AxiNode::transport_dbg, c);
    child_in_.back()->register_get_direct_mem_ptr(this, &AxiNode::get_direct_mem_ptr, c);
  }
  parent_in.register_b_transport(this, &AxiNode::b_transport, kParent);
  parent_in.register_transport_dbg(this, &AxiNode::transport_dbg, kParent);
  parent_in.register_get_direct_mem_ptr(this, &AxiNode::get_direct_mem_ptr, kParent);
}

void AxiNode::set_child_route(int child, const Route& r) {
  child_routes_.at(child) = r;
  // The tree gives every child an equal slice of one range; decoding is then a division.
  uniform_children_ = true;
  children_base_ = child_routes_[0].base;
  child_span_ = child_routes_[0].size;
  for (int c = 0; c < params_.children; ++c)
    if (child_span_ == 0 || child_routes_[c].size != child_span_ ||
        child_routes_[c].base != children_base_ + uint64_t(c) * child_span_)
      uniform_children_ = false;
}

void AxiNode::set_parent_route(const Route& r) {
  parent_route_ = r;
  parent_restricted_ = true;
}

int AxiNode::decode(uint64_t addr) const {
  if (uniform_children_) {
    if (addr >= children_base_ && addr - children_base_ < child_span_ * uint64_t(params_.children))
      return int((addr - children_base_) / child_span_);
  } else {
    for (int c = 0; c < params_.children; ++c)
      if (addr >= child_routes_[c].base && addr - child_routes_[c].base < child_routes_[c].size) return c;
  }
  if (!parent_restricted_) return kParent;
  if (addr >= parent_route_.base && addr - parent_route_.base < parent_route_.size) return kParent;
  return kNone;
}

const AxiNode::Route* AxiNode::route_of(int dest) const {
  if (dest == kParent) return parent_restricted_ ? &parent_route_ : nullptr;
  return &child_routes_[dest];
}

sc_time AxiNode::reserve(Link& link, int side, int rw, const sc_time& t, const sc_time& occupancy, sc_time& tail) {
  uint64_t end = tail.value();
  BusyCalendar& cal = link.channel[side][params_.half_duplex ? 0 : rw];
  const uint64_t start = cal.book(t.value(), occupancy.value(), end, sc_core::sc_time_stamp().value());
  // sc_time::from_value is a library call: uncontended (the common case),
  // the times are sums of the ones at hand.
  const bool waited = start != t.value();
  if (end == tail.value()) {
  } else if (!waited && end == t.value() + occupancy.value()) {
    tail = t + occupancy;
  } else {
    tail = sc_time::from_value(end);
  }
  link.booked[side * 2 + rw] += end - start;
  if (kTracing && link.tracer && end > start)
    link.tracer->span(kNetworkSpan, TraceUnit::kLink, link.trace_id, unsigned(side * 2 + rw), sc_time::from_value(start), tail);
  if (!waited) return t;
  stats_.contention += sc_time::from_value(start - t.value());
  return sc_time::from_value(start);
}

sc_time AxiNode::hold(Link* first, int first_side, Link* second, int second_side, int rw, const sc_time& t,
                      const sc_time& occupancy, sc_time& tail) {
  // The last byte cannot leave before it has arrived and crossed the node's latency.
  tail += latency_;
  sc_time s = t;
  if (first) s = reserve(*first, first_side, rw, s, latency_ + occupancy, tail);
  if (second) s = reserve(*second, second_side, rw, s, latency_ + occupancy, tail);
  return s + latency_;
}

void AxiNode::b_transport(int src, tlm::tlm_generic_payload& trans, sc_time& delay) {
  const uint64_t addr = trans.get_address();
  const int dest = decode(addr);
  if (dest == kNone || (dest == kParent && src == kParent)) {
    // A request from the parent that no child claims would loop: it belongs nowhere.
    // (A child may address itself through the node: it arrives on its slave port.)
    ++stats_.decode_errors;
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const Route* route = route_of(dest);
  const bool terminal = route && route->terminal;
  const bool is_write = trans.get_command() == tlm::TLM_WRITE_COMMAND;
  const bool moves_data = trans.get_command() != tlm::TLM_IGNORE_COMMAND;
  const unsigned bytes = moves_data ? trans.get_data_length() : 0;
  const sc_time occupancy = params_.cycle * double((bytes + params_.width_bytes - 1) / params_.width_bytes);
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

  // The source link was initiated from below if the request came up from a child.
  Link* src_link = owned_link(src);
  Link* dst_link = owned_link(dest);
  const int src_side = src == kParent ? kFromAbove : kFromBelow;
  const int dst_side = dest == kParent ? kFromBelow : kFromAbove;
  const bool src_terminal = src != kParent && child_routes_[src].terminal;

  // Serialized mode applies to bursts that move data; a read pays it on the way back.
  const bool hold_ports = params_.serialized && moves_data;
  if (is_write && hold_ports) {
    t = hold(src_link, src_side, dst_link, dst_side, 1, t, occupancy, ext->tail);
  } else {
    if (is_write && src_link) t = reserve(*src_link, src_side, 1, t, occupancy, ext->tail);
    if (!hold_ports) {
      t += latency_;
      ext->tail += latency_;
    }
    if (is_write && dst_link) t = reserve(*dst_link, dst_side, 1, t, occupancy, ext->tail);
  }
  if (is_write && terminal) t = ext->tail;  // the target has the data when the last byte is in

  delay = t - now;
  if (terminal) trans.set_address(addr - route->base);
  if (dest == kParent)
    parent_out->b_transport(trans, delay);
  else
    (*child_out_[dest])->b_transport(trans, delay);
  trans.set_address(addr);

  if (!is_write && moves_data && trans.is_response_ok()) {
    // Read data flows back once the target has it, over the same links.
    t = now + delay;
    if (terminal) ext->tail = t;
    if (hold_ports) {
      t = hold(dst_link, dst_side, src_link, src_side, 0, t, occupancy, ext->tail);
    } else {
      if (dst_link) t = reserve(*dst_link, dst_side, 0, t, occupancy, ext->tail);
      if (src_link) t = reserve(*src_link, src_side, 0, t, occupancy, ext->tail);
    }
    if (src_terminal) t = ext->tail;  // complete when the last byte reaches the initiator
    delay = t - now;
  } else if (!is_write && hold_ports) {
    delay += latency_;  // a failed read still crossed the node
  }
  if (ext == &entry) trans.clear_extension(ext);
}

void AxiNode::trace_link(int port, ActivityTracer* tracer, unsigned link_id) {
  Link* link = port == kParent ? owned_link(kParent) : &child_links_.at(size_t(port));
  if (!link) throw std::logic_error(std::string(name()) + ": the parent link is not this node's");
  link->tracer = tracer;
  link->trace_id = link_id;
}

sc_time AxiNode::link_busy(int port, unsigned channel) const {
  const Link* link = port == kParent ? (params_.owns_parent_link ? &parent_link_ : nullptr) : &child_links_.at(size_t(port));
  return link && channel < kLinkChannels ? sc_time::from_value(link->booked[channel]) : sc_core::SC_ZERO_TIME;
}

const char* AxiNode::link_channel_name(unsigned channel) {
  static const char* const names[kLinkChannels] = {"down_rd", "up_wr", "up_rd", "down_wr"};
  return channel < kLinkChannels ? names[channel] : "?";
}

unsigned int AxiNode::transport_dbg(int src, tlm::tlm_generic_payload& trans) {
  const uint64_t addr = trans.get_address();
  const int dest = decode(addr);
  if (dest == kNone || (dest == kParent && src == kParent)) return 0;
  const Route* route = route_of(dest);
  if (route && route->terminal) trans.set_address(addr - route->base);
  unsigned int n = dest == kParent ? parent_out->transport_dbg(trans) : (*child_out_[dest])->transport_dbg(trans);
  trans.set_address(addr);
  return n;
}

bool AxiNode::get_direct_mem_ptr(int, tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
  // Never granted (see the header): the whole range is declared non-DMI so that the
  // initiator does not ask again for every access.
  dmi.set_start_address(0);
  dmi.set_end_address(~sc_dt::uint64(0));
  dmi.allow_none();
  return false;
}

}  // namespace vp
