// One AXI node on its own: two child memories below, one memory above (as the root's HBM).
#include <catch2/catch.hpp>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "axi_node/axi_node.hpp"

using namespace vp;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

// A child or parent endpoint: a memory on its slave port and an initiator on its master port.
struct Endpoint : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Endpoint> master{"master"};
  tlm_utils::simple_target_socket<Endpoint> slave{"slave"};
  std::vector<uint8_t> mem = std::vector<uint8_t>(0x1000);
  uint64_t last_addr = ~0ull;
  explicit Endpoint(sc_core::sc_module_name n) : sc_module(n) {
    slave.register_b_transport(this, &Endpoint::b_transport);
    slave.register_transport_dbg(this, &Endpoint::dbg);
  }
  void b_transport(tlm::tlm_generic_payload& t, sc_time&) {
    last_addr = t.get_address();
    dbg(t);
    t.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  unsigned dbg(tlm::tlm_generic_payload& t) {
    uint8_t* p = mem.data() + t.get_address();
    if (t.is_write()) std::copy(t.get_data_ptr(), t.get_data_ptr() + t.get_data_length(), p);
    if (t.is_read()) std::copy(p, p + t.get_data_length(), t.get_data_ptr());
    return t.get_data_length();
  }
  tlm::tlm_response_status access(tlm::tlm_command cmd, uint64_t addr, std::vector<uint8_t>& data, sc_time& delay) {
    tlm::tlm_generic_payload t;
    t.set_command(cmd);
    t.set_address(addr);
    t.set_data_ptr(data.data());
    t.set_data_length(unsigned(data.size()));
    t.set_streaming_width(unsigned(data.size()));
    master->b_transport(t, delay);
    CHECK(t.get_address() == addr);  // the node restores the address it translated
    return t.get_response_status();
  }
};

// Node with width 32 bytes, latency 3 cycles; child c owns [0x1000*(c+1), +0x1000),
// the parent port only [0x8000, +0x1000).
struct Rig {
  AxiNode node;
  Endpoint c0{"c0"}, c1{"c1"}, up{"up"};
  static AxiNode::Params params(bool serialized = false, bool half_duplex = false) {
    AxiNode::Params p;
    p.serialized = serialized;
    p.half_duplex = half_duplex;
    p.children = 2;
    p.width_bytes = 32;
    p.latency_cycles = 3;
    p.cycle = sc_time(1, SC_NS);
    p.owns_parent_link = true;
    return p;
  }
  explicit Rig(bool serialized = false, bool half_duplex = false) : node("node", params(serialized, half_duplex)) {
    node.set_child_route(0, {0x1000, 0x1000, true});
    node.set_child_route(1, {0x2000, 0x1000, true});
    node.set_parent_route({0x8000, 0x1000, true});
    Endpoint* kids[] = {&c0, &c1};
    for (int c = 0; c < 2; ++c) {
      kids[c]->master.bind(node.child_in(c));
      node.child_out(c).bind(kids[c]->slave);
    }
    node.parent_out.bind(up.slave);
    up.master.bind(node.parent_in);
  }
};

}  // namespace

