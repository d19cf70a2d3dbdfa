// The core outside its hot loop: construction, run/sleep/wake, traps, and
// the bus side of memory accesses (DMI table, b_transport with the local
// time offset as annotated delay).
#include "riscv_core.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/simulation_error.hpp"

namespace vp::rv {

using sc_core::sc_time;

RiscvCore::RiscvCore(sc_core::sc_module_name name, uint32_t cluster_id, uint32_t core_id, const CoreConfig& cfg)
    : sc_core::sc_module(name),
      bus("bus"),
      cycle_value_(cfg.cycle.value()),
      cfg_(cfg),
      hartid_((cluster_id << 5) | core_id),
      cluster_id_(cluster_id),
      core_id_(core_id),
      icache_(std::make_shared<DecodeCache>()) {
  if (core_id >= 32) throw std::invalid_argument("core id must be below 32 (mhartid layout)");
  bus.register_invalidate_direct_mem_ptr(this, &RiscvCore::invalidate_direct_mem_ptr);
  auto* ext = new CoreIdExtension;
  ext->cluster_id = cluster_id;
  ext->core_id = core_id;
  trans_.set_extension(ext);
  elw_ext_ = new EventLoadExtension;
  trans_.set_extension(elw_ext_);
  auto* dbg_ext = new CoreIdExtension;
  *dbg_ext = *ext;
  dbg_trans_.set_extension(dbg_ext);
}

std::string RiscvCore::name_for_reports() const { return fmt::format("core {}.{}", cluster_id_, core_id_); }

void RiscvCore::reset(uint32_t pc) {
  x_.fill(0);
  pc_ = pc;
  mstatus_ = kMstatusMpp;
  mie_ = mip_ = mtvec_ = mscratch_ = mepc_ = mcause_ = mtval_ = mcountinhibit_ = 0;
  start_cycles_ = now_;
  sleep_cycles_ = instret_ = 0;
  mcycle_adj_ = minstret_adj_ = mcycle_frozen_ = minstret_frozen_ = 0;
  sleeping_ = halted_ = wake_pending_ = elw_sleep_ = elw_held_ = false;
  exit_code_ = 0;
  lp_start_.fill(0);
  lp_end_.fill(0);
  lp_count_.fill(0);
  fault_.clear();
  hz_load_rd_ = 0;
  hz_jumped_ = false;
  hz_prev_ = nullptr;
}

RiscvCore::StopReason RiscvCore::run_until(sc_time until) {
  const uint64_t limit = to_cycles(until);
  if (__builtin_expect(!hooks_.empty(), 0)) return run_until_hooked(limit);
  deferred_ = false;
  for (;;) {
    if (halted_) return StopReason::kHalted;
    if (deferred_) return StopReason::kDeferred;
    if (sleeping_) return StopReason::kSleeping;
    uint64_t stop = limit;
    if (!take_due_interrupt(stop)) return StopReason::kHalted;
    attention_ = false;
    if (now_ >= limit) return StopReason::kTimeReached;
    execute_fast(stop);  // returns at `stop` or when attention_ is raised
  }
}

// ---- debug side ------------------------------------------------------------

void RiscvCore::add_debug_hook(CoreDebugHook* h) {
  if (!step_icache_) step_icache_ = std::make_unique<DecodeCache>();
  hooks_.push_back(h);
}

void RiscvCore::remove_debug_hooks() { hooks_.clear(); }

// The fast loop when no hook asks for steps; otherwise one instruction per
// execute<true> call, with the hooks around it. execute<true> leaves where
// the fast path would (step_cut_ false) or after any instruction (step_cut_
// true, and the next call resumes as if it had not left), so the core
// reaches the same points in time and its accesses interleave with other
// cores' as without hooks: a traced or debugged run keeps its cycle counts.
RiscvCore::StopReason RiscvCore::run_until_hooked(uint64_t limit) {
  const bool faulted = !fault_.empty();
  const StopReason r = run_hooked(limit);
  // A debugger may show the faulting state before the run ends.
  if (!faulted && !fault_.empty())
    for (CoreDebugHook* h : hooks_) h->fault(*this, fault_cause_, fault_);
  return r;
}

RiscvCore::StopReason RiscvCore::run_hooked(uint64_t limit) {
  bool step = false;
  deferred_ = false;
  for (CoreDebugHook* h : hooks_) step |= h->enter(*this);
  for (;;) {
    if (halted_) return StopReason::kHalted;
    if (deferred_) return StopReason::kDeferred;
    if (sleeping_) return StopReason::kSleeping;
    uint64_t stop = limit;
    if (!take_due_interrupt(stop)) return StopReason::kHalted;
    attention_ = false;
    if (now_ >= limit) return StopReason::kTimeReached;
    if (!step) {
      execute_fast(stop);
      continue;
    }
    do {
      // A deferred instruction resumed: its hooks already saw it begin.
      if (!resumed_)
        for (CoreDebugHook* h : hooks_) h->before(*this);
      resumed_ = false;
      if (halted_) {  // stopped for good while a debugger held it
        step_cut_ = false;
        break;
      }
      StepInfo info;
      info.pc = pc_;
      info.cycle = now_;
      const uint64_t retired = instret_;
      step_mem_size_ = 0;
      elw_held_ = false;
      execute<true>(limit);
      if (deferred_) {  // not begun: after() comes when it runs
        resumed_ = true;
        return StopReason::kDeferred;
      }
      if (elw_held_) {  // a cv.elw held back, not begun: after() comes when it completes
        resumed_ = true;
        break;
      }
      info.retired = instret_ != retired;
      info.mem_size = step_mem_size_;
      info.mem_store = step_mem_store_;
      info.mem_addr = step_mem_addr_;
      // Nested like brackets: the first hook sees the instruction last (a
      // debugger added first stops after a trace added later wrote its line).
      for (auto h = hooks_.rbegin(); h != hooks_.rend(); ++h) (*h)->after(*this, info);
    } while (step_cut_);
  }
}

bool RiscvCore::debug_access(uint32_t addr, uint8_t* data, unsigned len, bool write) {
  dbg_trans_.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  dbg_trans_.set_address(addr);
  dbg_trans_.set_data_ptr(data);
  dbg_trans_.set_data_length(len);
  dbg_trans_.set_streaming_width(len);
  dbg_trans_.set_byte_enable_ptr(nullptr);
  dbg_trans_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  return bus->transport_dbg(dbg_trans_) == len;
}

void RiscvCore::set_loop_end(unsigned l, uint32_t addr) {
  lp_end_[l] = addr;
  icache_->mark_loop_end(addr);
  if (step_icache_) step_icache_->mark_loop_end(addr);
}

void RiscvCore::hwloop_violation(unsigned l, uint32_t pc) {
  uint32_t insn = 0;
  fetch_report(pc, insn);
  fatal(fmt::format("hardware loop {} enabled with start 0x{:08x}, end 0x{:08x}, count {}: the CV32E40P manual "
                    "requires 32-bit aligned start and end and the end after the start",
                    l, lp_start_[l], lp_end_[l], lp_count_[l]),
        pc, insn);
}

HandlerTable RiscvCore::fast_handlers() {
  HandlerTable t;
  handlers_out_ = &t;
  execute_fast(0);
  handlers_out_ = nullptr;
  return t;
}

void RiscvCore::flush_decode_caches() {
  icache_->flush();
  if (step_icache_) step_icache_->flush();
}

void RiscvCore::wake(sc_time at) {
  if (halted_) return;
  if (!sleeping_) {
    wake_pending_ = true;
    return;
  }
  // Never resume in SystemC's past (a device waking us from another process).
  const uint64_t t = std::max(to_cycles(at), to_cycles(sc_core::sc_time_stamp()));
  if (t > now_) {
#if VP_TRACING
    if (sleep_observer_) sleep_observer_->slept(*this, local_time(), sc_time::from_value(t * cycle_value_));
#endif
    sleep_cycles_ += t - now_;
    now_ = t;
  }
  sleeping_ = elw_sleep_ = false;
  if (on_wake_) on_wake_();
}

void RiscvCore::set_irq(unsigned line, bool level, sc_time at) {
  if (line >= 32) return;
  if (level)
    mip_ |= 1u << line, irq_at_[line] = to_cycles(at);
  else
    mip_ &= ~(1u << line);
  if (level) attention_ = true;  // the running core re-checks interrupts
  if (level && sleeping_ && ((mie_ & (1u << line)) || (elw_sleep_ && line == kEventLine))) wake(at);
}

uint64_t RiscvCore::irq_due() const {
  uint64_t t = ~uint64_t(0);
  for (uint32_t m = mip_ & mie_; m; m &= m - 1) t = std::min(t, irq_at_[__builtin_ctz(m)]);
  return t;
}

// An enabled line raised for a time ahead of the core (a device ran ahead in
// the quantum) takes effect when the core's local time reaches it, as a
// loosely-timed initiator sees a target's annotated time: taken now if due,
// else `stop` is cut to its time (the fast loop leaves there at its next
// control transfer, as at a quantum's end). False: the core halted.
bool RiscvCore::take_due_interrupt(uint64_t& stop) {
  if (!interrupt_pending()) return true;
  const uint64_t due = irq_due();
  if (due > now_) {
    stop = std::min(stop, due);
    return true;
  }
  pc_ = take_interrupt(pc_);
  return !halted_;
}

void RiscvCore::sleep_until_irq() {
  const uint64_t t = irq_due();
  if (t == ~uint64_t(0) || t <= now_) return;
#if VP_TRACING
  if (sleep_observer_) sleep_observer_->slept(*this, local_time(), sc_time::from_value(t * cycle_value_));
#endif
  sleep_cycles_ += t - now_;
  now_ = t;
  if (interrupt_pending()) attention_ = true;  // due now: the host loop takes it
}

RiscvCore::ElwResult RiscvCore::event_load(uint32_t addr, uint32_t& value) {
  elw_ext_->event_load = true;
  elw_ext_->not_ready = false;
  const bool ok = load_slow(addr, 4, value);
  elw_ext_->event_load = false;
  if (!ok) return ElwResult::kFault;
  return elw_ext_->not_ready ? ElwResult::kHeld : ElwResult::kDone;
}

// The CV32E40P gates its clock while the event unit withholds the cv.elw's
// grant (user manual, sleep.rst "PULP Cluster"): counted as sleep, as wfi.
// The event unit raises this core's event line exactly when the held read
// would complete (BUFFER & MASK != 0), so the core reads again then.
void RiscvCore::elw_sleep() {
  elw_held_ = true;
  const uint32_t bit = 1u << kEventLine;
  if ((mip_ & bit) && irq_at_[kEventLine] > now_) {  // raised for later (a device ran ahead in the quantum)
    const uint64_t t = irq_at_[kEventLine];
#if VP_TRACING
    if (sleep_observer_) sleep_observer_->slept(*this, local_time(), sc_time::from_value(t * cycle_value_));
#endif
    sleep_cycles_ += t - now_;
    now_ = t;
    return;
  }
  sleeping_ = elw_sleep_ = true;
}

void RiscvCore::halt(int exit_code) {
  halted_ = true;
  sleeping_ = elw_sleep_ = false;
  attention_ = true;
  exit_code_ = exit_code;
}

// ---- traps -----------------------------------------------------------------

static const char* cause_name(uint32_t cause) {
  switch (cause) {
    case 0: return "instruction address misaligned";
    case 1: return "instruction access fault";
    case 2: return "illegal instruction";
    case 3: return "breakpoint";
    case 4: return "load address misaligned";
    case 5: return "load access fault";
    case 6: return "store address misaligned";
    case 7: return "store access fault";
    case 11: return "environment call from M-mode";
    default: return "unknown cause";
  }
}

// Recorded, not thrown: the core stops for good and its group ends the run
// with sc_stop(); the platform reports the fault after sc_start returns, so
// no exception unwinds through a SystemC thread's stack.
void RiscvCore::fatal(const std::string& what, uint32_t pc, uint32_t insn) {
  fault_ = fmt::format("{} (cluster {}, core {}): {} at pc 0x{:08x}, instruction 0x{:08x}", name_for_reports(),
                       cluster_id_, core_id_, what, pc, insn);
  halted_ = true;
  sleeping_ = elw_sleep_ = false;
  attention_ = true;
}

void RiscvCore::fault_at_access(const std::string& what, const std::string& detail) {
  // The interpreter stores pc_ before every bus access (SYNC_OUT). The word
  // comes from a DMI range only: the bus payload is the access in flight.
  uint32_t insn = 0;
  if (const DmiRange* r = dmi_find(pc_, 2, false)) {
    uint16_t half;
    std::memcpy(&half, r->ptr + (pc_ - r->lo), 2);
    insn = half;
    if (!is_compressed(insn)) {
      const DmiRange* w = dmi_find(pc_, 4, false);
      insn = 0;
      if (w) std::memcpy(&insn, w->ptr + (pc_ - w->lo), 4);
    }
  }
  fatal(what, pc_, insn);
  if (!detail.empty()) fault_ += ": " + detail;
}

uint32_t RiscvCore::trap(uint32_t cause, uint32_t tval, uint32_t epc, uint32_t insn) {
  const uint32_t base = mtvec_ & ~3u;
  fault_cause_ = cause;
  // Decoded slots do not keep the instruction word: read it back for the report.
  if ((base == 0 || epc == base) && insn == 0 && cause != 1) fetch_report(epc, insn);
  if (base == 0) {
    fatal(fmt::format("trap with no handler (mtvec = 0): cause {} ({}), mtval 0x{:08x}", cause, cause_name(cause), tval),
          epc, insn);
    return epc;
  }
  // The handler's own first instruction trapping again would loop forever.
  if (epc == base) {
    fatal(fmt::format("trap loop: the handler at 0x{:08x} traps itself: cause {} ({}), mtval 0x{:08x}", base, cause,
                      cause_name(cause), tval),
          epc, insn);
    return epc;
  }
  hz_load_rd_ = 0;
  hz_jumped_ = true;
  hz_prev_ = nullptr;
  mepc_ = epc;
  mcause_ = cause;
  mtval_ = tval;
  mstatus_ = (mstatus_ & ~(kMstatusMie | kMstatusMpie)) | ((mstatus_ & kMstatusMie) ? kMstatusMpie : 0) | kMstatusMpp;
  now_ += cfg_.timing.jump_penalty;
  return base;
}

uint32_t RiscvCore::take_interrupt(uint32_t epc) {
  const uint32_t pending = mip_ & mie_;
  unsigned line = 31;
  while (!(pending & (1u << line))) --line;  // highest line first, as CV32E40P's fixed priority
  const uint32_t base = mtvec_ & ~3u;
  fault_cause_ = 0x80000000u | line;
  if (base == 0) {
    fatal(fmt::format("interrupt {} with no handler (mtvec = 0)", line), epc, 0);
    return epc;
  }
  hz_load_rd_ = 0;
  hz_jumped_ = true;
  hz_prev_ = nullptr;
  mepc_ = epc;
  mcause_ = 0x80000000u | line;
  mtval_ = 0;
  mstatus_ = (mstatus_ & ~(kMstatusMie | kMstatusMpie)) | kMstatusMpie | kMstatusMpp;
  now_ += cfg_.timing.jump_penalty;
  return (mtvec_ & 3) == 1 ? base + 4 * line : base;
}

// ---- bus side of memory ----------------------------------------------------

void RiscvCore::add_local_target(uint32_t base, uint32_t size, RegisterFile* regs) {
  if (local_count_ == kMaxLocal) throw std::logic_error(name_for_reports() + ": too many local register blocks");
  local_[local_count_++] = {base, size, regs};
}

// As bus_access() below would make it: seen at max(local time, SystemC
// time), the core's time advanced to the access's end.
bool RiscvCore::local_access(tlm::tlm_command cmd, uint32_t addr, uint8_t* data, unsigned size) {
  for (unsigned i = 0; i < local_count_; ++i) {
    const LocalTarget& t = local_[i];
    if (addr - t.base >= t.size) continue;
    // In resolution units: one sc_time made (a library call each, and a
    // weight write comes every few instructions).
    const uint64_t stamp = local_stamp_ != kNoStamp ? local_stamp_ : sc_core::sc_time_stamp().value();
    const uint64_t local = now_ * cycle_value_;
    const uint64_t at = local > stamp ? local : stamp;
    sc_time latency;
    if (!t.regs->local_access(cmd == tlm::TLM_WRITE_COMMAND, addr - t.base, data, size, sc_time::from_value(at),
                              latency))
      return false;
    ++local_accesses_;
    const uint64_t done = (at + latency.value() + cycle_value_ - 1) / cycle_value_;  // to_cycles(at + latency)
    if (done > now_ + 1) now_ = done - 1;
    return true;
  }
  return false;
}

bool RiscvCore::bus_access(tlm::tlm_command cmd, uint32_t addr, uint8_t* data, unsigned size) {
  if (local_count_ && local_access(cmd, addr, data, size)) return true;
  if (exchange_ == Exchange::kDefer) {  // the executor undoes the instruction's start
    deferred_ = true;
    return false;
  }
  ++bus_accesses_;
  trans_.set_command(cmd);
  trans_.set_address(addr);
  trans_.set_data_ptr(data);
  trans_.set_data_length(size);
  trans_.set_streaming_width(size);
  trans_.set_byte_enable_ptr(nullptr);
  trans_.set_dmi_allowed(false);
  trans_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  // The target sees the access at sc_time_stamp() + delay = our local time.
  const sc_time stamp = sc_core::sc_time_stamp();
  const sc_time local = local_time();
  sc_time delay = local > stamp ? local - stamp : sc_core::SC_ZERO_TIME;
  bus->b_transport(trans_, delay);
  // As on DMI (request_dmi), the target's latency counts request to data and
  // the instruction's own cycle is already charged: only the cycles beyond
  // the first are wait states.
  const uint64_t done = to_cycles(sc_core::sc_time_stamp() + delay);
  if (done > now_ + 1) now_ = done - 1;
  const bool ok = trans_.is_response_ok();
  if (ok && trans_.is_dmi_allowed()) request_dmi(addr);
  return ok;
}

void RiscvCore::request_dmi(uint32_t addr) {
  tlm::tlm_dmi dmi;
  trans_.set_address(addr);
  if (!bus->get_direct_mem_ptr(trans_, dmi)) return;
  DmiRange r;
  r.lo = dmi.get_start_address();
  r.hi = dmi.get_end_address();
  r.ptr = dmi.get_dmi_ptr();
  r.rd = dmi.is_read_allowed();
  r.wr = dmi.is_write_allowed();
  // A target's latency counts cycles from request to data; the instruction's
  // own cycle (EX, with the data back in WB, the CV32E40P cycle table's
  // zero-wait case) is charged at dispatch, so only the cycles beyond the
  // first are wait states: a 1-cycle TCDM (PULP) costs a load or store 1 cycle.
  r.rd_cycles = wait_states(dmi.get_read_latency());
  r.wr_cycles = wait_states(dmi.get_write_latency());
  if (r.lo > r.hi || !r.ptr || r.hi > 0xffffffffu) return;
  if (dmi_count_ == kMaxDmi) dmi_count_ = kMaxDmi - 1;  // drop the oldest entry's slot
  // Newest first: the range just granted is the one the program is using.
  std::move_backward(dmi_.begin(), dmi_.begin() + dmi_count_, dmi_.begin() + dmi_count_ + 1);
  dmi_[0] = r;
  ++dmi_count_;
}

void RiscvCore::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
  unsigned keep = 0;
  for (unsigned i = 0; i < dmi_count_; ++i)
    if (dmi_[i].hi < start || dmi_[i].lo > end) dmi_[keep++] = dmi_[i];
  dmi_count_ = keep;
}

