#include "bare/bare_host_io.hpp"

#include <cstdio>
#include <cstring>

#include "bare_io_regs.h"
#include "core_id_extension.hpp"

namespace vp {

BareHostIo::BareHostIo(sc_core::sc_module_name name, uint64_t base, bool prefix,
                       std::function<void(uint32_t, uint32_t, int)> on_exit)
    : sc_core::sc_module(name), socket("socket"), base_(base), prefix_(prefix), on_exit_(std::move(on_exit)) {
  socket.register_b_transport(this, &BareHostIo::b_transport);
}

BareHostIo::~BareHostIo() { flush(); }

void BareHostIo::flush() {
  for (auto& [who, line] : lines_) {
    if (line.empty()) continue;
    if (prefix_)
      std::printf("[c%u.%u] %s\n", who.first, who.second, line.c_str());
    else
      std::printf("%s\n", line.c_str());
    line.clear();
  }
  std::fflush(stdout);
}

void BareHostIo::b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time&) {
  const uint64_t off = t.get_address() - base_;
  const unsigned len = t.get_data_length();
  uint32_t cluster = 0, core = 0;
  if (auto* id = t.get_extension<rv::CoreIdExtension>()) cluster = id->cluster_id, core = id->core_id;
  if (len == 0 || len > 4 || (off & 3) || t.get_byte_enable_ptr()) {
    t.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  uint32_t v = 0;
  if (t.is_write()) std::memcpy(&v, t.get_data_ptr(), len);
  t.set_response_status(tlm::TLM_OK_RESPONSE);
  switch (off) {
    case VP_BARE_PUTCHAR:
      if (!t.is_write()) break;
      {
        std::string& line = lines_[{cluster, core}];
        const char c = static_cast<char>(v & 0xff);
        if (c == '\n') {
          if (prefix_)
            std::printf("[c%u.%u] %s\n", cluster, core, line.c_str());
          else
            std::printf("%s\n", line.c_str());
          line.clear();
        } else {
          line.push_back(c);
        }
      }
      return;
    case VP_BARE_EXIT:
      if (!t.is_write()) break;
      flush();
      on_exit_(cluster, core, static_cast<int32_t>(v));
      return;
    case VP_BARE_HARTID:
      if (t.is_write()) break;
      v = (cluster << 5) | core;
      std::memcpy(t.get_data_ptr(), &v, len);
      return;
    default:
      break;
  }
  t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

}  // namespace vp
