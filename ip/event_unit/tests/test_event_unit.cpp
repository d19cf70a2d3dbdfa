// Event unit: masks, buffers with event times, barrier, dispatch, SW events.
#include <catch2/catch.hpp>

#include <random>
#include <set>

#include <tlm_utils/simple_initiator_socket.h>

#include "common/event_load_extension.hpp"
#include "event_unit.hpp"

using namespace sc_core;
using vp::EventUnit;

namespace {

// Issues register accesses at chosen simulated times (as cores would, with an
// annotated local-time offset).
struct Bus : sc_module {
  tlm_utils::simple_initiator_socket<Bus> socket{"socket"};
  explicit Bus(sc_module_name n) : sc_module(n) {}
  uint32_t access(bool write, uint32_t addr, uint32_t value, sc_time local) {
    tlm::tlm_generic_payload t;
    t.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    t.set_address(addr);
    t.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
    t.set_data_length(4);
    t.set_streaming_width(4);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    socket->b_transport(t, local);
    REQUIRE(t.get_response_status() == tlm::TLM_OK_RESPONSE);
    return value;
  }
  // A cv.elw read: false when the event unit holds it back (nothing to return yet).
  bool event_load(uint32_t addr, uint32_t& value, sc_time local) {
    tlm::tlm_generic_payload t;
    vp::EventLoadExtension ev;
    ev.event_load = true;
    t.set_extension(&ev);
    value = 0xdeadbeef;
    t.set_command(tlm::TLM_READ_COMMAND);
    t.set_address(addr);
    t.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
    t.set_data_length(4);
    t.set_streaming_width(4);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    socket->b_transport(t, local);
    t.clear_extension(&ev);
    REQUIRE(t.get_response_status() == tlm::TLM_OK_RESPONSE);
    return !ev.not_ready;
  }
  void wr(uint32_t a, uint32_t v, sc_time local = SC_ZERO_TIME) { access(true, a, v, local); }
  uint32_t rd(uint32_t a, sc_time local = SC_ZERO_TIME) { return access(false, a, 0, local); }
};

// Params filled by hand (no platform YAML): 16 cores, 1-cycle accesses and a
// 2-cycle barrier at 1 GHz.
vp::EventUnitParams params() {
  vp::EventUnitParams p;
  p.cores = 16;
  p.access_latency = sc_time(1, SC_NS);
  p.barrier_latency = sc_time(2, SC_NS);
  return p;
}

struct Fixture {
  EventUnit eu{"eu", params()};
  Bus bus{"bus"};
  struct Edge { unsigned core; bool level; sc_time at; };
  std::vector<Edge> edges;
  Fixture() {
    bus.socket.bind(eu.socket);
    eu.on_core_line = [this](unsigned c, bool l, sc_time at) { edges.push_back({c, l, at}); };
  }
  const sc_time ns = sc_time(1, SC_NS);
};

}  // namespace

TEST_CASE("a masked event raises the core's line from the event's time", "[event_unit]") {
  Fixture f;
  f.bus.wr(EU_CORE_BASE(3) + EU_MASK, 1u << EU_LINE_DMA(0));
  f.eu.trigger_line(EU_LINE_DMA(0), 500 * f.ns);
  REQUIRE(f.edges.size() == 1);
  CHECK(f.edges[0].core == 3);
  CHECK(f.edges[0].level);
  CHECK(f.edges[0].at == 500 * f.ns);
  // A core reading before the event happens does not see it.
  CHECK(f.bus.rd(EU_CORE_BASE(3) + EU_BUFFER, 100 * f.ns) == 0);
  CHECK(f.bus.rd(EU_CORE_BASE(3) + EU_BUFFER, 600 * f.ns) == 1u << EU_LINE_DMA(0));
  // Other cores have it in their buffer but unmasked: no line.
  CHECK(f.bus.rd(EU_CORE_BASE(5) + EU_BUFFER_MASKED, 600 * f.ns) == 0);
  // Clearing lowers the line.
  f.bus.wr(EU_CORE_BASE(3) + EU_BUFFER_CLEAR, 1u << EU_LINE_DMA(0), 700 * f.ns);
  REQUIRE(f.edges.size() == 2);
  CHECK_FALSE(f.edges[1].level);
  CHECK(f.bus.rd(EU_CORE_BASE(3) + EU_BUFFER, 800 * f.ns) == 0);
}

