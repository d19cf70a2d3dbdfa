// RiscvCore::Exchange::kDefer (the quantum exchange's local phase): a core
// stops just before each bus access as if the instruction had not begun, and
// resuming it gives the same cycles, counts, registers and memory as running
// it straight through: hazards, misaligned penalties and fetches included.
#include <catch2/catch.hpp>

#include <functional>

#include <tlm_utils/simple_initiator_socket.h>

#include "core_fixture.hpp"
#include "quantum_exchange.hpp"

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

// Registers a core may access without the bus (RiscvCore::add_local_target,
// the cluster's DMA and IMA parameters): a deferring core makes them and runs
// on, and stops only before the block's other registers; the cycles, values
// and effects are those of the same accesses through the bus.
namespace {
constexpr uint32_t kRegs = 0x20000;  // the register block, beyond the RAM

struct RegBlock {
  vp::RegisterFile file{0x100, sc_time(3, SC_NS)};
  vp::Register param{"PARAM", 0x00}, go{"GO", 0x04};
  unsigned writes = 0;
  RegBlock() {
    file.map(param).local().on_write([this](uint32_t, const sc_time&) { ++writes; });
    file.map(go);
  }
};

// Initiator i's accesses to [kRegs, kRegs + 0x100) reach block i; the rest the RAM.
struct RegRouter : sc_core::sc_module {
  tlm_utils::multi_passthrough_target_socket<RegRouter> in{"in"};
  tlm_utils::simple_initiator_socket<RegRouter> out{"out"};
  RegBlock* blocks[2] = {nullptr, nullptr};
  explicit RegRouter(sc_core::sc_module_name n) : sc_module(n) {
    in.register_b_transport(this, &RegRouter::b_transport);
    in.register_get_direct_mem_ptr(this, &RegRouter::get_dmi);
    in.register_transport_dbg(this, &RegRouter::dbg);
  }
  void b_transport(int i, tlm::tlm_generic_payload& t, sc_time& d) {
    const uint64_t a = t.get_address();
    if (a < kRegs) return out->b_transport(t, d);
    t.set_address(a - kRegs);
    blocks[i]->file.b_transport(t, d);
    t.set_address(a);
  }
  bool get_dmi(int, tlm::tlm_generic_payload& t, tlm::tlm_dmi& d) {
    return t.get_address() < kRegs && out->get_direct_mem_ptr(t, d);
  }
  unsigned dbg(int, tlm::tlm_generic_payload& t) { return out->transport_dbg(t); }
};
}  // namespace

TEST_CASE("registers reached without the bus keep a deferring core in its local phase") {
  tlm::tlm_global_quantum::instance().set(sc_time(1000, SC_NS));
  TestRam ram("ram");
  RegRouter router("router");
  router.out.bind(ram.socket);
  RegBlock blocks[2];
  router.blocks[0] = &blocks[0];
  router.blocks[1] = &blocks[1];
  // Ten times: write PARAM, read it back, add one; then write GO.
  ram.put(kBase, {lui(t0, kRegs >> 12), addi(t1, 0, 5), addi(a1, 0, 10),
                  sw(t1, t0, 0), lw(t2, t0, 0), addi(t1, t2, 1), addi(a1, a1, -1), b_type(1, a1, 0, -16),
                  sw(t1, t0, 4), kSpin});
  std::vector<std::unique_ptr<RiscvCore>> cores;
  std::vector<RiscvCore*> raw;
  for (unsigned i = 0; i < 2; ++i) {
    cores.push_back(std::make_unique<RiscvCore>(("core" + std::to_string(i)).c_str(), 3, i, config()));
    cores.back()->bus.bind(router.in);
    cores.back()->set_decode_cache(std::make_shared<DecodeCache>());
    cores.back()->reset(kBase);
    raw.push_back(cores.back().get());
  }
  CoreGroup group("group", raw);
  group.hand_over();
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  RiscvCore& local = *cores[0];   // PARAM without the bus, deferring
  RiscvCore& direct = *cores[1];  // everything through the bus
  local.add_local_target(kRegs, 0x100, &blocks[0].file);
  const sc_time until(2000, SC_NS);
  direct.run_until(until);

  unsigned deferrals = 0;
  for (int guard = 0; guard < 100 && local.local_time() < until; ++guard) {
    local.set_exchange(RiscvCore::Exchange::kDefer);
    if (local.run_until(until) != RiscvCore::StopReason::kDeferred) break;
    ++deferrals;
    local.set_exchange(RiscvCore::Exchange::kDirect);
    local.run_until(local.local_time() + sc_time(1, SC_NS));
  }
  CHECK(deferrals == 2);  // the first fetch (DMI not granted yet) and GO
  CHECK(local.bus_accesses() == 2);
  CHECK(local.local_accesses() == 20);
  CHECK(direct.local_accesses() == 0);
  CHECK(local.now_cycles() == direct.now_cycles());
  CHECK(local.instret() == direct.instret());
  for (unsigned r = 1; r < 32; ++r) CHECK(local.reg(r) == direct.reg(r));
  CHECK(blocks[0].param.get() == 14);
  CHECK(blocks[0].go.get() == 15);
  CHECK(blocks[0].writes == 10);
  CHECK(blocks[1].param.get() == 14);
  CHECK(blocks[1].go.get() == 15);
  CHECK(blocks[1].writes == 10);
}

