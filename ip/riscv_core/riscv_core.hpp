#pragma once
// An RV32IMC + Zicsr (+ CORE-V, `core.isa`) machine-mode core (RI5CY / CV32E40P class) as a
// loosely-timed TLM-2.0 initiator. It has no SystemC process of its own: a
// host (CoreGroup) calls run_until() from its thread, so many cores share one
// thread and no context switch happens per instruction. Time is kept inside
// the core in cycles; SystemC time is only consulted on bus accesses.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "common/event_load_extension.hpp"
#include "common/register_file.hpp"
#include "core_config.hpp"
#include "core_debug.hpp"
#include "core_id_extension.hpp"
#include "decode_cache.hpp"
#include "rv_isa.hpp"

namespace vp::rv {

class RiscvCore;

// Told of each wfi sleep when the core wakes from it (a trace's hook; null:
// off). [begin, end) is exactly what sleep_cycles() counted for it; a sleep
// still open when the run ends is not reported (nor counted).
class SleepObserver {
 public:
  virtual ~SleepObserver() = default;
  virtual void slept(const RiscvCore& core, sc_core::sc_time begin, sc_core::sc_time end) = 0;
};

class RiscvCore : public sc_core::sc_module {
 public:
  // kDeferred: stopped before a bus access while accesses are deferred.
  enum class StopReason { kTimeReached, kSleeping, kHalted, kDeferred };
  // How bus accesses (everything but DMI memory) are made, for the quantum
  // exchange (quantum_exchange.hpp): kDirect as always; kDefer: the core
  // stops just before one, as if the instruction had not begun, so that a
  // host thread runs it without touching anything outside the cluster.
  enum class Exchange : uint8_t { kDirect, kDefer };
  void set_exchange(Exchange m) { exchange_ = m; }
  // Bus accesses made so far (the exchange tells a core still busy with its
  // peripherals from one back in local work).
  uint64_t bus_accesses() const { return bus_accesses_; }
  bool deferred() const { return deferred_; }
  // [base, base + size) holds registers of the core's own cluster whose
  // accesses may be made without the bus (RegisterFile::local_access): in any
  // mode, also while deferring, so they keep a core in its local phase. Same
  // value, effects and latency as through the bus. Set before the run; `regs`
  // outlives the core.
  void add_local_target(uint32_t base, uint32_t size, RegisterFile* regs);
  // While set (ticks), local register accesses take it for SystemC time: a
  // local phase may run on another host thread while SystemC time moves on
  // (the batched exchange), and must not read it. Unset (~0): sc_time_stamp().
  void set_local_stamp(uint64_t ticks) { local_stamp_ = ticks; }
  static constexpr uint64_t kNoStamp = ~uint64_t(0);
  // Accesses made that way (not counted in bus_accesses()).
  uint64_t local_accesses() const { return local_accesses_; }

  // mhartid = (cluster_id << 5) | core_id.
  RiscvCore(sc_core::sc_module_name name, uint32_t cluster_id, uint32_t core_id, const CoreConfig& cfg);

  tlm_utils::simple_initiator_socket<RiscvCore> bus;

  // Architectural reset: pc, registers and CSRs; local time is kept.
  void reset(uint32_t pc);

  // Runs until local time reaches `until`, or the core sleeps (wfi) or halts.
  // A trap with no handler halts the core with fault() set (never throws).
  StopReason run_until(sc_core::sc_time until);

  sc_core::sc_time cycle() const { return sc_core::sc_time::from_value(cycle_value_); }
  sc_core::sc_time local_time() const { return sc_core::sc_time::from_value(now_ * cycle_value_); }
  void set_local_time(sc_core::sc_time t) { now_ = to_cycles(t); }