TEST_CASE("clearing before a future event leaves the event pending", "[event_unit]") {
  Fixture f;
  f.bus.wr(EU_CORE_BASE(0) + EU_MASK, 1u << EU_LINE_IMA_DONE);
  f.eu.trigger_line(EU_LINE_IMA_DONE, 1000 * f.ns);
  f.bus.wr(EU_CORE_BASE(0) + EU_BUFFER_CLEAR, 0xFFFFFFFF, 10 * f.ns);
  CHECK(f.bus.rd(EU_CORE_BASE(0) + EU_BUFFER, 1100 * f.ns) == 1u << EU_LINE_IMA_DONE);
}

TEST_CASE("clearing a visible occurrence keeps a later one of the same line", "[event_unit]") {
  // A stale DMA completion is still pending when the DMA announces the next
  // one for later; the core clears what it sees and must still be woken.
  Fixture f;
  f.bus.wr(EU_CORE_BASE(0) + EU_MASK, 1u << EU_LINE_DMA(0));
  f.eu.trigger_line(EU_LINE_DMA(0), 100 * f.ns);
  f.eu.trigger_line(EU_LINE_DMA(0), 900 * f.ns);
  f.bus.wr(EU_CORE_BASE(0) + EU_BUFFER_CLEAR, 1u << EU_LINE_DMA(0), 200 * f.ns);
  CHECK(f.bus.rd(EU_CORE_BASE(0) + EU_BUFFER, 300 * f.ns) == 0);
  CHECK(f.bus.rd(EU_CORE_BASE(0) + EU_BUFFER, 950 * f.ns) == 1u << EU_LINE_DMA(0));
  REQUIRE(!f.edges.empty());
  CHECK(f.edges.back().level);
  CHECK(f.edges.back().at == 900 * f.ns);
}

TEST_CASE("16-core barrier releases at the last arrival plus latency, in any order", "[event_unit]") {
  Fixture f;
  const sc_time cycle = f.ns;  // cluster-1 runs at 1 GHz
  for (unsigned c = 0; c < 16; ++c) f.bus.wr(EU_CORE_BASE(c) + EU_MASK, 1u << EU_LINE_BARRIER);
  for (int round = 0; round < 3; ++round) {
    f.edges.clear();
    // Arrivals in simulation order 15..0 at times that do not follow that order.
    sc_time latest;
    for (int c = 15; c >= 0; --c) {
      sc_time t = (1000 * round + 37 * ((c * 7) % 16)) * f.ns;
      latest = std::max(latest, t + cycle /* access latency */);
      CHECK(f.edges.empty());
      f.bus.wr(EU_CORE_BASE(c) + EU_BARRIER_ARRIVE, 1, t);
    }
    REQUIRE(f.edges.size() == 16);
    for (auto& e : f.edges) {
      CHECK(e.level);
      CHECK(e.at == latest + 2 * cycle);  // barrier_latency_cycles = 2
    }
    for (unsigned c = 0; c < 16; ++c)
      f.bus.wr(EU_CORE_BASE(c) + EU_BUFFER_CLEAR, 1u << EU_LINE_BARRIER, latest + 10 * cycle);
  }
  CHECK(f.eu.barriers_completed() == 3);
}

TEST_CASE("barrier mask selects the participants", "[event_unit]") {
  Fixture f;
  f.bus.wr(EU_BARRIER_MASK, 0x5);
  f.bus.wr(EU_CORE_BASE(0) + EU_BARRIER_ARRIVE, 1);
  CHECK(f.eu.barriers_completed() == 0);
  f.bus.wr(EU_CORE_BASE(2) + EU_BARRIER_ARRIVE, 1);
  CHECK(f.eu.barriers_completed() == 1);
  CHECK(f.eu.buffer(0, sc_max_time()) == 1u << EU_LINE_BARRIER);
  CHECK(f.eu.buffer(1, sc_max_time()) == 0);
}

TEST_CASE("dispatch queues values to the worker cores", "[event_unit]") {
  Fixture f;
  CHECK(f.bus.rd(EU_NUM_CORES) == 16);
  f.bus.wr(EU_DISPATCH_PUSH, 0x1234);
  f.bus.wr(EU_DISPATCH_PUSH, 0x5678);
  CHECK(f.bus.rd(EU_CORE_BASE(0) + EU_DISPATCH_POP) == 0);  // core 0 is not in the reset mask
  for (unsigned c = 1; c < 16; ++c) {
    CHECK(f.bus.rd(EU_CORE_BASE(c) + EU_DISPATCH_POP, 5 * f.ns) == 0x1234);
    CHECK(f.bus.rd(EU_CORE_BASE(c) + EU_DISPATCH_POP, 5 * f.ns) == 0x5678);
    CHECK(f.bus.rd(EU_CORE_BASE(c) + EU_DISPATCH_POP, 5 * f.ns) == 0);
    CHECK((f.eu.buffer(c, sc_max_time()) >> EU_LINE_DISPATCH & 1) == 0);
  }
}

