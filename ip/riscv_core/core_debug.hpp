#pragma once
// The core's debug side: observers (a GDB server, an instruction trace)
// attached to a RiscvCore. A core with no hook runs its fast interpreter
// untouched; a hooked core asks its hooks once per run_until() call whether
// to run instruction by instruction (the slow "step" path), so the cost of
// debugging is paid only by the cores being debugged, and only while needed.
#include <cstdint>
#include <string>

namespace vp::rv {

class RiscvCore;

// What one instruction executed on the step path did.
struct StepInfo {
  uint32_t pc = 0;          // address of the instruction
  uint64_t cycle = 0;       // the core's local time (cycles) when it issued
  bool retired = false;     // false when it trapped (it does not retire)
  uint8_t mem_size = 0;     // bytes of its data access; 0 when none
  bool mem_store = false;   // the access was a store
  uint32_t mem_addr = 0;    // address of its data access
};

class CoreDebugHook {
 public:
  virtual ~CoreDebugHook() = default;
  // At each run_until() entry, before the core runs. True: this core must
  // run on the step path for this call. May block (a debugger stop).
  virtual bool enter(RiscvCore& core) = 0;
  // Step path: before the instruction at core.pc() executes. May block.
  virtual void before(RiscvCore& core) = 0;
  // Step path: after that instruction executed (or trapped).
  virtual void after(RiscvCore& core, const StepInfo& step) = 0;
  // The core stopped the run with a fatal trap (cause as in mcause; pc at the
  // faulting instruction); `what` is the report. May block. The run then
  // ends with that error.
  virtual void fault(RiscvCore& /*core*/, uint32_t /*cause*/, const std::string& /*what*/) {}
};

}  // namespace vp::rv
