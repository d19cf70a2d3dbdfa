#pragma once
// Instruction trace (vp-run --itrace): one line per instruction executed by
// the traced cores, written as they retire (host order: cores of one
// CoreGroup appear a quantum at a time, each line carries its own cycle):
//
//   <cycle> <cluster>.<core> <pc> <encoding> <disassembly> [<reg>=<value>] [load|store <address>]
//
// e.g. "      1042 0.3 1c000124 00b50533 add a0,a0,a1  a0=0x0000002a".
// An instruction that traps does not retire; it gets "trap mcause=0x<n>"
// instead of its results ("fatal trap ..." when the trap ends the run). The file is written to FILE.tmp and renamed at
// close(), so a reader never sees half a trace.
#include <cstdint>
#include <fstream>
#include <string>
#include <unordered_map>

#include "core_debug.hpp"
#include "rv_isa.hpp"

namespace vp::rv {

class InstructionTrace : public CoreDebugHook {
 public:
  // max_lines: 0 = no limit; past it, tracing stops with a note in the file.
  explicit InstructionTrace(std::string path, uint64_t max_lines = 0);
  ~InstructionTrace() override;

  // Attach to a core (the core keeps a pointer: the trace must outlive its runs).
  void trace(RiscvCore& core);
  // Flushes and renames FILE.tmp to FILE. Throws std::runtime_error on a write error.
  void close();
  uint64_t lines() const { return lines_; }
  bool limit_reached() const { return full_; }

  bool enter(RiscvCore& core) override;
  void before(RiscvCore& core) override;
  void after(RiscvCore& core, const StepInfo& step) override;
  // The fatal trap that ends the run gets a last line for its core.
  void fault(RiscvCore& core, uint32_t cause, const std::string& what) override;

 private:
  std::string path_;
  std::ofstream out_;
  uint64_t max_lines_, lines_ = 0;
  bool open_ = false, full_ = false;
  // Instructions seen, by address, with their encoding and disassembly as
  // printed; insn_: the one about to execute (read before it runs: it may
  // overwrite itself), null if unreadable.
  struct Insn {
    uint32_t raw = 0;
    Decoded decoded;
    std::string text;
  };
  std::unordered_map<uint32_t, Insn> insns_;
  const Insn* insn_ = nullptr;
  std::string line_;
};

}  // namespace vp::rv