  // Event line: a sleeping core resumes at max(local time, at). A wake that
  // arrives while the core is awake is remembered, so the next wfi falls through.
  // A core asleep in a held cv.elw resumes there and reads again.
  void wake(sc_core::sc_time at);
  // Interrupt line `line` of mip (3 software, 7 timer, 11 external, 16..31
  // platform): level-sensitive. Taken when mstatus.MIE and the mie bit are set;
  // a pending enabled line wakes a sleeping core at `at`. Line kEventLine (the
  // event unit's output) also wakes a core asleep in cv.elw, whatever mie says.
  void set_irq(unsigned line, bool level, sc_core::sc_time at);
  static constexpr unsigned kEventLine = 11;  // mip.MEIP: the cluster wires the event unit's output here
  // Called when the core leaves sleep (the host thread waits on it).
  void on_wake(std::function<void()> fn) { on_wake_ = std::move(fn); }
  // Called on wake only, never per instruction.
  void set_sleep_observer(SleepObserver* o) { sleep_observer_ = o; }

  // Stops the core for good (exit register, tohost). Safe from a device
  // called during this core's own bus access.
  void halt(int exit_code);
  // Stops the core for good with a fault report at the instruction making the
  // current bus access ("<what> at pc ..., instruction ...: <detail>"): a
  // device's verdict on the access, e.g. the firmware's refusal register.
  // Safe from a device called during this core's own bus access.
  void fault_at_access(const std::string& what, const std::string& detail);

  bool sleeping() const { return sleeping_; }
  // Asleep in a cv.elw that its target holds back (sleeping() is true too).
  bool sleeping_in_elw() const { return elw_sleep_; }
  bool halted() const { return halted_; }
  // Why the core stopped on a fault (core, cause, pc, instruction); empty if it did not.
  const std::string& fault() const { return fault_; }
  int exit_code() const { return exit_code_; }

  uint32_t hartid() const { return hartid_; }
  uint32_t cluster_id() const { return cluster_id_; }
  uint32_t core_id() const { return core_id_; }
  uint32_t pc() const { return pc_; }
  uint32_t reg(unsigned i) const { return i < 32 ? x_[i] : 0; }
  void set_reg(unsigned i, uint32_t v) { if (i > 0 && i < 32) x_[i] = v; }
  void set_pc(uint32_t pc) { pc_ = pc & ~1u; }
  uint64_t now_cycles() const { return now_; }   // local time in cycles
  uint64_t instret() const { return instret_; }   // retired instructions
  uint64_t cycles() const { return now_ - sleep_cycles_ - start_cycles_; }  // active cycles
  uint64_t sleep_cycles() const { return sleep_cycles_; }
  std::string name_for_reports() const;          // "core 0.3"

  // Cores that see the same code at the same addresses may share one cache.
  void set_decode_cache(std::shared_ptr<DecodeCache> c) { icache_ = std::move(c); }
  const std::shared_ptr<DecodeCache>& decode_cache() const { return icache_; }
  // The debug step path's own cache (null until a step ran); its counts add to decode_cache()'s.
  const DecodeCache* step_decode_cache() const { return step_icache_.get(); }
  // The fast interpreter's handlers (the same for every core), to decode
  // code ahead for the decode caches (SharedCode).
  HandlerTable fast_handlers();

  // ---- debug side (core_debug.hpp) ----
  // Hooks' enter() and before() run in the order added, after() in reverse;
  // they must outlive the core's runs.
  void add_debug_hook(CoreDebugHook* h);
  void remove_debug_hooks();
  // A debugger's access to memory as this core sees it (cluster-local alias
  // included), through the bus's debug transport: no simulated time, no
  // side effect on timing. Returns false if any byte is unmapped.
  bool debug_access(uint32_t addr, uint8_t* data, unsigned len, bool write);
  // A CSR read for a debugger or a trace: false if the CSR does not exist.
  bool debug_read_csr(uint32_t csr, uint32_t& value) const { return csr_read(csr, value); }
  bool debug_write_csr(uint32_t csr, uint32_t value) { return csr_write(csr, value); }
  // Code changed behind the decode caches' back (a debugger's write).
  void flush_decode_caches();
  // Hardware loop registers (lpstart, lpend, lpcount of loop l), for tests and debuggers.
  uint32_t loop_start(unsigned l) const { return lp_start_[l & 1]; }
  uint32_t loop_end(unsigned l) const { return lp_end_[l & 1]; }
  uint32_t loop_count(unsigned l) const { return lp_count_[l & 1]; }

