#include "cluster_bus.hpp"

namespace vp {

ClusterBus::ClusterBus(sc_core::sc_module_name name, const ClusterParams& p)
    : sc_module(name),
      cores("cores"),
      slave("slave"),
      to_l1("to_l1"),
      to_event_unit("to_event_unit"),
      to_dma("to_dma"),
      to_ima("to_ima"),
      to_ctrl("to_ctrl"),
      to_imem("to_imem"),
      to_noc("to_noc"),
      to_dwconv("to_dwconv"),
      dwconv_present_(p.dwconv.present),
      local_base_(p.map.local_base),
      global_base_(p.map.global_base + uint64_t(p.id) * p.map.stride),
      stride_(p.map.stride),
      periph_offset_(p.map.peripherals_offset),
      l1_size_(p.map.l1_size),
      imem_base_(p.map.imem_base),
      imem_size_(p.map.imem_size) {
  cores.register_b_transport(this, &ClusterBus::b_transport_core);
  cores.register_get_direct_mem_ptr(this, &ClusterBus::get_dmi_core);
  cores.register_transport_dbg(this, &ClusterBus::dbg_core);
  slave.register_b_transport(this, &ClusterBus::b_transport_slave);
  slave.register_transport_dbg(this, &ClusterBus::dbg_slave);
  // DMI regions handed out in the local alias and the global window must
  // both be revoked when a target revokes its range.
  to_l1.register_invalidate_direct_mem_ptr(this, &ClusterBus::invalidate_l1);
  to_imem.register_invalidate_direct_mem_ptr(this, &ClusterBus::invalidate_imem);
}

ClusterBus::Target ClusterBus::decode(uint64_t addr, uint64_t len, uint64_t& out) const {
  auto inside = [&](uint64_t base, uint64_t size) {
    return addr >= base && addr - base < size && len <= size - (addr - base);
  };
  for (uint64_t base : {local_base_, global_base_}) {
    if (inside(base, l1_size_)) return out = addr - base, kL1;
    const uint64_t p = base + periph_offset_;
    if (inside(p, CLUSTER_PERIPH_SIZE)) {
      const uint64_t off = addr - p;
      out = off & 0xFFF;
      if ((off & 0xFFF) + len > 0x1000) return kNumTargets;  // straddles two blocks
      switch (off & ~uint64_t(0xFFF)) {
        case CLUSTER_PERIPH_EVENT_UNIT: return kEventUnit;
        case CLUSTER_PERIPH_DMA: return kDma;
        case CLUSTER_PERIPH_IMA: return kIma;
        case CLUSTER_PERIPH_CTRL: return kCtrl;
        case CLUSTER_PERIPH_DWCONV: return dwconv_present_ ? kDwconv : kNumTargets;
      }
    }
  }
  if (inside(imem_base_, imem_size_)) return out = addr - imem_base_, kImem;
  // Anything else of the local alias or the own window is a hole, not a network address.
  if ((addr >= local_base_ && addr - local_base_ < stride_) || (addr >= global_base_ && addr - global_base_ < stride_))
    return kNumTargets;
  return out = addr, kNoc;
}

tlm::tlm_fw_transport_if<>* ClusterBus::socket_of(Target t) {
  switch (t) {
    case kL1: return to_l1.operator->();
    case kEventUnit: return to_event_unit.operator->();
    case kDma: return to_dma.operator->();
    case kIma: return to_ima.operator->();
    case kCtrl: return to_ctrl.operator->();
    case kDwconv: return to_dwconv.operator->();  // decoded only where bound
    case kImem: return to_imem.operator->();
    default: return to_noc.operator->();
  }
}

ClusterBus::Target ClusterBus::route(tlm::tlm_generic_payload& t, sc_core::sc_time* delay, unsigned* dbg_bytes) {
  const uint64_t addr = t.get_address();
  uint64_t target_addr = 0;
  Target target = decode(addr, t.get_data_length(), target_addr);
  if (target == kNumTargets) {
    t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    if (dbg_bytes) *dbg_bytes = 0;
    return target;
  }
  t.set_address(target_addr);
  if (delay)
    socket_of(target)->b_transport(t, *delay);
  else
    *dbg_bytes = socket_of(target)->transport_dbg(t);
  t.set_address(addr);
  return target;
}

void ClusterBus::b_transport_core(int, tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
  const Target target = route(t, &delay, nullptr);
  // The L1 and the instruction memory are reachable directly: tell the core
  // so it asks for DMI and stops coming through here.
  if (t.is_response_ok() && (target == kL1 || target == kImem)) t.set_dmi_allowed(true);
}

unsigned ClusterBus::dbg_core(int, tlm::tlm_generic_payload& t) {
  unsigned n = 0;
  route(t, nullptr, &n);
  return n;
}

void ClusterBus::b_transport_slave(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
  // Window-relative: the same decode as the local alias, and nothing leaves.
  join();
  const uint64_t off = t.get_address();
  if (off >= stride_) return t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
  t.set_address(local_base_ + off);
  route(t, &delay, nullptr);
  t.set_address(off);
}

unsigned ClusterBus::dbg_slave(tlm::tlm_generic_payload& t) {
  join();
  const uint64_t off = t.get_address();
  if (off >= stride_) return 0;
  t.set_address(local_base_ + off);
  unsigned n = 0;
  route(t, nullptr, &n);
  t.set_address(off);
  return n;
}

bool ClusterBus::get_dmi_core(int, tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi) {
  const uint64_t addr = t.get_address();
  uint64_t target_addr = 0;
  Target target = decode(addr, 1, target_addr);
  if (target != kL1 && target != kImem) return false;
  const uint64_t base = addr - target_addr;
  t.set_address(target_addr);
  bool ok = socket_of(target)->get_direct_mem_ptr(t, dmi);
  t.set_address(addr);
  if (!ok) return false;
  // Back to this bus's addresses, clipped to the window the core asked in.
  const uint64_t size = target == kL1 ? l1_size_ : imem_size_;
  dmi.set_start_address(base + dmi.get_start_address());
  dmi.set_end_address(base + std::min<uint64_t>(dmi.get_end_address(), size - 1));
  return true;
}

void ClusterBus::invalidate_l1(sc_dt::uint64 start, sc_dt::uint64 end) {
  invalidate(start, end, local_base_);
  invalidate(start, end, global_base_);
}

void ClusterBus::invalidate_imem(sc_dt::uint64 start, sc_dt::uint64 end) { invalidate(start, end, imem_base_); }

void ClusterBus::invalidate(sc_dt::uint64 start, sc_dt::uint64 end, uint64_t base) {
  for (unsigned i = 0; i < cores.size(); ++i) cores[i]->invalidate_direct_mem_ptr(base + start, base + end);
}

}  // namespace vp
