// Event unit: masks, buffers with event times, barrier, dispatch, SW events.
#include <catch2/catch.hpp>

#include <tlm_utils/simple_initiator_socket.h>

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
