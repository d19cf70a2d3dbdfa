#include "hbm/hbm_controller.hpp"

#include <algorithm>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace vp {

using sc_core::sc_time;

HbmController::HbmController(sc_core::sc_module_name name, const Params& p)
    : sc_module(name), port("port"), params_(p), latency_(p.cycle * double(p.latency_cycles)),
      pages_((p.size + kPageBytes - 1) / kPageBytes) {
  if (p.bandwidth_bytes_per_cycle == 0) throw std::invalid_argument(std::string(this->name()) + ": zero bandwidth");
  port.register_b_transport(this, &HbmController::b_transport);
  port.register_transport_dbg(this, &HbmController::transport_dbg);
}

void HbmController::check_range(uint64_t offset, size_t len, const char* what) const {
  if (offset > params_.size || len > params_.size - offset) {
    std::ostringstream m;
    m << name() << ": " << what << " of " << len << " bytes at HBM offset 0x" << std::hex << offset
      << " exceeds the HBM size 0x" << params_.size;
    throw std::out_of_range(m.str());
  }
}

uint8_t* HbmController::page_for_write(uint64_t page) {
  auto& p = pages_[page];
  if (!p) {
    p.reset(new uint8_t[kPageBytes]());  // zeroed: untouched bytes read as 0
    ++allocated_pages_;
  }
  return p.get();
}

void HbmController::copy_in(uint64_t offset, const uint8_t* src, size_t len) {
  while (len) {
    uint64_t in_page = offset % kPageBytes;
    size_t n = std::min<uint64_t>(len, kPageBytes - in_page);
    std::memcpy(page_for_write(offset / kPageBytes) + in_page, src, n);
    offset += n, src += n, len -= n;
  }
}

void HbmController::copy_out(uint64_t offset, uint8_t* dst, size_t len) const {
  while (len) {
    uint64_t in_page = offset % kPageBytes;
    size_t n = std::min<uint64_t>(len, kPageBytes - in_page);
    const auto& p = pages_[offset / kPageBytes];
    if (p)
      std::memcpy(dst, p.get() + in_page, n);
    else
      std::memset(dst, 0, n);
    offset += n, dst += n, len -= n;
  }
}

void HbmController::write(uint64_t offset, const void* data, size_t len) {
  check_range(offset, len, "write");
  copy_in(offset, static_cast<const uint8_t*>(data), len);
}

void HbmController::read(uint64_t offset, void* data, size_t len) const {
  check_range(offset, len, "read");
  copy_out(offset, static_cast<uint8_t*>(data), len);
}

bool HbmController::access(tlm::tlm_generic_payload& trans) {
  const uint64_t addr = trans.get_address();
  const unsigned len = trans.get_data_length();
  const unsigned width = trans.get_streaming_width() ? trans.get_streaming_width() : len;
  const uint8_t* be = trans.get_byte_enable_ptr();
  const unsigned be_len = trans.get_byte_enable_length();
  if (addr > params_.size || std::min(len, width) > params_.size - addr) return false;
  uint8_t* data = trans.get_data_ptr();
  const bool is_write = trans.is_write();
  if (!be && width >= len) {  // the common case: one contiguous block
    if (is_write)
      copy_in(addr, data, len);
    else
      copy_out(addr, data, len);
    return true;
  }
  // Byte enables or a streaming width (a FIFO-like target window): byte by byte.
  for (unsigned i = 0; i < len; ++i) {
    if (be && be_len && be[i % be_len] != TLM_BYTE_ENABLED) continue;
    uint64_t a = addr + i % width;
    if (is_write)
      copy_in(a, data + i, 1);
    else
      copy_out(a, data + i, 1);
  }
  return true;
}

void HbmController::b_transport(tlm::tlm_generic_payload& trans, sc_time& delay) {
  if (trans.get_command() == tlm::TLM_IGNORE_COMMAND) {
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  if (!access(trans)) {
    ++stats_.errors;
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const unsigned len = trans.get_data_length();
  if (trans.is_write())
    ++stats_.writes, stats_.bytes_written += len;
  else
    ++stats_.reads, stats_.bytes_read += len;
  // Reserve the port: the access waits for earlier ones, then holds it for its beats.
  const sc_time now = sc_core::sc_time_stamp();
  const sc_time t = now + delay;
  const uint64_t beats = (len + params_.bandwidth_bytes_per_cycle - 1) / params_.bandwidth_bytes_per_cycle;
  uint64_t end = t.value();
  const sc_time start =
      sc_time::from_value(port_busy_.book(t.value(), (params_.cycle * double(beats)).value(), end, now.value()));
  stats_.contention += start - t;
  delay = start + latency_ - now;
  trans.set_dmi_allowed(false);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int HbmController::transport_dbg(tlm::tlm_generic_payload& trans) {
  if (trans.get_command() == tlm::TLM_IGNORE_COMMAND) return 0;
  const uint64_t addr = trans.get_address();
  if (addr >= params_.size) return 0;
  const unsigned n = unsigned(std::min<uint64_t>(trans.get_data_length(), params_.size - addr));
  if (trans.is_write())
    copy_in(addr, trans.get_data_ptr(), n);
  else
    copy_out(addr, trans.get_data_ptr(), n);
  return n;
}

}  // namespace vp