TEST_CASE("decode: children's windows, the parent's window, translation, errors", "[axi_node]") {
  Rig r;
  std::vector<uint8_t> d = {1, 2, 3, 4};
  sc_time t;
  CHECK(r.c0.access(tlm::TLM_WRITE_COMMAND, 0x2010, d, t) == tlm::TLM_OK_RESPONSE);
  CHECK(r.c1.last_addr == 0x10);
  CHECK(r.c1.mem[0x13] == 4);
  CHECK(r.c0.access(tlm::TLM_WRITE_COMMAND, 0x8020, d, t) == tlm::TLM_OK_RESPONSE);
  CHECK(r.up.last_addr == 0x20);
  CHECK(r.up.access(tlm::TLM_READ_COMMAND, 0x1010, d, t) == tlm::TLM_OK_RESPONSE);  // from the parent
  CHECK(r.c0.last_addr == 0x10);
  // A child reaching itself through the node arrives on its slave port.
  CHECK(r.c1.access(tlm::TLM_READ_COMMAND, 0x2010, d, t) == tlm::TLM_OK_RESPONSE);
  CHECK(d == std::vector<uint8_t>{1, 2, 3, 4});
  CHECK(r.c0.access(tlm::TLM_READ_COMMAND, 0x4000, d, t) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(r.up.access(tlm::TLM_READ_COMMAND, 0x8000, d, t) == tlm::TLM_ADDRESS_ERROR_RESPONSE);  // would bounce back up
  CHECK(r.node.stats().decode_errors == 2);
}

TEST_CASE("timing: latency once, serialization by width, read and write channels apart", "[axi_node]") {
  Rig r;
  std::vector<uint8_t> d(100);  // 100 bytes on a 32-byte link: 4 beats
  sc_time t1(10, SC_NS), t2(10, SC_NS), t3(10, SC_NS), t4(10, SC_NS);
  r.c0.access(tlm::TLM_WRITE_COMMAND, 0x2000, d, t1);
  CHECK(t1 == sc_time(10 + 3 + 4, SC_NS));
  // Same time, same direction into c1 (from c0 again): both links busy until 14 and 17.
  r.c0.access(tlm::TLM_WRITE_COMMAND, 0x2000, d, t2);
  CHECK(t2 == sc_time(10 + 4 + 3 + 4, SC_NS));
  // A read over the same links at the same time uses the read-data channels: no wait.
  r.c0.access(tlm::TLM_READ_COMMAND, 0x2000, d, t3);
  CHECK(t3 == sc_time(10 + 3 + 4, SC_NS));
  // A write from c1 to c0 uses the other direction of every link: no wait either.
  r.c1.access(tlm::TLM_WRITE_COMMAND, 0x1000, d, t4);
  CHECK(t4 == sc_time(10 + 3 + 4, SC_NS));
  CHECK(r.node.stats().contention == sc_time(4, SC_NS));
}

// Serialized mode, by hand (width 32, latency 3, 100 bytes = 4 beats, so a port is held 7
// cycles per burst): a burst that finds its ports free costs what it costs pipelined; one
// that queues waits for the holder's latency + duration, then pays its own latency.
TEST_CASE("serialized: one port, a second burst waits for the first's latency and duration", "[axi_node][serialized]") {
  Rig r(true);
  std::vector<uint8_t> d(100);
  sc_time t1(10, SC_NS), t2(10, SC_NS), t3(10, SC_NS), t4(10, SC_NS);
  r.c0.access(tlm::TLM_WRITE_COMMAND, 0x2000, d, t1);
  CHECK(t1 == sc_time(10 + 3 + 4, SC_NS));  // both child links held [10, 17)
  // Same ports, same channel: waits until 17, holds them [17, 24), leaves at 20, last byte 24.
  r.c0.access(tlm::TLM_WRITE_COMMAND, 0x2000, d, t2);
  CHECK(t2 == sc_time(24, SC_NS));  // pipelined: 21 (the test above)
  // A read over the same links uses the read-data channels (full duplex): no wait; its
  // latency is paid on the way back.
  r.c0.access(tlm::TLM_READ_COMMAND, 0x2000, d, t3);
  CHECK(t3 == sc_time(10 + 3 + 4, SC_NS));
  // The other direction of every link is another port pair: no wait either.
  r.c1.access(tlm::TLM_WRITE_COMMAND, 0x1000, d, t4);
  CHECK(t4 == sc_time(10 + 3 + 4, SC_NS));
  CHECK(r.node.stats().contention == sc_time(7, SC_NS));  // the second write, on c0's link
  // Later, once the ports are free again, a burst pays only its latency and duration.
  sc_time t5(100, SC_NS);
  r.c0.access(tlm::TLM_WRITE_COMMAND, 0x2000, d, t5);
  CHECK(t5 == sc_time(100 + 3 + 4, SC_NS));
}

TEST_CASE("serialized: two masters contend for one output, writes and reads", "[axi_node][serialized]") {
  // c0 and c1 both reach the parent at 10: their own links are free, the parent link is shared.
  auto second = [](bool serialized, tlm::tlm_command cmd) {
    Rig r(serialized);
    std::vector<uint8_t> d(100);
    sc_time a(10, SC_NS), b(10, SC_NS);
    r.c0.access(cmd, 0x8000, d, a);
    r.c1.access(cmd, 0x8000, d, b);
    CHECK(a == sc_time(17, SC_NS));  // alone: latency + 4 beats in either mode
    return b;
  };
  // Pipelined: the parent link carries the first burst [13, 17), the second [17, 21).
  CHECK(second(false, tlm::TLM_WRITE_COMMAND) == sc_time(21, SC_NS));
  CHECK(second(false, tlm::TLM_READ_COMMAND) == sc_time(21, SC_NS));
  // Serialized: the first holds the parent link [10, 17), the second [17, 24).
  CHECK(second(true, tlm::TLM_WRITE_COMMAND) == sc_time(24, SC_NS));
  CHECK(second(true, tlm::TLM_READ_COMMAND) == sc_time(24, SC_NS));
}

TEST_CASE("half duplex: reads and writes of one port share its calendar", "[axi_node][duplex]") {
  std::vector<uint8_t> d(100);
  SECTION("pipelined") {
    Rig r(false, true);
    sc_time w1(10, SC_NS), w2(10, SC_NS), rd(10, SC_NS);
    r.c0.access(tlm::TLM_WRITE_COMMAND, 0x2000, d, w1);
    r.c0.access(tlm::TLM_WRITE_COMMAND, 0x2000, d, w2);
    CHECK(w2 == sc_time(21, SC_NS));
    // The read's data comes back from 13 but c1's link carries write data [13, 21): [21, 25).
    r.c0.access(tlm::TLM_READ_COMMAND, 0x2000, d, rd);
    CHECK(rd == sc_time(25, SC_NS));  // full duplex: 17
  }
  SECTION("serialized") {
    Rig r(true, true);
    sc_time w1(10, SC_NS), w2(10, SC_NS), rd(10, SC_NS);
    r.c0.access(tlm::TLM_WRITE_COMMAND, 0x2000, d, w1);
    r.c0.access(tlm::TLM_WRITE_COMMAND, 0x2000, d, w2);
    CHECK(w2 == sc_time(24, SC_NS));
    r.c0.access(tlm::TLM_READ_COMMAND, 0x2000, d, rd);
    CHECK(rd == sc_time(31, SC_NS));  // both links held by the writes until 24, then [24, 31)
  }
  SECTION("the two directions of a link stay apart") {
    Rig r(false, true);
    sc_time w(10, SC_NS), back(10, SC_NS);
    r.c0.access(tlm::TLM_WRITE_COMMAND, 0x2000, d, w);
    r.c1.access(tlm::TLM_WRITE_COMMAND, 0x1000, d, back);
    CHECK(back == sc_time(17, SC_NS));
  }
}

TEST_CASE("DMI is refused through the node, debug transport passes", "[axi_node]") {
  Rig r;
  tlm::tlm_generic_payload t;
  tlm::tlm_dmi dmi;
  t.set_address(0x2000);
  t.set_command(tlm::TLM_READ_COMMAND);
  CHECK_FALSE(r.c0.master->get_direct_mem_ptr(t, dmi));
  CHECK(dmi.get_granted_access() == tlm::tlm_dmi::DMI_ACCESS_NONE);
  r.c1.mem[0x40] = 77;
  uint8_t b = 0;
  t.set_address(0x2040);
  t.set_data_ptr(&b);
  t.set_data_length(1);
  CHECK(r.c0.master->transport_dbg(t) == 1);
  CHECK(b == 77);
  t.set_address(0x9000);
  CHECK(r.c0.master->transport_dbg(t) == 0);
}

TEST_CASE("busy calendar: in order, gaps filled out of order, merging, tails, forgetting", "[axi_node][calendar]") {
  BusyCalendar c;
  uint64_t tail = 0;
  CHECK(c.book(100, 10, tail = 100, 0) == 100);  // [100, 110)
  CHECK(tail == 110);
  CHECK(c.book(100, 10, tail = 100, 0) == 110);  // queued behind: [110, 120), merged
  CHECK(c.intervals() == 1);
  CHECK(c.book(50, 10, tail = 50, 0) == 50);     // earlier, booked later: takes the gap
  CHECK(c.book(55, 45, tail = 55, 0) == 120);    // does not fit in [60, 100): after the rest
  CHECK(c.book(60, 40, tail = 60, 0) == 60);     // fits exactly in [60, 100): all merge
  CHECK(c.intervals() == 1);
  CHECK(c.book(0, 5, tail = 30, 0) == 0);        // data arriving until 30 holds [0, 30)
  CHECK(tail == 30);
  CHECK(c.book(0, 5, tail = 0, 0) == 30);        // next free gap is [30, 50)
  CHECK(c.book(0, 0, tail = 0, 0) == 35);        // no data: waits for a gap, books nothing
  CHECK(c.intervals() == 2);                     // [0, 35) and [50, 165)
  CHECK(c.book(200, 1, tail = 200, 40) == 200);  // at time 40, [0, 35) is forgotten
  CHECK(c.intervals() == 2);
}

TEST_CASE("busy calendar: a fragmented calendar stays bounded by filling its smallest gaps", "[axi_node][calendar]") {
  BusyCalendar c;
  uint64_t tail = 0;
  // Bookings of 2 every 10 (gaps of 8), except one gap of 3 after the fifth.
  for (uint64_t k = 0; k < 30; ++k) {
    uint64_t at = k * 10 + (k >= 5 ? 5 : 0) - (k == 5 ? 10 : 0);
    c.book(at, 2, tail = at, 0);
  }
  CHECK(c.intervals() == BusyCalendar::kMaxIntervals);
  // The 3-cycle gap [42, 45) was the smallest and was filled first: a 1-cycle access waits.
  CHECK(c.book(42, 1, tail = 42, 0) == 47);
}
