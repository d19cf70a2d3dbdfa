// cv.elw (xcvelw) end to end on one core and a real event unit: sleep and
// wake across quanta, an event already pending, an event announced for later,
// unmasked events, the step path, the exchange schedule, the illegal case on
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
#include "rv_disasm.hpp"

namespace {

constexpr uint32_t kEuBase = 0x100000;
uint32_t cv_elw(uint32_t rd, uint32_t rs1, int32_t imm) { return i_type(0x0b, rd, 3, rs1, imm); }

// RAM below kEuBase, the event unit from there (its registers at offsets).
struct Router : sc_core::sc_module {
  tlm_utils::simple_target_socket<Router> in{"in"};
  tlm_utils::simple_initiator_socket<Router> to_ram{"to_ram"}, to_eu{"to_eu"};
  explicit Router(sc_core::sc_module_name n) : sc_module(n) {
    in.register_b_transport(this, &Router::b_transport);
    in.register_get_direct_mem_ptr(this, &Router::get_dmi);
    in.register_transport_dbg(this, &Router::dbg);
  }
  void b_transport(tlm::tlm_generic_payload& t, sc_time& d) {
    const uint64_t a = t.get_address();
    if (a >= kEuBase) {
      t.set_address(a - kEuBase);
      to_eu->b_transport(t, d);
      t.set_address(a);
    } else {
      to_ram->b_transport(t, d);
    }
  }
  bool get_dmi(tlm::tlm_generic_payload& t, tlm::tlm_dmi& d) {
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

struct ElwBench {
  TestRam ram{"ram"};
  Router router{"router"};
  vp::EventUnit eu{"eu", eu_params()};
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
    eu.on_core_line = [this](unsigned c, bool level, sc_time at) {
      if (c == 0) core->set_irq(RiscvCore::kEventLine, level, level ? at + sc_time(2, SC_NS) : at);
    };
    core->reset(kBase);
    group = std::make_unique<CoreGroup>("group", std::vector<RiscvCore*>{core.get()});
  }
  void trigger_at(sc_time t, unsigned line = EU_LINE_SW(0)) { trigger = std::make_unique<Trigger>("trigger", eu, t, line); }
  void with_exchange() {
    exchange = std::make_unique<QuantumExchange>("exchange", std::vector<CoreGroup*>{group.get()});
    exchange->enable(2);
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
