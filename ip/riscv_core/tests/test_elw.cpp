// cv.elw (xcvelw) end to end on one core and a real event unit: sleep and
// wake across quanta, an event already pending, an event announced for later,
// unmasked events, the step path, the exchange schedule (windowed too: the
// same cycles, a posted phase's access found in a slice), the illegal case on
// rv32imc and the disassembly. Cycle figures by hand: 1 GHz core, event unit
// access 1 cycle (no wait state), wake latency 2 cycles, cv.elw 4 cycles.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include <fmt/format.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "core_debug.hpp"
#include "core_fixture.hpp"
#include "event_unit.hpp"
#include "quantum_exchange.hpp"
#include "tcdm/tcdm.hpp"
#include "rv_disasm.hpp"

namespace {

constexpr uint32_t kEuBase = 0x100000;
constexpr uint32_t kL1Base = 0x200000, kL1Size = 0x10000;  // a cluster L1 (Tcdm) for the join case
uint32_t cv_elw(uint32_t rd, uint32_t rs1, int32_t imm) { return i_type(0x0b, rd, 3, rs1, imm); }

// RAM below kEuBase, the event unit from there (its registers at offsets).
struct Router : sc_core::sc_module {
  tlm_utils::simple_target_socket<Router> in{"in"};
  tlm_utils::simple_initiator_socket<Router> to_ram{"to_ram"}, to_eu{"to_eu"}, to_l1{"to_l1"};
  static bool in_l1(uint64_t a) { return a >= kL1Base && a < kL1Base + kL1Size; }
  explicit Router(sc_core::sc_module_name n) : sc_module(n) {
    in.register_b_transport(this, &Router::b_transport);
    in.register_get_direct_mem_ptr(this, &Router::get_dmi);
    in.register_transport_dbg(this, &Router::dbg);
  }
  void b_transport(tlm::tlm_generic_payload& t, sc_time& d) {
    const uint64_t a = t.get_address();
    if (in_l1(a)) {
      t.set_address(a - kL1Base);
      to_l1->b_transport(t, d);
      t.set_address(a);
      t.set_dmi_allowed(true);  // as the cluster bus: the cores reach their L1 by DMI
    } else if (a >= kEuBase) {
      t.set_address(a - kEuBase);
      to_eu->b_transport(t, d);
      t.set_address(a);
    } else {
      to_ram->b_transport(t, d);
    }
  }
  bool get_dmi(tlm::tlm_generic_payload& t, tlm::tlm_dmi& d) {
    if (in_l1(t.get_address())) {
      t.set_address(t.get_address() - kL1Base);
      const bool ok = to_l1->get_direct_mem_ptr(t, d);
      d.set_start_address(d.get_start_address() + kL1Base);
      d.set_end_address(d.get_end_address() + kL1Base);
      return ok;
    }
    if (t.get_address() >= kEuBase) return false;
    return to_ram->get_direct_mem_ptr(t, d) && (d.set_end_address(std::min<uint64_t>(d.get_end_address(), kEuBase - 1)), true);
  }
  unsigned dbg(tlm::tlm_generic_payload& t) {
    const uint64_t a = t.get_address();
    if (a < kEuBase) return to_ram->transport_dbg(t);
    t.set_address(a - kEuBase);
    const unsigned n = to_eu->transport_dbg(t);
    t.set_address(a);
    return n;
  }
};

vp::EventUnitParams eu_params() {
  vp::EventUnitParams p;
  p.cores = 2;
  p.access_latency = sc_time(1, SC_NS);
  p.barrier_latency = sc_time(2, SC_NS);
  return p;
}

// Triggers software line `line` of core 0 at `at` (as another master would).
struct Trigger : sc_core::sc_module {
  SC_HAS_PROCESS(Trigger);
  vp::EventUnit& eu;
  sc_time at;
  unsigned line;
  Trigger(sc_core::sc_module_name n, vp::EventUnit& e, sc_time t, unsigned l) : sc_module(n), eu(e), at(t), line(l) {
    SC_THREAD(run);
  }
  void run() {
    sc_core::wait(at);
    eu.trigger_line(line, 1u, sc_core::sc_time_stamp());
  }
};

vp::TcdmParams l1_params() {
  vp::TcdmParams p;
  p.size = kL1Size;
  p.banks = 4;
  p.bank_width = 4;
  p.cycle = sc_time(1, SC_NS);
  p.latency = sc_time(1, SC_NS);
  return p;
}

// Reads a word of the L1 at `at`, as a DMA would (b_transport, not DMI).
struct L1Reader : sc_core::sc_module {
  SC_HAS_PROCESS(L1Reader);
  tlm_utils::simple_initiator_socket<L1Reader> out{"out"};
  sc_time at;
  uint32_t offset, value = 0;
  L1Reader(sc_core::sc_module_name n, sc_time t, uint32_t off) : sc_module(n), at(t), offset(off) { SC_THREAD(run); }
  void run() {
    sc_core::wait(at);
    tlm::tlm_generic_payload t;
    t.set_command(tlm::TLM_READ_COMMAND);
    t.set_address(offset);
    t.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
    t.set_data_length(4);
    t.set_streaming_width(4);
    sc_time d = sc_core::SC_ZERO_TIME;
    out->b_transport(t, d);
  }
};

struct ElwBench {
  TestRam ram{"ram"};
  Router router{"router"};
  vp::EventUnit eu{"eu", eu_params()};
  vp::Tcdm l1{"l1", l1_params()};
  std::unique_ptr<L1Reader> reader;
  std::unique_ptr<RiscvCore> core;
  std::unique_ptr<CoreGroup> group;
  std::unique_ptr<QuantumExchange> exchange;
  std::unique_ptr<Trigger> trigger;
  explicit ElwBench(uint32_t isa = kIsaRv32imcXcv) {
    tlm::tlm_global_quantum::instance().set(sc_time(1000, SC_NS));
    core = std::make_unique<RiscvCore>("core0", 0, 0, config(isa));
    core->bus.bind(router.in);
    router.to_ram.bind(ram.socket);
    router.to_eu.bind(eu.socket);
    router.to_l1.bind(l1.socket);
    eu.on_core_line = [this](unsigned c, bool level, sc_time at) {
      if (exchange) exchange->touch(0);  // as the cluster does (Cluster::set_core_join)
      if (c == 0) core->set_irq(RiscvCore::kEventLine, level, level ? at + sc_time(2, SC_NS) : at);
    };
    core->reset(kBase);
    group = std::make_unique<CoreGroup>("group", std::vector<RiscvCore*>{core.get()});
  }
  void trigger_at(sc_time t, unsigned line = EU_LINE_SW(0)) { trigger = std::make_unique<Trigger>("trigger", eu, t, line); }
  void with_exchange(uint64_t batch_cycles = 0) {
    exchange = std::make_unique<QuantumExchange>("exchange", std::vector<CoreGroup*>{group.get()});
    exchange->enable(2, batch_cycles);
    if (batch_cycles) l1.set_join(exchange->pending_flag(0), [this] { exchange->join(0); });
  }
  // The L1 word at `offset` read at `at` by another master.
  void read_l1_at(sc_time at, uint32_t offset) {
    reader = std::make_unique<L1Reader>("reader", at, offset);
    reader->out.bind(l1.socket);
  }
  // x10 = event unit; MASK_SET = `mask`; cv.elw x5, EVENT_WAIT_CLEAR(x10); x6 = 7; wfi.
  void load_program(uint32_t mask, uint32_t reg = EU_EVENT_WAIT_CLEAR) {
    ram.put(kBase, {lui(10, kEuBase >> 12), addi(11, 0, int32_t(mask)), sw(11, 10, EU_MASK_SET),
                    cv_elw(5, 10, int32_t(reg)), addi(6, 0, 7), kWfi});
  }
};

}  // namespace

