#include "instruction_memory.hpp"

#include <cstring>

namespace vp {

InstructionMemory::InstructionMemory(sc_core::sc_module_name name, std::shared_ptr<std::vector<uint8_t>> image,
                                     sc_core::sc_time latency)
    : sc_module(name), socket("socket"), image_(std::move(image)), latency_(latency) {
  socket.register_b_transport(this, &InstructionMemory::b_transport);
  socket.register_get_direct_mem_ptr(this, &InstructionMemory::get_direct_mem_ptr);
  socket.register_transport_dbg(this, &InstructionMemory::transport_dbg);
}

void InstructionMemory::b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
  const uint64_t a = t.get_address(), n = t.get_data_length();
  if (a > image_->size() || n > image_->size() - a || t.get_byte_enable_ptr())
    return t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
  if (!t.is_read()) return t.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);  // read-only
  std::memcpy(t.get_data_ptr(), image_->data() + a, n);
  delay += latency_;
  t.set_dmi_allowed(true);
  t.set_response_status(tlm::TLM_OK_RESPONSE);
}

bool InstructionMemory::get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
  dmi.set_dmi_ptr(image_->data());
  dmi.set_start_address(0);
  dmi.set_end_address(image_->size() - 1);
  dmi.set_read_latency(latency_);
  dmi.allow_read();  // never write: a store to code is a fault
  return true;
}

unsigned InstructionMemory::transport_dbg(tlm::tlm_generic_payload& t) {
  // Debuggers (and the loader) may write: that is how breakpoints go in.
  const uint64_t a = t.get_address();
  if (a >= image_->size()) return 0;
  const uint64_t n = std::min<uint64_t>(t.get_data_length(), image_->size() - a);
  if (t.is_read())
    std::memcpy(t.get_data_ptr(), image_->data() + a, n);
  else
    std::memcpy(image_->data() + a, t.get_data_ptr(), n);
  return unsigned(n);
}

}  // namespace vp
