// The core and its scheduler inside SystemC, on hand-encoded programs:
// sleep and wake, interrupts, fatal traps, DMI and its invalidation,
// self-modifying code, many cores in one thread.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "core_fixture.hpp"
#include "sim/simulation_error.hpp"

TEST_CASE("a sleeping core resumes at the wake time and its counters skip the sleep") {
  // x1 = 1; wfi; x1 = 2; spin
  Fixture f(1);
  f.ram.put(kBase, {addi(1, 0, 1), kWfi, addi(1, 0, 2), kSpin});
  RiscvCore& c = *f.cores[0];
  sc_core::sc_start(500, SC_NS);
  CHECK(c.sleeping());
  CHECK(c.reg(1) == 1);
  CHECK(f.group->idle());
  c.wake(sc_time(700, SC_NS));
  CHECK(!c.sleeping());
  sc_core::sc_start(1, SC_NS);
  CHECK(c.reg(1) == 2);
  CHECK(c.local_time() >= sc_time(700, SC_NS));
  CHECK(c.sleep_cycles() >= 690);
  CHECK(c.cycles() < 1000);  // active cycles only
}

TEST_CASE("a wake that arrives while running makes the next wfi fall through") {
  Fixture f(1);
  f.ram.put(kBase, {addi(1, 0, 1), kWfi, addi(1, 0, 2), kSpin});
  RiscvCore& c = *f.cores[0];
  c.wake(sc_core::SC_ZERO_TIME);  // before the core reaches wfi
  sc_core::sc_start(100, SC_NS);
  CHECK(!c.sleeping());
  CHECK(c.reg(1) == 2);
}

TEST_CASE("an enabled interrupt line wakes the core and enters the handler") {
  // mtvec = handler; mie = 1 << 11; mstatus.MIE = 1; wfi; spin. handler: x5 = mcause; spin
  Fixture f(1);
  const uint32_t handler = kBase + 0x100;
  f.ram.put(kBase, {lui(1, handler >> 12), addi(1, 1, handler & 0xfff), csrrw(0, 0x305, 1), lui(2, 1),
                    addi(2, 2, -2048) /* x2 = 0x800 */, csrrw(0, 0x304, 2), addi(3, 0, 8), csrrw(0, 0x300, 3),
                    kWfi, kSpin});
  f.ram.put(handler, {csrrs(5, 0x342, 0), csrrs(6, 0x341, 0), kSpin});
  RiscvCore& c = *f.cores[0];
  sc_core::sc_start(300, SC_NS);
  REQUIRE(c.sleeping());
  c.set_irq(11, true, sc_time(400, SC_NS));
  sc_core::sc_start(300, SC_NS);
  CHECK(c.reg(5) == 0x8000000bu);
  CHECK(c.reg(6) == kBase + 9 * 4);  // mepc: after the wfi
}

TEST_CASE("an interrupt raised for a time ahead of a running core is taken when the core reaches that time") {
  // A device ran ahead in the quantum and raised the line for 2500 ns while the core (no wfi,
  // interrupts enabled, spinning) is at about 1000 ns: as a loosely-timed initiator sees a
  // target's annotated time, the handler starts at 2500 ns (at the spin's next jump), not at
  // the core's own time. handler: x5 = mcycle; x6 = mepc; spin.
  Fixture f(1);
  const uint32_t handler = kBase + 0x100;
  f.ram.put(kBase, {lui(1, handler >> 12), addi(1, 1, handler & 0xfff), csrrw(0, 0x305, 1), lui(2, 1),
                    addi(2, 2, -2048) /* x2 = 0x800 */, csrrw(0, 0x304, 2), addi(3, 0, 8), csrrw(0, 0x300, 3),
                    kSpin});
  f.ram.put(handler, {csrrs(5, 0xb00, 0), csrrs(6, 0x341, 0), kSpin});
  RiscvCore& c = *f.cores[0];
  sc_core::sc_start(300, SC_NS);  // the core runs its first quantum, to about 1000 ns
  REQUIRE(c.local_time() < sc_time(2500, SC_NS));
  c.set_irq(11, true, sc_time(2500, SC_NS));
  sc_core::sc_start(3000, SC_NS);
  CHECK(c.reg(6) == kBase + 8 * 4);  // mepc: the spin
  CHECK(c.reg(5) >= 2500u);          // not before the line's time
  CHECK(c.reg(5) <= 2500u + 8);      // at the spin's next jump after it
}

