// RiscvCore::Exchange::kDefer (the quantum exchange's local phase): a core
// stops just before each bus access as if the instruction had not begun, and
// resuming it gives the same cycles, counts, registers and memory as running
// it straight through: hazards, misaligned penalties and fetches included.
#include <catch2/catch.hpp>

#include "core_fixture.hpp"

namespace {
uint32_t b_type(uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t off) {
  const uint32_t o = uint32_t(off);
  return (((o >> 12) & 1) << 31) | (((o >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
         (((o >> 1) & 0xf) << 8) | (((o >> 11) & 1) << 7) | 0x63;
}
constexpr uint32_t a0 = 10, a1 = 11, t0 = 5, t1 = 6, t2 = 7;
}  // namespace

TEST_CASE("a deferred bus access resumes with the same cycles as a direct one") {
  Fixture f(2);
  f.group->hand_over();  // the test runs the cores itself
  sc_core::sc_start(sc_core::SC_ZERO_TIME);  // elaborated: sockets bound
  f.ram.dmi = false;  // every fetch, load and store goes through the bus
  f.ram.put(kBase, {addi(a1, 0, 20),
                    lw(t0, a0, 0),  // loop: a pointer
                    lw(t1, t0, 0),  // load-use hazard on t0, charged before the deferral
                    addi(t1, t1, 1),
                    sw(t1, t0, 0),
                    lw(t2, a0, 2),  // misaligned: its penalty is charged again on resume
                    addi(a1, a1, -1),
                    b_type(1, a1, 0, -24),  // bne a1, x0, loop
                    kSpin});
  for (uint32_t base : {0x2000u, 0x3000u}) f.ram.put(base, {base + 8, 0, 100});
  RiscvCore& direct = *f.cores[0];
  RiscvCore& deferred = *f.cores[1];
  direct.set_reg(a0, 0x2000);
  deferred.set_reg(a0, 0x3000);
  const sc_time until(5000, SC_NS);
  direct.run_until(until);

  unsigned deferrals = 0;
  for (int guard = 0; guard < 100000 && deferred.local_time() < until; ++guard) {
    deferred.set_exchange(RiscvCore::Exchange::kDefer);
    const uint64_t cycles = deferred.now_cycles(), retired = deferred.instret();
    if (deferred.run_until(until) != RiscvCore::StopReason::kDeferred) break;
    ++deferrals;
    // Stopped before its access: nothing of the instruction is done yet.
    CHECK(deferred.deferred());
    CHECK(deferred.now_cycles() >= cycles);
    CHECK(deferred.instret() >= retired);
    deferred.set_exchange(RiscvCore::Exchange::kDirect);
    deferred.run_until(deferred.local_time() + sc_time(1, SC_NS));  // the access, on to the next jump
  }
  CHECK(deferrals >= 20);  // one per iteration at least
  deferred.set_exchange(RiscvCore::Exchange::kDirect);
  deferred.run_until(until);
  CHECK(deferred.now_cycles() == direct.now_cycles());
  CHECK(deferred.instret() == direct.instret());
  CHECK(deferred.pc() == direct.pc());
  for (unsigned r = 1; r < 32; ++r)
    if (r != a0 && r != t0) CHECK(deferred.reg(r) == direct.reg(r));
  CHECK(deferred.reg(t0) == direct.reg(t0) + 0x1000);
  CHECK(f.ram.word(0x2008) == 120);
  CHECK(f.ram.word(0x3008) == 120);
}

TEST_CASE("a core that defers makes no bus access") {
  Fixture f(1);
  f.group->hand_over();
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  f.ram.dmi = false;
  f.ram.put(kBase, {lw(t0, 0, 0x100), kSpin});
  RiscvCore& c = *f.cores[0];
  c.set_exchange(RiscvCore::Exchange::kDefer);
  const unsigned before = f.ram.transports;
  CHECK(c.run_until(sc_time(100, SC_NS)) == RiscvCore::StopReason::kDeferred);  // the first fetch
  CHECK(f.ram.transports == before);
  CHECK(c.instret() == 0);
  CHECK(c.bus_accesses() == 0);
  c.set_exchange(RiscvCore::Exchange::kDirect);
  c.run_until(sc_time(100, SC_NS));
  CHECK(c.bus_accesses() > 0);
  CHECK(f.ram.transports > before);
}