TEST_CASE("cv.elw sleeps until the event, across quanta, and returns the masked events") {
  ElwBench b;
  b.load_program(1u << EU_LINE_SW(0));
  b.trigger_at(sc_time(5000, SC_NS));
  sc_core::sc_start(8000, SC_NS);
  RiscvCore& c = *b.core;
  REQUIRE(!b.group->error());
  CHECK(c.reg(5) == 1u);  // SW0
  CHECK(c.reg(6) == 7u);
  // lui, addi, sw: cycles 1-3; cv.elw held (undone), asleep from 3 to 5002
  // (event at 5000 + wake latency 2); cv.elw again: 5003-5006; addi 5007; wfi 5008.
  CHECK(c.sleep_cycles() == 5002 - 3);
  CHECK(c.now_cycles() == 5008);
  CHECK(c.cycles() == 3 + 4 + 1 + 1);
  CHECK(c.instret() == 6);
  CHECK(b.eu.held_loads() == 1);
  CHECK(b.eu.buffer(0, sc_time(8000, SC_NS)) == 0);  // _CLEAR cleared it
}

TEST_CASE("cv.elw with the event already pending takes 4 cycles and does not sleep") {
  ElwBench b;
  b.eu.trigger_line(EU_LINE_SW(0), 1u, sc_core::SC_ZERO_TIME);
  b.load_program(1u << EU_LINE_SW(0));
  sc_core::sc_start(1000, SC_NS);
  RiscvCore& c = *b.core;
  REQUIRE(!b.group->error());
  CHECK(c.reg(5) == 1u);
  CHECK(c.now_cycles() == 3 + 4 + 1 + 1);
  CHECK(c.sleep_cycles() == 0);  // the final wfi sleeps open-ended, not counted
  CHECK(b.eu.held_loads() == 0);
}