bool RiscvCore::load_slow(uint32_t addr, unsigned size, uint32_t& value) {
  uint8_t buf[4] = {0, 0, 0, 0};
  if (const DmiRange* r = dmi_find(addr, size, false)) {
    std::memcpy(buf, r->ptr + (addr - r->lo), size);
    now_ += r->rd_cycles * bus_transactions(addr, size);
  } else if (!bus_access(tlm::TLM_READ_COMMAND, addr, buf, size)) {
    return false;
  }
  value = uint32_t(buf[0]) | uint32_t(buf[1]) << 8 | uint32_t(buf[2]) << 16 | uint32_t(buf[3]) << 24;
  return true;
}

bool RiscvCore::store_slow(uint32_t addr, unsigned size, uint32_t value) {
  uint8_t buf[4] = {uint8_t(value), uint8_t(value >> 8), uint8_t(value >> 16), uint8_t(value >> 24)};
  icache_->on_store(addr, size);
  if (const DmiRange* r = dmi_find(addr, size, true)) {
    std::memcpy(r->ptr + (addr - r->lo), buf, size);
    now_ += r->wr_cycles * bus_transactions(addr, size);
    return true;
  }
  return bus_access(tlm::TLM_WRITE_COMMAND, addr, buf, size);
}

bool RiscvCore::fetch_raw(uint32_t addr, uint32_t& word) {
  // Filling the decode cache is a simulator artefact: it costs no modelled
  // time (instruction fetch is zero-wait, as the CV32E40P cycle table assumes).
  const uint64_t keep = now_;
  // 16 bits first: a compressed instruction at the very end of memory must
  // not fault on the halfword after it.
  uint32_t lo = 0, hi = 0;
  bool ok = load_slow(addr, 2, lo);
  if (ok && !is_compressed(lo)) ok = load_slow(addr + 2, 2, hi);
  now_ = keep;
  word = lo | hi << 16;
  return ok;
}

}  // namespace vp::rv
