#include "bare/bare_ram.hpp"

#include <cstring>
#include <new>

namespace vp {

BareRam::BareRam(sc_core::sc_module_name name, uint64_t base, uint64_t size, sc_core::sc_time latency)
    : sc_core::sc_module(name),
      socket("socket"),
      base_(base),
      size_(size),
      latency_(latency),
      mem_(static_cast<uint8_t*>(std::calloc(size, 1)), &std::free) {
  if (!mem_) throw std::bad_alloc();
  socket.register_b_transport(this, &BareRam::b_transport);
  socket.register_get_direct_mem_ptr(this, &BareRam::get_direct_mem_ptr);
  socket.register_transport_dbg(this, &BareRam::transport_dbg);
}

void BareRam::watch_tohost(uint32_t addr, std::function<void(uint32_t)> on_tohost) {
  tohost_ = addr;
  on_tohost_ = std::move(on_tohost);
}

void BareRam::b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
  const uint64_t a = t.get_address();
  const unsigned len = t.get_data_length();
  if (t.get_byte_enable_ptr() || t.get_streaming_width() != len) {
    t.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  if (!contains(a, len)) {
    t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (t.is_read())
    std::memcpy(t.get_data_ptr(), host(a), len);
  else if (t.is_write())
    std::memcpy(host(a), t.get_data_ptr(), len);
  delay += latency_;
  t.set_response_status(tlm::TLM_OK_RESPONSE);
  const bool touches_tohost = tohost_ && a < uint64_t(*tohost_) + 8 && a + len > *tohost_;
  t.set_dmi_allowed(!touches_tohost);
  if (touches_tohost && t.is_write() && a == *tohost_ && len >= 4) {
    uint32_t v;
    std::memcpy(&v, host(a), 4);
    if (v != 0 && on_tohost_) on_tohost_(v);
  }
}

bool BareRam::get_direct_mem_ptr(tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi) {
  const uint64_t a = t.get_address();
  uint64_t lo = base_, hi = base_ + size_ - 1;
  if (tohost_) {  // the range around the tohost word, which stays on b_transport
    const uint64_t w_lo = *tohost_, w_hi = uint64_t(*tohost_) + 7;
    if (a >= w_lo && a <= w_hi) return false;
    if (a < w_lo)
      hi = std::min(hi, w_lo - 1);
    else
      lo = std::max(lo, w_hi + 1);
  }
  if (a < lo || a > hi) return false;
  dmi.set_start_address(lo);
  dmi.set_end_address(hi);
  dmi.set_dmi_ptr(host(lo));
  dmi.allow_read_write();
  dmi.set_read_latency(latency_);
  dmi.set_write_latency(latency_);
  return true;
}

unsigned int BareRam::transport_dbg(tlm::tlm_generic_payload& t) {
  const uint64_t a = t.get_address();
  const unsigned len = t.get_data_length();
  if (!contains(a, len)) return 0;
  if (t.is_read()) std::memcpy(t.get_data_ptr(), host(a), len);
  if (t.is_write()) std::memcpy(host(a), t.get_data_ptr(), len);
  return len;
}

}  // namespace vp