TEST_CASE("an interrupt raised for a time behind a running core is taken at the core's time") {
  const uint32_t handler = kBase + 0x100;
  Fixture g(1);
  g.ram.put(kBase, {lui(1, handler >> 12), addi(1, 1, handler & 0xfff), csrrw(0, 0x305, 1), lui(2, 1),
                    addi(2, 2, -2048), csrrw(0, 0x304, 2), addi(3, 0, 8), csrrw(0, 0x300, 3), kSpin});
  g.ram.put(handler, {csrrs(5, 0xb00, 0), csrrs(6, 0x341, 0), kSpin});
  RiscvCore& d = *g.cores[0];
  sc_core::sc_start(300, SC_NS);
  const uint64_t at = d.now_cycles();
  d.set_irq(11, true, sc_time(100, SC_NS));
  sc_core::sc_start(3000, SC_NS);
  CHECK(d.reg(5) >= at);
  CHECK(d.reg(5) <= at + 8);
}

TEST_CASE("a trap without handler stops the simulation with a located report") {
  Fixture f(2);
  f.ram.put(kBase, {addi(1, 0, 1), kIllegal, kSpin});
  sc_core::sc_start(1000, SC_NS);
  const std::string m = f.error_report();
  REQUIRE(!m.empty());
  CHECK(m.find("core 3.0 (cluster 3, core 0)") != std::string::npos);
  CHECK(m.find("illegal instruction") != std::string::npos);
  CHECK(m.find("pc 0x00001004") != std::string::npos);
  CHECK(m.find("instruction 0xc0001073") != std::string::npos);
}

TEST_CASE("without DMI every access goes through b_transport with its delay, and revoked DMI falls back") {
  // x1 = 0x2000; loop: x2 = lw(x1); x2 += 1; sw(x2, x1); jal loop
  // A short quantum, so that each sc_start window below sees the core's progress.
  Fixture f(1, sc_time(100, SC_NS));
  f.ram.dmi = false;
  f.ram.put(kBase, {lui(1, 2), lw(2, 1, 0), addi(2, 2, 1), sw(2, 1, 0), jal(0, -12)});
  sc_core::sc_start(1000, SC_NS);
  // 6 cycles per iteration (CV32E40P: lw 1 + load-use 1, addi 1, sw 1, jal 2) plus one wait
  // state each for the load and the store (2 ns from request to data on the bus): 8.
  const uint32_t slow_iters = f.ram.word(0x2000);
  CHECK(slow_iters >= 118);
  CHECK(slow_iters <= 127);
  CHECK(f.ram.transports >= 2 * slow_iters);  // loads and stores on the bus (fetches are cached)
  f.ram.dmi = true;
  sc_core::sc_start(1000, SC_NS);  // the next bus access is granted DMI
  const unsigned before = f.ram.transports;
  const uint32_t mid = f.ram.word(0x2000);
  sc_core::sc_start(1000, SC_NS);
  CHECK(f.ram.transports == before);  // DMI: no bus traffic
  CHECK(f.ram.word(0x2000) - mid >= 160);  // 6 ns per iteration now
  f.ram.revoke();
  sc_core::sc_start(1000, SC_NS);
  CHECK(f.ram.transports > before);
}

TEST_CASE("a store over code is seen by the next execution of that code") {
  // x1 = &target; x2 = [addi x3, x0, 42]; loop twice over target: first x3 = 7, then patched.
  Fixture f(1);
  const uint32_t target = kBase + 0x40;
  f.ram.put(kBase, {lui(1, target >> 12), addi(1, 1, target & 0xfff), lw(2, 1, 4), addi(4, 0, 0),
                    jal(0, target - (kBase + 16))});
  // target: x3 = 7; (template) ; if x4 != 0 spin; x4 = 1; sw x2 -> target; jal target
  f.ram.put(target, {addi(3, 0, 7), addi(3, 0, 42), 0 /* patched below */});
  // Build: target+0: addi x3,7 ; +4: template (skipped over by jal) ; +8: bne x4,x0,spin ...
  const uint32_t bne_x4 = (1u << 12) | (4u << 15) | 0x63 | (((16 >> 1) & 0xf) << 8);  // bne x4, x0, +16
  f.ram.put(target, {addi(3, 0, 7), jal(0, 8), addi(3, 0, 42), bne_x4, addi(4, 0, 1), sw(2, 1, 0),
                     jal(0, -24), kSpin});
  sc_core::sc_start(500, SC_NS);
  CHECK(f.cores[0]->reg(4) == 1);
  CHECK(f.cores[0]->reg(3) == 42);
}