// Pipelined rounds (QuantumExchange::join_local): group 0's core reads,
// through a window without DMI that first finishes group 1's local phase (as
// a cluster's slave port does, ClusterBus::set_join), a word that group 1's
// core writes by DMI in its local phase of the same round. The read must see
// it, as when every local phase ran before the exchange, for every number of
// host threads; without the join, group 0's exchange comes first.
namespace {
constexpr uint32_t kWindow = 0x40000;          // window onto the RAM: window + RAM address
constexpr uint32_t kOwn0 = 0x2000, kOwn1 = 0x3000;  // each core's data word (DMI)

struct JoinRouter : sc_core::sc_module {
  tlm_utils::multi_passthrough_target_socket<JoinRouter> in{"in"};
  tlm_utils::simple_initiator_socket<JoinRouter> out{"out"};
  std::function<void()> join;  // before each access through the window (null: none)
  explicit JoinRouter(sc_core::sc_module_name n) : sc_module(n) {
    in.register_b_transport(this, &JoinRouter::b_transport);
    in.register_get_direct_mem_ptr(this, &JoinRouter::get_dmi);
    in.register_transport_dbg(this, &JoinRouter::dbg);
  }
  void b_transport(int, tlm::tlm_generic_payload& t, sc_time& d) {
    const uint64_t a = t.get_address();
    if (a < kWindow) return out->b_transport(t, d);
    if (join) join();
    t.set_address(a - kWindow);
    out->b_transport(t, d);
    t.set_address(a);
    t.set_dmi_allowed(false);
  }
  bool get_dmi(int, tlm::tlm_generic_payload& t, tlm::tlm_dmi& d) {
    return t.get_address() < kWindow && out->get_direct_mem_ptr(t, d);
  }
  unsigned dbg(int, tlm::tlm_generic_payload& t) { return out->transport_dbg(t); }
};

struct JoinResult {
  uint32_t seen;
  unsigned due_joins;
  uint64_t core0_cycles, core1_instret;
};

JoinResult run_join_bench(unsigned threads, bool with_join, uint64_t batch_cycles = 0) {
  tlm::tlm_global_quantum::instance().set(sc_time(100, sc_core::SC_US));
  TestRam ram("ram");
  JoinRouter router("router");
  router.out.bind(ram.socket);
  // Both cores: a delay loop of ~1200 cycles, so that they come back to the
  // local phase after their first exchange (a stretch of 256 cycles without
  // an access); then core 0 reads core 1's word through the window, core 1 writes it.
  const std::vector<uint32_t> delay = {addi(t2, 0, 300), addi(t2, t2, -1), b_type(1, t2, 0, -4)};
  std::vector<uint32_t> p0 = delay, p1 = delay;
  p0.insert(p0.end(), {lui(a0, (kWindow + kOwn1) >> 12), lw(t0, a0, 0), lui(a1, kOwn0 >> 12), sw(t0, a1, 0), kSpin});
  p1.insert(p1.end(), {addi(t1, 0, 42), lui(a1, kOwn1 >> 12), sw(t1, a1, 0), kSpin});
  ram.put(kBase, p0);
  ram.put(kBase + 0x100, p1);
  std::vector<std::unique_ptr<RiscvCore>> cores;
  std::vector<std::unique_ptr<CoreGroup>> groups;
  for (unsigned i = 0; i < 2; ++i) {
    cores.push_back(std::make_unique<RiscvCore>(("core" + std::to_string(i)).c_str(), i, 0, config()));
    cores.back()->bus.bind(router.in);
    cores.back()->set_decode_cache(std::make_shared<DecodeCache>());  // one per cluster
    cores.back()->reset(kBase + 0x100 * i);
    groups.push_back(std::make_unique<CoreGroup>(("group" + std::to_string(i)).c_str(),
                                                 std::vector<RiscvCore*>{cores.back().get()}));
  }
  QuantumExchange x("exchange", {groups[0].get(), groups[1].get()});
  x.enable(threads, batch_cycles);
  unsigned due_joins = 0;
  if (with_join && batch_cycles)  // windowed: the slave port's flag covers posted phases too
    router.join = [&] {
      due_joins += *x.pending_flag(1);
      x.join(1);
    };
  else if (with_join)
    router.join = [&] {
      due_joins += *x.local_due_flag(1);
      x.join_local(1);
    };
  sc_core::sc_start(200, sc_core::SC_US);
  REQUIRE(!groups[0]->error());
  REQUIRE(!groups[1]->error());
  CHECK(ram.word(kOwn1) == 42);
  return {ram.word(kOwn0), due_joins, cores[0]->now_cycles(), cores[1]->instret()};
}

void check_joined(unsigned threads) {
  const JoinResult r = run_join_bench(threads, true);
  CHECK(r.seen == 42);       // group 1's local phase ran before the read
  CHECK(r.due_joins == 1);   // and it was still due when the read came
  CHECK(r.core0_cycles == 200000);
}
}  // namespace

