// The instruction trace hook: reads each instruction before it runs,
// writes its line after, with the value its destination register took.
#include "itrace.hpp"

#include <cstdio>
#include <stdexcept>

#include <fmt/format.h>

#include "riscv_core.hpp"
#include "rv_disasm.hpp"

namespace vp::rv {

InstructionTrace::InstructionTrace(std::string path, uint64_t max_lines)
    : path_(std::move(path)), max_lines_(max_lines) {
  out_.open(path_ + ".tmp", std::ios::binary | std::ios::trunc);
  if (!out_) throw std::runtime_error(fmt::format("--itrace: cannot write '{}'", path_));
  open_ = true;
}

InstructionTrace::~InstructionTrace() {
  if (!open_) return;
  try {
    close();
  } catch (const std::exception&) {  // a destructor reports nothing; close() callers do
  }
}

void InstructionTrace::trace(RiscvCore& core) { core.add_debug_hook(this); }

void InstructionTrace::close() {
  if (!open_) return;
  open_ = false;
  out_.flush();
  const bool ok = bool(out_);
  out_.close();
  const std::string tmp = path_ + ".tmp";
  if (!ok || std::rename(tmp.c_str(), path_.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw std::runtime_error(fmt::format("--itrace: cannot write '{}'", path_));
  }
}

bool InstructionTrace::enter(RiscvCore&) { return open_ && !full_; }

void InstructionTrace::before(RiscvCore& core) {
  fetched_ = false;
  if (!open_ || full_) return;
  uint8_t b[4] = {0, 0, 0, 0};
  if (!core.debug_access(core.pc(), b, 2, false)) return;
  raw_ = uint32_t(b[0]) | uint32_t(b[1]) << 8;
  if (!is_compressed(raw_)) {
    if (!core.debug_access(core.pc() + 2, b + 2, 2, false)) return;
    raw_ |= uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
  }
  decoded_ = decode(raw_);
  fetched_ = true;
}

void InstructionTrace::after(RiscvCore& core, const StepInfo& step) {
  if (!open_ || full_) return;
  if (max_lines_ && lines_ >= max_lines_) {
    full_ = true;
    out_ << fmt::format("# itrace: limit of {} lines reached, tracing stopped\n", max_lines_);
    return;
  }
  std::string line = fmt::format("{:>10} {}.{} {:08x} ", step.cycle, core.cluster_id(), core.core_id(), step.pc);
  if (!fetched_) {
    line += "???????? (instruction not readable)";
  } else {
    line += decoded_.len == 2 ? fmt::format("{:04x}    ", raw_ & 0xffff) : fmt::format("{:08x}", raw_);
    line += fmt::format(" {:<28}", disassemble(decoded_, step.pc));
    if (!step.retired) {
      uint32_t cause = 0;
      core.debug_read_csr(0x342, cause);
      line += fmt::format(" trap mcause={:#x}", cause);
    } else {
      if (decoded_.rd != kZeroSink && decoded_.op != Op::kIllegal)
        line += fmt::format(" {}=0x{:08x}", abi_name(decoded_.rd), core.reg(decoded_.rd));
      if (step.mem_size) line += fmt::format(" {} 0x{:08x}", step.mem_store ? "store" : "load", step.mem_addr);
    }
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  line += '\n';
  out_ << line;
  ++lines_;
}

void InstructionTrace::fault(RiscvCore& core, uint32_t cause, const std::string&) {
  if (!open_ || full_) return;
  std::string line = fmt::format("{:>10} {}.{} {:08x} ", core.now_cycles(), core.cluster_id(), core.core_id(), core.pc());
  uint8_t b[4] = {0, 0, 0, 0};
  uint32_t raw = 0;
  if (core.debug_access(core.pc(), b, 2, false)) {
    raw = uint32_t(b[0]) | uint32_t(b[1]) << 8;
    if (!is_compressed(raw) && core.debug_access(core.pc() + 2, b + 2, 2, false))
      raw |= uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
    const Decoded d = decode(raw);
    line += d.len == 2 ? fmt::format("{:04x}    ", raw & 0xffff) : fmt::format("{:08x}", raw);
    line += fmt::format(" {:<28}", disassemble(d, core.pc()));
  }
  out_ << line << fmt::format(" fatal trap mcause={:#x}\n", cause);
  ++lines_;
}

}  // namespace vp::rv