TEST_CASE("cv.elw ignores unmasked events and sleeps to an event announced for later without the host") {
  ElwBench b;
  b.eu.trigger_line(EU_LINE_SW(1), 1u, sc_core::SC_ZERO_TIME);            // pending but not masked
  b.eu.trigger_line(EU_LINE_SW(0), 1u, sc_time(3000, SC_NS));             // a master that ran ahead
  b.load_program(1u << EU_LINE_SW(0));
  sc_core::sc_start(5000, SC_NS);
  RiscvCore& c = *b.core;
  REQUIRE(!b.group->error());
  CHECK(c.reg(5) == 1u);  // SW0 only
  CHECK(c.sleep_cycles() == 3002 - 3);
  CHECK(c.now_cycles() == 3002 + 4 + 1 + 1);
  CHECK(b.eu.buffer(0, sc_time(5000, SC_NS)) == 1u << EU_LINE_SW(1));  // SW1 left pending
}

TEST_CASE("cv.elw of EVENT_WAIT keeps the events, and a core with no event stays asleep in it") {
  ElwBench b;
  b.load_program(1u << EU_LINE_SW(2), EU_EVENT_WAIT);
  sc_core::sc_start(3000, SC_NS);
  RiscvCore& c = *b.core;
  REQUIRE(!b.group->error());
  CHECK(c.sleeping());
  CHECK(c.sleeping_in_elw());
  CHECK(c.pc() == kBase + 12);  // at the cv.elw, which runs again on the event
  CHECK(c.instret() == 3);
  b.eu.trigger_line(EU_LINE_SW(2), 1u, sc_time(3500, SC_NS));
  sc_core::sc_start(1000, SC_NS);
  CHECK(!c.sleeping_in_elw());
  CHECK(c.reg(5) == 1u << EU_LINE_SW(2));
  CHECK(b.eu.buffer(0, sc_time(4000, SC_NS)) == 1u << EU_LINE_SW(2));  // not cleared
  CHECK(c.now_cycles() == 3502 + 4 + 1 + 1);
}

TEST_CASE("cv.elw under the quantum exchange gives the same cycles") {
  ElwBench b;
  b.with_exchange();
  b.load_program(1u << EU_LINE_SW(0));
  b.trigger_at(sc_time(5000, SC_NS));
  sc_core::sc_start(8000, SC_NS);
  RiscvCore& c = *b.core;
  CHECK(c.reg(5) == 1u);
  CHECK(c.sleep_cycles() == 5002 - 3);
  CHECK(c.now_cycles() == 5008);
  CHECK(b.eu.held_loads() == 1);
}

// Windowed (batch_cycles > 0), accesses are made at their own times: the
// MASK_SET at cycle 3 as unbatched, the cv.elw after it held from there, and
// the wake-up at 5002 (the event at 5000, + 2) runs the core at once.
TEST_CASE("cv.elw under the windowed schedule gives the unbatched cycles") {
  ElwBench b;
  b.with_exchange(300);
  b.load_program(1u << EU_LINE_SW(0));
  b.trigger_at(sc_time(5000, SC_NS));
  sc_core::sc_start(8000, SC_NS);
  RiscvCore& c = *b.core;
  REQUIRE(!b.group->error());
  CHECK(c.reg(5) == 1u);
  CHECK(c.sleep_cycles() == 5002 - 3);
  CHECK(c.now_cycles() == 5008);
  CHECK(b.eu.held_loads() == 1);
  CHECK(b.exchange->wakeups() == 1);  // the wake-up's activation, inside a window
  CHECK(b.exchange->joins() == 0);
}