TEST_CASE("pipelined rounds: an access into a group joins its local phase first, on 1 host thread") { check_joined(1); }
TEST_CASE("pipelined rounds: an access into a group joins its local phase first, on 2 host threads") { check_joined(2); }
TEST_CASE("pipelined rounds: an access into a group joins its local phase first, on 4 host threads") { check_joined(4); }

// Windowed (batch_cycles 100): group 1's delay loop runs in a posted phase,
// in slices, ahead of SystemC time; group 0's read through the window first
// brings that phase to the horizon, where it has written its word, whoever
// ran its slices: the same view and cycles for every number of host threads.
namespace {
void check_windowed_join(unsigned threads) {
  const JoinResult r = run_join_bench(threads, true, 100);
  CHECK(r.seen == 42);
  CHECK(r.due_joins == 1);  // posted when the read came
  CHECK(r.core0_cycles == 200000);
}
}  // namespace

TEST_CASE("windowed: an access into a group brings its posted phase to the horizon first, on 1 host thread") {
  check_windowed_join(1);
}
TEST_CASE("windowed: an access into a group brings its posted phase to the horizon first, on 2 host threads") {
  check_windowed_join(2);
}
TEST_CASE("windowed: an access into a group brings its posted phase to the horizon first, on 4 host threads") {
  check_windowed_join(4);
}

TEST_CASE("pipelined rounds: without the join, the access comes before the group's local phase") {
  const JoinResult r = run_join_bench(1, false);
  CHECK(r.seen == 0);
  CHECK(r.due_joins == 0);
}
