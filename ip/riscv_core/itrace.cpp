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
  insn_ = nullptr;
  if (!open_ || full_) return;
  uint8_t b[4] = {0, 0, 0, 0};
  if (!core.debug_access(core.pc(), b, 2, false)) return;
  uint32_t raw = uint32_t(b[0]) | uint32_t(b[1]) << 8;
  if (!is_compressed(raw)) {
    if (!core.debug_access(core.pc() + 2, b + 2, 2, false)) return;
    raw |= uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
  }
  // Formatting dominates a trace's cost: each address keeps its text while
  // the instruction there stays the same.
  Insn& in = insns_[core.pc()];
  if (in.text.empty() || in.raw != raw) {
    in.raw = raw;
    in.decoded = decode(raw);
    in.text = in.decoded.len == 2 ? fmt::format("{:04x}    ", raw & 0xffff) : fmt::format("{:08x}", raw);
    in.text += fmt::format(" {:<28}", disassemble(in.decoded, core.pc()));
  }
  insn_ = &in;
}

namespace {
void append_hex8(std::string& s, uint32_t v) {
  static const char kDigits[] = "0123456789abcdef";
  for (int i = 28; i >= 0; i -= 4) s += kDigits[(v >> i) & 15];
}
void append_dec(std::string& s, uint64_t v, size_t width = 0) {
  char buf[24];
  size_t n = 0;
  do buf[n++] = char('0' + v % 10), v /= 10;
  while (v);
  for (size_t i = n; i < width; ++i) s += ' ';
  while (n) s += buf[--n];
}
}  // namespace

void InstructionTrace::after(RiscvCore& core, const StepInfo& step) {
  if (!open_ || full_) return;
  if (max_lines_ && lines_ >= max_lines_) {
    full_ = true;
    out_ << fmt::format("# itrace: limit of {} lines reached, tracing stopped\n", max_lines_);
    return;
  }
  std::string& line = line_;
  line.clear();
  append_dec(line, step.cycle, 10);
  line += ' ';
  append_dec(line, core.cluster_id());
  line += '.';
  append_dec(line, core.core_id());
  line += ' ';
  append_hex8(line, step.pc);
  line += ' ';
  if (!insn_) {
    line += "???????? (instruction not readable)";
  } else {
    line += insn_->text;
    const Decoded& d = insn_->decoded;
    if (!step.retired) {
      uint32_t cause = 0;
      core.debug_read_csr(0x342, cause);
      line += fmt::format(" trap mcause={:#x}", cause);
    } else {
      uint8_t regs[2];
      const unsigned n = written_regs(d, regs);  // post-increment loads write two
      for (unsigned i = 0; i < n; ++i) {
        line += ' ';
        line += abi_name(regs[i]);
        line += "=0x";
        append_hex8(line, core.reg(regs[i]));
      }
      if (step.mem_size) {
        line += step.mem_store ? " store 0x" : " load 0x";
        append_hex8(line, step.mem_addr);
      }
    }
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  line += '\n';
  out_.write(line.data(), std::streamsize(line.size()));
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
