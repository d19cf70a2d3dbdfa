#pragma once
// The host I/O block of the bare platform (register map: bare_io_regs.h):
// a console whose lines appear on vp-run's stdout prefixed by the writing
// core ("[c0.0] hello"), and an exit register that halts the writing core.
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace vp {

class BareHostIo : public sc_core::sc_module {
 public:
  // `on_exit(cluster, core, code)` is called for a write to the exit register.
  BareHostIo(sc_core::sc_module_name name, uint64_t base, bool prefix,
             std::function<void(uint32_t, uint32_t, int)> on_exit);
  tlm_utils::simple_target_socket<BareHostIo> socket;
  void flush();  // prints unterminated console lines
  ~BareHostIo() override;

 private:
  void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay);
  uint64_t base_;
  bool prefix_;
  std::function<void(uint32_t, uint32_t, int)> on_exit_;
  std::map<std::pair<uint32_t, uint32_t>, std::string> lines_;  // per core, ordered for determinism
};

}  // namespace vp