TEST_CASE("software events reach the cores of the mask", "[event_unit]") {
  Fixture f;
  f.bus.wr(EU_CORE_BASE(7) + EU_MASK, 1u << EU_LINE_SW(3));
  f.bus.wr(EU_SW_TRIGGER(3), (1u << 7) | (1u << 9), 40 * f.ns);
  CHECK(f.eu.buffer(7, sc_max_time()) == 1u << EU_LINE_SW(3));
  CHECK(f.eu.buffer(9, sc_max_time()) == 1u << EU_LINE_SW(3));
  CHECK(f.eu.buffer(8, sc_max_time()) == 0);
  REQUIRE(f.edges.size() == 1);
  CHECK(f.edges[0].at == 41 * f.ns);
}

TEST_CASE("bad accesses get an address error", "[event_unit]") {
  Fixture f;
  tlm::tlm_generic_payload t;
  uint16_t v = 0;
  t.set_command(tlm::TLM_READ_COMMAND);
  t.set_address(0x2);
  t.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
  t.set_data_length(2);
  sc_time d;
  f.bus.socket->b_transport(t, d);
  CHECK(t.get_response_status() == tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

// EVENT_WAIT(_CLEAR): PULP's load-to-sleep registers, read with cv.elw. Values
// by hand: core 2 masks DMA0 (bit 16) and SW3 (bit 3); the register access
// takes 1 ns, so a read issued at t sees the buffer at t + 1 ns.
TEST_CASE("an event load of EVENT_WAIT is held until BUFFER & MASK is non-zero", "[event_unit][elw]") {
  Fixture f;
  const uint32_t wait = EU_CORE_BASE(2) + EU_EVENT_WAIT;
  f.bus.wr(EU_CORE_BASE(2) + EU_MASK, (1u << 16) | (1u << 3));
  uint32_t v = 0;
  // Nothing pending: held, no side effect, the value untouched.
  CHECK_FALSE(f.bus.event_load(wait, v, 10 * f.ns));
  CHECK(v == 0xdeadbeef);
  CHECK(f.eu.held_loads() == 1);
  // An unmasked line (SW5) does not complete it.
  f.bus.wr(EU_SW_TRIGGER(5), 1u << 2, 20 * f.ns);
  CHECK_FALSE(f.bus.event_load(wait, v, 30 * f.ns));
  // DMA0 at 500 ns: held at 498 ns (seen at 499), returned at 499 ns (seen at 500).
  f.eu.trigger_line(EU_LINE_DMA(0), 500 * f.ns);
  CHECK_FALSE(f.bus.event_load(wait, v, 498 * f.ns));
  REQUIRE(f.bus.event_load(wait, v, 499 * f.ns));
  CHECK(v == 0x00010000);  // BUFFER & MASK, not SW5
  // EVENT_WAIT does not clear: the line stays high and the next read returns at once.
  CHECK(f.edges.back().level);
  REQUIRE(f.bus.event_load(wait, v, 600 * f.ns));
  CHECK(v == 0x00010000);
  CHECK(f.bus.rd(EU_CORE_BASE(2) + EU_BUFFER, 600 * f.ns) == 0x00010020);
  CHECK(f.eu.held_loads() == 3);
}

TEST_CASE("EVENT_WAIT_CLEAR returns the masked events and clears only those", "[event_unit][elw]") {
  Fixture f;
  const uint32_t wait_clear = EU_CORE_BASE(2) + EU_EVENT_WAIT_CLEAR;
  f.bus.wr(EU_CORE_BASE(2) + EU_MASK, (1u << 16) | (1u << 3));
  // Already pending before the read: SW3 and SW5 at 100 ns, DMA0 at 200 ns, DMA0 again at 900 ns.
  f.bus.wr(EU_SW_TRIGGER(3), 1u << 2, 99 * f.ns);   // written at 99, happens at 100
  f.bus.wr(EU_SW_TRIGGER(5), 1u << 2, 99 * f.ns);
  f.eu.trigger_line(EU_LINE_DMA(0), 200 * f.ns);
  f.eu.trigger_line(EU_LINE_DMA(0), 900 * f.ns);
  uint32_t v = 0;
  REQUIRE(f.bus.event_load(wait_clear, v, 300 * f.ns));
  CHECK(v == 0x00010008);  // DMA0 | SW3
  // SW5 (unmasked) stays; DMA0's later occurrence stays, so the line now rises at 900 ns.
  CHECK(f.bus.rd(EU_CORE_BASE(2) + EU_BUFFER, 400 * f.ns) == 0x00000020);
  CHECK(f.edges.back().level);
  CHECK(f.edges.back().at == 900 * f.ns);
  CHECK_FALSE(f.bus.event_load(wait_clear, v, 800 * f.ns));
  REQUIRE(f.bus.event_load(wait_clear, v, 899 * f.ns));
  CHECK(v == 0x00010000);
  CHECK(f.eu.held_loads() == 1);
}

TEST_CASE("a plain load of the wait registers does not wait, a debug read has no side effect", "[event_unit][elw]") {
  Fixture f;
  f.bus.wr(EU_CORE_BASE(1) + EU_MASK, 1u << 8);
  CHECK(f.bus.rd(EU_CORE_BASE(1) + EU_EVENT_WAIT_CLEAR, 10 * f.ns) == 0);
  f.bus.wr(EU_SW_TRIGGER(0), 0xFFFF, 10 * f.ns);  // SW0, unmasked
  f.bus.wr(EU_CORE_BASE(1) + EU_MASK_SET, 1u << 0, 20 * f.ns);
  // Debug read: the value, nothing cleared.
  uint32_t v = 0;
  tlm::tlm_generic_payload t;
  t.set_command(tlm::TLM_READ_COMMAND);
  t.set_address(EU_CORE_BASE(1) + EU_EVENT_WAIT_CLEAR);
  t.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
  t.set_data_length(4);
  CHECK(f.bus.socket->transport_dbg(t) == 4);
  CHECK(v == 1);
  CHECK(f.bus.rd(EU_CORE_BASE(1) + EU_BUFFER, 30 * f.ns) == 1);
  // Plain read: returns and clears.
  CHECK(f.bus.rd(EU_CORE_BASE(1) + EU_EVENT_WAIT_CLEAR, 30 * f.ns) == 1);
  CHECK(f.bus.rd(EU_CORE_BASE(1) + EU_BUFFER, 40 * f.ns) == 0);
  CHECK(f.eu.held_loads() == 0);
}

TEST_CASE("a line's occurrence list keeps the times of a sorted set through adds and clears", "[event_unit]") {
  // The inline-first list (occurrences.hpp) against std::set: in-order and
  // out-of-order adds, duplicates, clears of none, some and all.
  std::mt19937 rng(20);
  vp::Occurrences occ;
  std::set<uint64_t> ref;
  for (int step = 0; step < 20000; ++step) {
    const uint64_t t = rng() % 64;
    if (rng() % 3) {
      occ.add(sc_time::from_value(t));
      ref.insert(t);
    } else {
      occ.clear_until(sc_time::from_value(t));
      ref.erase(ref.begin(), ref.upper_bound(t));
    }
    REQUIRE(occ.empty() == ref.empty());
    if (!ref.empty()) REQUIRE(occ.front().value() == *ref.begin());
  }
  // Draining in order sees every time once, ascending.
  while (!ref.empty()) {
    REQUIRE(occ.front().value() == *ref.begin());
    occ.clear_until(occ.front());
    ref.erase(ref.begin());
    REQUIRE(occ.empty() == ref.empty());
  }
}

TEST_CASE("a line's occurrence list forgets nothing a clear at or after the horizon could tell apart", "[event_unit]") {
  // With a rising horizon (SystemC time in the event unit) and clears never
  // before it, the trimmed list and a full sorted set agree on what is
  // visible (empty, the earliest) after every step; the list stays short.
  std::mt19937 rng(21);
  vp::Occurrences occ;
  std::set<uint64_t> ref;
  uint64_t horizon = 0;
  for (int step = 0; step < 20000; ++step) {
    horizon += rng() % 3;
    const uint64_t t = horizon + rng() % 8;  // events are raised at or after SystemC time
    switch (rng() % 5) {
      case 0: {
        const uint64_t at = horizon + rng() % 4;
        occ.clear_until(sc_time::from_value(at));
        ref.erase(ref.begin(), ref.upper_bound(at));
        break;
      }
      default:
        occ.add(sc_time::from_value(t), sc_time::from_value(horizon));
        ref.insert(t);
    }
    REQUIRE(occ.empty() == ref.empty());
    if (!ref.empty()) REQUIRE(occ.front().value() == *ref.begin());
  }
  // A line nobody clears keeps a few entries, not one per event: raised
  // behind the horizon (the IMA's), or ahead of it (a DMA's).
  for (uint64_t ahead : {0, 25}) {
    vp::Occurrences never;
    for (uint64_t t = 0; t < 100000; t += 10) never.add(sc_time::from_value(t + ahead), sc_time::from_value(t));
    CHECK(never.front().value() == ahead);
    CHECK(never.size() <= 12);
  }
}