TEST_CASE("sixteen cores run in one thread with their own hart ids") {
  // each core: x1 = mhartid; store it at 0x3000 + 4 * (mhartid & 31); spin
  Fixture f(16);
  f.ram.put(kBase, {csrrs(1, 0xf14, 0), addi(2, 1, 0), 0x01f17113 /* andi x2, x2, 31 */,
                    0x00211113 /* slli x2, x2, 2 */, lui(3, 3), 0x002181b3 /* add x3, x3, x2 */, sw(1, 3, 0),
                    kSpin});
  sc_core::sc_start(300, SC_NS);
  for (uint32_t i = 0; i < 16; ++i) CHECK(f.ram.word(0x3000 + 4 * i) == ((3u << 5) | i));
  for (auto& c : f.cores) CHECK(c->local_time() >= sc_time(300, SC_NS));
}

// ---- debug side: the step path (core_debug.hpp) ----------------------------

namespace {
uint32_t r_type(uint32_t f7, uint32_t rs2, uint32_t rs1, uint32_t f3, uint32_t rd) {
  return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | 0x33;
}
uint32_t bne(uint32_t rs1, uint32_t rs2, int32_t off) {
  const uint32_t o = uint32_t(off);
  return (((o >> 12) & 1) << 31) | (((o >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (1 << 12) |
         (((o >> 1) & 0xf) << 8) | (((o >> 11) & 1) << 7) | 0x63;
}
constexpr uint32_t kMret = 0x30200073;

// Asks for the step path and counts what it sees.
struct CountingHook : CoreDebugHook {
  uint64_t enters = 0, befores = 0, retired = 0, trapped = 0, loads = 0, stores = 0;
  bool enter(RiscvCore&) override { return ++enters, true; }
  void before(RiscvCore&) override { ++befores; }
  void after(RiscvCore&, const StepInfo& s) override {
    (s.retired ? retired : trapped) += 1;
    if (s.retired && s.mem_size) (s.mem_store ? stores : loads) += 1;
  }
};
}  // namespace

TEST_CASE("the step path computes and times exactly as the fast path") {
  // Two cores run the same program on their own data (address from mhartid):
  // a loop of store, load (load-use stall), mul, div, a taken branch; then an
  // ecall into a handler that returns past it. Core 0 runs on the step path.
  Fixture f(2, sc_time(100, SC_NS));
  const uint32_t handler = kBase + 0x200;
  f.ram.put(kBase, {lui(9, 1), addi(9, 9, 0x200), csrrw(0, 0x305, 9),         // mtvec = handler
                    csrrs(1, 0xf14, 0), i_type(0x13, 1, 7, 1, 31), i_type(0x13, 1, 1, 1, 8),  // x1 = core << 8
                    lui(2, 3), r_type(0, 1, 2, 0, 2),                             // x2 = 0x3000 + x1
                    addi(3, 0, 50), addi(4, 0, 0),
                    /* loop: */ sw(3, 2, 0), lw(5, 2, 0), r_type(0, 5, 4, 0, 4), r_type(1, 3, 4, 0, 6),
                    r_type(1, 3, 6, 4, 7), addi(3, 3, -1), bne(3, 0, -24),
                    kEcall, sw(4, 2, 4), kSpin});
  f.ram.put(handler, {csrrs(8, 0x341, 0), addi(8, 8, 4), csrrw(0, 0x341, 8), kMret});
  CountingHook hook;
  RiscvCore &stepped = *f.cores[0], &fast = *f.cores[1];
  stepped.add_debug_hook(&hook);
  sc_core::sc_start(3000, SC_NS);
  REQUIRE(!f.group->error());
  CHECK(f.ram.word(0x3004) == 1275);  // 50 + 49 + ... + 1
  CHECK(f.ram.word(0x3104) == 1275);
  for (unsigned r = 2; r < 10; ++r)
    if (r != 2) CHECK(stepped.reg(r) == fast.reg(r));
  CHECK(stepped.instret() == fast.instret());
  CHECK(stepped.cycles() == fast.cycles());
  CHECK(stepped.local_time() == fast.local_time());
  // One before() per instruction executed, retired ones counted as minstret does.
  CHECK(hook.retired == stepped.instret());
  CHECK(hook.trapped == 1);  // the ecall
  CHECK(hook.befores == hook.retired + hook.trapped);
  CHECK(hook.loads == 50);
  CHECK(hook.stores == 51);
  CHECK(hook.enters >= 30);  // once per run_until: every 100 ns quantum
}

TEST_CASE("debug_access reads and writes memory without simulated time, and new code runs after a flush") {
  Fixture f(1);
  f.ram.put(kBase, {addi(1, 0, 1), jal(0, 0)});
  RiscvCore& c = *f.cores[0];
  sc_core::sc_start(100, SC_NS);
  CHECK(c.reg(1) == 1);
  uint8_t word[4];
  REQUIRE(c.debug_access(kBase, word, 4, false));
  CHECK(word[0] == (addi(1, 0, 1) & 0xff));
  const sc_time before = c.local_time();
  const uint32_t patched = addi(1, 0, 7);
  std::memcpy(word, &patched, 4);
  REQUIRE(c.debug_access(kBase, word, 4, true));
  CHECK(c.local_time() == before);
  CHECK(!c.debug_access(0x100, word, 4, false));  // outside the RAM
  c.flush_decode_caches();
  c.set_pc(kBase);
  sc_core::sc_start(2000, SC_NS);  // past the quantum the core had run ahead into
  CHECK(c.reg(1) == 7);
}

// CV32E40P user manual, "Pipeline Details", table "Cycle counts per instruction
// type": a load or store takes 1 cycle with a zero-wait data memory (request in
// EX, data one cycle later in WB), 2 bus transactions for a word crossing a word
// boundary, +1 when the next instruction uses the loaded register. A target's
// DMI latency counts cycles from request to data, so 1 (a PULP TCDM) is the
// zero-wait case and each cycle beyond it is a wait state on every transaction.
TEST_CASE("loads and stores cost 1 cycle plus latency - 1 wait states per bus transaction") {
  // One core per latency, each on a RAM of its own (one SystemC simulation per process).
  const unsigned latencies[] = {0, 1, 2, 4};
  tlm::tlm_global_quantum::instance().set(sc_time(1000, SC_NS));
  std::vector<std::unique_ptr<TestRam>> rams;
  std::vector<std::unique_ptr<RiscvCore>> cores;
  std::vector<RiscvCore*> raw;
  for (unsigned i = 0; i < 4; ++i) {
    rams.push_back(std::make_unique<TestRam>(("ram" + std::to_string(i)).c_str()));
    TestRam& ram = *rams.back();
    ram.dmi_latency = sc_time(latencies[i], SC_NS);
    ram.put(0x2000, {5u, 6u});
    ram.put(kBase, {lui(1, 2),        // 1
                    lw(2, 1, 0),      // 1 + ws
                    addi(3, 0, 1),    // 1 (no use of x2)
                    sw(3, 1, 8),      // 1 + ws
                    lw(4, 1, 0),      // 1 + ws
                    addi(4, 4, 1),    // 1 + 1 (load-use stall)
                    lw(5, 1, 2),      // misaligned word: 2 transactions, 2 + 2 ws
                    kWfi});           // 1
    cores.push_back(std::make_unique<RiscvCore>(("core" + std::to_string(i)).c_str(), 3, i, config()));
    cores.back()->bus.bind(ram.socket);
    cores.back()->set_decode_cache(std::make_shared<DecodeCache>());
    cores.back()->reset(kBase);
    raw.push_back(cores.back().get());
  }
  CoreGroup group("group", raw);
  sc_core::sc_start(1000, SC_NS);
  for (unsigned i = 0; i < 4; ++i) {
    const RiscvCore& c = *cores[i];
    const uint64_t ws = latencies[i] > 1 ? latencies[i] - 1 : 0;
    INFO("latency " << latencies[i]);
    CHECK(c.reg(2) == 5);
    CHECK(c.reg(4) == 6);
    CHECK(c.reg(5) == 0x00060000u);
    CHECK(rams[i]->word(0x2008) == 1);
    CHECK(c.instret() == 8);
    CHECK(c.cycles() == 1 + (1 + ws) + 1 + (1 + ws) + (1 + ws) + 2 + (2 + 2 * ws) + 1);
  }
}