namespace {
uint32_t bne(uint32_t rs1, uint32_t rs2, int32_t off) {
  const uint32_t u = uint32_t(off);
  return ((u >> 12 & 1) << 31) | ((u >> 5 & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (1 << 12) |
         ((u >> 1 & 0xf) << 8) | ((u >> 11 & 1) << 7) | 0x63;
}
// A loop of `n` iterations without a bus access, then MASK_SET and cv.elw:
// windowed, the loop runs in a posted phase, in slices, past several windows
// and quanta (1 us), and its first access is found in a slice.
void loop_then_elw(ElwBench& b, uint64_t batch, int32_t n) {
  b.with_exchange(batch);
  b.ram.put(kBase, {lui(10, kEuBase >> 12), addi(13, 0, n), addi(13, 13, -1), bne(13, 0, -4),
                    addi(11, 0, 1 << EU_LINE_SW(0)), sw(11, 10, EU_MASK_SET), cv_elw(5, 10, EU_EVENT_WAIT_CLEAR),
                    addi(6, 0, 7), kWfi});
  b.trigger_at(sc_time(5000, SC_NS));
  sc_core::sc_start(8000, SC_NS);
  REQUIRE(!b.group->error());
}
}  // namespace

// Unbatched, the cv.elw sleeps from cycle 2802 (the loop: 700 x (addi 1 +
// taken bne 3), after lui and addi) to the wake-up at 5002.
constexpr uint64_t kLoopSleep = 5002 - 2802, kLoopEnd = 5008;

TEST_CASE("unbatched, the loop then cv.elw") {
  ElwBench b;
  loop_then_elw(b, 0, 700);
  CHECK(b.core->reg(5) == 1u);
  CHECK(b.core->sleep_cycles() == kLoopSleep);
  CHECK(b.core->now_cycles() == kLoopEnd);
}

TEST_CASE("windowed, a posted phase's access found in a slice is made at its own time") {
  ElwBench b;
  loop_then_elw(b, 300, 700);
  CHECK(b.core->reg(5) == 1u);
  CHECK(b.core->sleep_cycles() == kLoopSleep);  // the same cycles as unbatched
  CHECK(b.core->now_cycles() == kLoopEnd);
  CHECK(b.exchange->activations() > 5);  // the windows while the loop ran
  CHECK(b.exchange->joins() == 0);
}
namespace {
// The core stores 7 into its L1 right after its cv.elw; another master reads
// that word at `read_at`. Returns the core's final cycle.
uint64_t store_after_wake(uint64_t batch, sc_time read_at, uint32_t& seen, uint64_t& joins) {
  ElwBench b;
  b.with_exchange(batch);
  // lw: the core's first L1 access, over the bus, gets it DMI (the store after the wake-up is local work).
  b.ram.put(kBase, {lui(10, kEuBase >> 12), addi(11, 0, 1 << EU_LINE_SW(0)), sw(11, 10, EU_MASK_SET),
                    lui(12, kL1Base >> 12), lw(7, 12, 0), cv_elw(5, 10, EU_EVENT_WAIT_CLEAR), addi(6, 0, 7),
                    sw(6, 12, 0x40), kWfi});
  b.trigger_at(sc_time(5000, SC_NS));
  b.read_l1_at(read_at, 0x40);
  sc_core::sc_start(8000, SC_NS);
  REQUIRE(!b.group->error());
  seen = b.reader->value;
  joins = b.exchange->joins();
  return b.core->now_cycles();
}
constexpr uint64_t kStoreAfterWake = 5002 + 4 + 1 + 1 + 1;  // the wake-up, cv.elw, addi, sw, wfi
}  // namespace

TEST_CASE("unbatched, an L1 read after the wake-up sees the core store") {
  uint32_t seen = 0;
  uint64_t joins = 0;
  CHECK(store_after_wake(0, sc_time(5100, SC_NS), seen, joins) == kStoreAfterWake);
  CHECK(seen == 7);
}

// Windowed, a woken core runs at its wake-up to the window's end (5600): it
// stores and sleeps, so a read at 5100 sees the store without joining
// anything: the same view and cycles as unbatched. (A posted phase touched
// is joined: parallel:threads counts joins on mpaimc-8.)
TEST_CASE("windowed, a woken core runs at its wake-up: a later L1 access sees its store") {
  uint32_t seen = 0;
  uint64_t joins = 0;
  CHECK(store_after_wake(700, sc_time(5100, SC_NS), seen, joins) == kStoreAfterWake);
  CHECK(seen == 7);
  CHECK(joins == 0);
}

TEST_CASE("an L1 access before the wake-up joins nothing") {
  uint32_t seen = 0;
  uint64_t joins = 0;
  CHECK(store_after_wake(700, sc_time(4000, SC_NS), seen, joins) == kStoreAfterWake);
  CHECK(seen == 0);
  CHECK(joins == 0);
}

namespace {
// Records what the step path reports (a trace's view).
struct Recorder : CoreDebugHook {
  std::vector<StepInfo> steps;
  bool enter(RiscvCore&) override { return true; }
  void before(RiscvCore&) override {}
  void after(RiscvCore&, const StepInfo& s) override { steps.push_back(s); }
};
}  // namespace

TEST_CASE("on the step path a held cv.elw is one instruction, reported when it completes") {
  ElwBench b;
  Recorder rec;
  b.core->add_debug_hook(&rec);
  b.load_program(1u << EU_LINE_SW(0));
  b.trigger_at(sc_time(5000, SC_NS));
  sc_core::sc_start(8000, SC_NS);
  RiscvCore& c = *b.core;
  REQUIRE(!b.group->error());
  CHECK(c.now_cycles() == 5008);  // the same cycles as the fast path
  REQUIRE(rec.steps.size() == 6);
  const StepInfo& elw = rec.steps[3];
  CHECK(elw.pc == kBase + 12);
  CHECK(elw.retired);
  CHECK(elw.cycle == 5002);  // issued after the sleep
  CHECK(elw.mem_size == 4);
  CHECK(elw.mem_addr == kEuBase + EU_EVENT_WAIT_CLEAR);
  CHECK(rec.steps[4].pc == kBase + 16);
}

TEST_CASE("on the step path under the windowed schedule the cv.elw is reported once, with its cycle") {
  ElwBench b;
  Recorder rec;
  b.core->add_debug_hook(&rec);
  b.with_exchange(300);
  b.load_program(1u << EU_LINE_SW(0));
  b.trigger_at(sc_time(5000, SC_NS));
  sc_core::sc_start(8000, SC_NS);
  RiscvCore& c = *b.core;
  REQUIRE(!b.group->error());
  CHECK(c.now_cycles() == 5008);
  REQUIRE(rec.steps.size() == 6);
  const StepInfo& elw = rec.steps[3];
  CHECK(elw.pc == kBase + 12);
  CHECK(elw.retired);
  CHECK(elw.cycle == 5002);
  CHECK(elw.mem_size == 4);
  CHECK(elw.mem_addr == kEuBase + EU_EVENT_WAIT_CLEAR);
  CHECK(rec.steps[4].pc == kBase + 16);
}

TEST_CASE("cv.elw is illegal on rv32imc, with the core, pc and instruction reported") {
  ElwBench b(kIsaRv32imc);
  b.load_program(1u << EU_LINE_SW(0));
  sc_core::sc_start(1000, SC_NS);
  const std::string& f = b.core->fault();
  CHECK(f.find("core 0.0") != std::string::npos);
  CHECK(f.find("illegal instruction") != std::string::npos);
  CHECK(f.find(fmt::format("at pc 0x{:08x}, instruction 0x{:08x}", kBase + 12, cv_elw(5, 10, EU_EVENT_WAIT_CLEAR))) !=
        std::string::npos);
  CHECK(decode(cv_elw(5, 10, 36), kIsaRv32imc).op == Op::kIllegal);
}

TEST_CASE("cv.elw decodes with its I-type fields and disassembles as binutils prints it") {
  const Decoded d = decode(cv_elw(5, 10, 36), kIsaRv32imcXcv);
  CHECK(d.op == Op::kCvElw);
  CHECK(d.rd == 5);
  CHECK(d.rs1 == 10);
  CHECK(d.imm == 36);
  CHECK(info(Op::kCvElw).mem == 4);
  CHECK(disassemble(cv_elw(5, 10, 36), 0) == "cv.elw t0,36(a0)");
  CHECK(disassemble(cv_elw(10, 2, -4), 0) == "cv.elw a0,-4(sp)");
}