 private:
  struct DmiRange {
    uint64_t lo = 1, hi = 0;  // inclusive; empty when lo > hi
    uint8_t* ptr = nullptr;
    uint32_t rd_cycles = 0, wr_cycles = 0;  // wait states per bus transaction (wait_states())
    bool rd = false, wr = false;
  };
  static constexpr unsigned kMaxDmi = 8;

  // Execution (rv_interpreter.hpp): runs to `limit` cycles or until attention_.
  // kStep (the debug path): leaves after one instruction, with step_cut_ set
  // when the fast path would have gone on, and records its data access.
  template <bool kStep>
  void execute(uint64_t limit);       // every ISA (rv_execute_xcv.cpp, rv_execute_step.cpp)
  void execute_fast(uint64_t limit) { execute<false>(limit); }
  StopReason run_until_hooked(uint64_t limit);
  StopReason run_hooked(uint64_t limit);
  // Traps (riscv_core.cpp): returns the handler address, or throws when none.
  uint32_t trap(uint32_t cause, uint32_t tval, uint32_t epc, uint32_t insn);
  bool interrupt_pending() const { return (mstatus_ & kMstatusMie) && (mip_ & mie_); }
  uint32_t take_interrupt(uint32_t epc);
  // A fault with no way on: recorded in fault_, the core halts.
  void fatal(const std::string& what, uint32_t pc, uint32_t insn);

  // Memory (riscv_core.cpp). Return false on an access fault.
  const DmiRange* dmi_find(uint32_t addr, unsigned size, bool write) const {
    for (unsigned i = 0; i < dmi_count_; ++i) {
      const DmiRange& r = dmi_[i];
      if (addr >= r.lo && uint64_t(addr) + size - 1 <= r.hi && (write ? r.wr : r.rd)) return &r;
    }
    return nullptr;
  }
  bool load_slow(uint32_t addr, unsigned size, uint32_t& value);
  // cv.elw (xcvelw): a load word marked as an event load (EventLoadExtension).
  // kHeld: the target holds it back (the event unit, nothing pending); the
  // interpreter undoes the instruction's start and calls elw_sleep().
  enum class ElwResult : uint8_t { kDone, kFault, kHeld };
  ElwResult event_load(uint32_t addr, uint32_t& value);
  // Sleeps until the event line rises (or until its time, when already raised
  // for later); the cv.elw at pc_ then runs again.
  void elw_sleep();
  bool store_slow(uint32_t addr, unsigned size, uint32_t value);
  bool bus_access(tlm::tlm_command cmd, uint32_t addr, uint8_t* data, unsigned size);
  bool fetch_raw(uint32_t addr, uint32_t& word);
  // The word for a fault's report or mtval (0 where a deferred access would be needed).
  void fetch_report(uint32_t addr, uint32_t& word) {
    fetch_raw(addr, word);
    deferred_ = false;
  }
  void request_dmi(uint32_t addr);
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);

  // CSRs (rv_csr.cpp): false for an access that is illegal.
  bool csr_read(uint32_t csr, uint32_t& value) const;
  bool csr_write(uint32_t csr, uint32_t value);
  static bool csr_is_slow(uint32_t csr);
  uint64_t mcycle_value() const;
  uint64_t minstret_value() const;
  void set_mcycle(uint64_t v);
  void set_minstret(uint64_t v);

  uint64_t to_cycles(sc_core::sc_time t) const { return (t.value() + cycle_value_ - 1) / cycle_value_; }
  // CV32E40P: an access crossing a word boundary takes two bus transactions, each with its wait states.
  static uint32_t bus_transactions(uint32_t addr, unsigned size) { return (addr & 3) + size > 4 ? 2 : 1; }
  // Wait states of an access whose latency (request to data) is t: latency - 1, none below 1.
  uint32_t wait_states(sc_core::sc_time t) const {
    const uint64_t c = to_cycles(t);
    return c > 1 ? static_cast<uint32_t>(c - 1) : 0;
  }

  static constexpr uint32_t kMstatusMie = 1u << 3, kMstatusMpie = 1u << 7, kMstatusMpp = 3u << 11;

