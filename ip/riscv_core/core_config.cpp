// Reads the `core:` section of the platform YAML.
#include "core_config.hpp"

namespace vp::rv {

CoreConfig CoreConfig::from(const Config& cfg) {
  CoreConfig c;
  auto cyc = [&](const char* key) { return static_cast<uint32_t>(cfg.get_int(std::string("core.timing.") + key)); };
  c.timing.load_use_stall = cyc("load_use_stall");
  c.timing.jalr_hazard_stall = cyc("jalr_hazard_stall");
  c.timing.branch_taken_penalty = cyc("branch_taken_penalty");
  c.timing.jump_penalty = cyc("jump_penalty");
  c.timing.unaligned_target_penalty = cyc("unaligned_target_penalty");
  c.timing.mul = cyc("mul");
  c.timing.mulh = cyc("mulh");
  c.timing.div_min = cyc("div_min");
  c.timing.csr_slow = cyc("csr_slow");
  c.timing.misaligned_penalty = cyc("misaligned_penalty");
  c.trap_misaligned = cfg.get_string("core.misaligned") == "trap";
  const double hz = cfg.get_float("clock_hz");
  c.cycle = sc_core::sc_time(1.0 / hz, sc_core::SC_SEC);
  if (c.cycle == sc_core::SC_ZERO_TIME) cfg.fail("clock_hz", "clock period is below the SystemC time resolution");
  return c;
}

}  // namespace vp::rv