  // Architectural state. x_[32] is the sink of writes to x0.
  std::array<uint32_t, 33> x_{};
  uint32_t pc_ = 0;
  uint32_t mstatus_ = kMstatusMpp, mie_ = 0, mip_ = 0, mtvec_ = 0, mscratch_ = 0, mepc_ = 0, mcause_ = 0,
           mtval_ = 0, mcountinhibit_ = 0;
  uint64_t mcycle_adj_ = 0, minstret_adj_ = 0;          // value written minus running count
  uint64_t mcycle_frozen_ = 0, minstret_frozen_ = 0;    // value while inhibited

  // Time and counts, in cycles of `cycle_`.
  uint64_t now_ = 0, start_cycles_ = 0, sleep_cycles_ = 0, instret_ = 0;
  uint64_t cycle_value_;   // cycle period in SystemC resolution units
  CoreConfig cfg_;
  uint32_t hartid_, cluster_id_, core_id_;

  bool sleeping_ = false, halted_ = false, wake_pending_ = false;
  bool elw_sleep_ = false;  // asleep in a held cv.elw
  bool elw_held_ = false;   // the step path: the last cv.elw was held (not an instruction's end)
  EventLoadExtension* elw_ext_ = nullptr;  // owned by trans_
  bool attention_ = false;
  Exchange exchange_ = Exchange::kDirect;
  bool deferred_ = false;  // stopped before a bus access (kDefer)
  uint64_t bus_accesses_ = 0, local_accesses_ = 0;
  struct LocalTarget {
    uint32_t base = 0, size = 0;
    RegisterFile* regs = nullptr;
  };
  static constexpr unsigned kMaxLocal = 4;
  std::array<LocalTarget, kMaxLocal> local_{};
  unsigned local_count_ = 0;
  uint64_t local_stamp_ = kNoStamp;
  bool local_access(tlm::tlm_command cmd, uint32_t addr, uint8_t* data, unsigned size);
  bool resumed_ = false;   // hooks: the instruction after a deferral already had before()
  // Hardware loops (xcvhwlp): start, end (the address after the body), count.
  std::array<uint32_t, 2> lp_start_{}, lp_end_{}, lp_count_{};
  void set_loop_end(unsigned l, uint32_t addr);
  // A loop enabled (count > 0) with start/end the hardware cannot run: the
  // manual leaves it undefined and asks simulators to report it.
  void hwloop_violation(unsigned l, uint32_t pc);  // fatal(): the core halts
  // wfi with an enabled line raised for a time ahead of the core's own (a device
  // ran ahead in the quantum): the core sleeps until then instead of spinning.
  void sleep_until_irq();
  // The earliest time (cycles) an enabled raised line takes effect (~0: none).
  uint64_t irq_due() const;
  // Takes an enabled interrupt that is due at the core's time, or cuts `stop` to when it is.
  bool take_due_interrupt(uint64_t& stop);
  // Hazard state between two instructions (see execute()).
  uint32_t hz_load_rd_ = 0;
  bool hz_jumped_ = false;
  const DecodeCache::Slot* hz_prev_ = nullptr;  // leave the hot loop: halt, sleep, interrupt state changed
  int exit_code_ = 0;
  std::function<void()> on_wake_;
  SleepObserver* sleep_observer_ = nullptr;
  std::array<uint64_t, 32> irq_at_{};  // cycle at which each raised line takes effect

  std::array<DmiRange, kMaxDmi> dmi_{};
  unsigned dmi_count_ = 0;
  std::shared_ptr<DecodeCache> icache_;
  HandlerTable* handlers_out_ = nullptr;  // fast_handlers(): execute() only fills it
  tlm::tlm_generic_payload trans_;  // reused for every bus access; owns its CoreIdExtension

  // Debug side. The step path has a decode cache of its own: its slots hold
  // the step interpreter's handlers, which must never meet the fast one's.
  std::vector<CoreDebugHook*> hooks_;
  std::unique_ptr<DecodeCache> step_icache_;
  bool step_cut_ = false;
  uint32_t fault_cause_ = 0;  // cause of the trap that ended the run, for the hooks
  std::string fault_;         // its report (core, cause, pc, instruction); empty: none
  uint8_t step_mem_size_ = 0;
  bool step_mem_store_ = false;
  uint32_t step_mem_addr_ = 0;
  tlm::tlm_generic_payload dbg_trans_;
};

}  // namespace vp::rv
