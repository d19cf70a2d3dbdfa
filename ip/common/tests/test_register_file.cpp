// The register block: registers as named members, decoded by offset, listed by name.
#include <catch2/catch.hpp>

#include <cstring>

#include "common/register_file.hpp"

using namespace sc_core;
using vp::Register;
using vp::RegisterFile;

namespace {

struct Block {
  RegisterFile file{0x100, sc_time(2, SC_NS)};
  Register ctrl{"CTRL", 0x00, 0x5};
  Register status{"STATUS", 0x04};
  Register data{"DATA", 0x10, 0xAB};
  uint32_t written = 0;
  Block() {
    file.map(ctrl).on_write([this](uint32_t v, const sc_time&) { written = v; });
    file.map(status).read_only().on_read([](const sc_time& at) { return uint32_t(at.value() / 1000); });
    file.map(data);
  }
};

uint32_t access(RegisterFile& f, tlm::tlm_command cmd, uint32_t off, uint32_t v, tlm::tlm_response_status* st,
                sc_time* delay) {
  tlm::tlm_generic_payload tx;
  tx.set_command(cmd);
  tx.set_address(off);
  tx.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
  tx.set_data_length(4);
  tx.set_streaming_width(4);
  *delay = SC_ZERO_TIME;
  f.b_transport(tx, *delay);
  *st = tx.get_response_status();
  return v;
}

}  // namespace

TEST_CASE("registers start at their reset values and come back to them", "[register_file]") {
  Block b;
  CHECK(b.ctrl.get() == 0x5);
  CHECK(b.data.get() == 0xAB);
  b.ctrl.set(1);
  b.data.set(2);
  b.file.reset();
  CHECK(b.ctrl.get() == 0x5);
  CHECK(b.data.get() == 0xAB);
  CHECK(b.ctrl.reset_value() == 0x5);
}

TEST_CASE("accesses decode by offset, with callbacks, read-only and address errors", "[register_file]") {
  Block b;
  tlm::tlm_response_status st;
  sc_time d;
  access(b.file, tlm::TLM_WRITE_COMMAND, 0x00, 0x77, &st, &d);
  CHECK(st == tlm::TLM_OK_RESPONSE);
  CHECK(b.written == 0x77);
  CHECK(b.ctrl.get() == 0x77);
  CHECK(d == sc_time(2, SC_NS));
  access(b.file, tlm::TLM_WRITE_COMMAND, 0x04, 1, &st, &d);
  CHECK(st == tlm::TLM_COMMAND_ERROR_RESPONSE);
  CHECK(access(b.file, tlm::TLM_READ_COMMAND, 0x10, 0, &st, &d) == 0xAB);
  access(b.file, tlm::TLM_READ_COMMAND, 0x08, 0, &st, &d);
  CHECK(st == tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

TEST_CASE("a register dump lists every register by name, offset and value", "[register_file]") {
  Block b;
  b.data.set(0x1234);
  const vp::RegisterDump d = b.file.dump(sc_time(7, SC_NS));
  REQUIRE(d.size() == 3);
  CHECK(d[0].name == "CTRL");
  CHECK(d[0].value == 0x5);
  CHECK(d[1].name == "STATUS");
  CHECK(d[1].offset == 0x04);
  CHECK(d[1].value == 7);  // computed by the read callback at the dump's time
  CHECK(d[2].name == "DATA");
  CHECK(d[2].offset == 0x10);
  CHECK(d[2].value == 0x1234);
}

TEST_CASE("a misaligned, out-of-window or duplicate offset is refused when mapped", "[register_file]") {
  RegisterFile f(0x10, SC_ZERO_TIME);
  Register a{"A", 0x0}, again{"AGAIN", 0x0}, odd{"ODD", 0x2}, out{"OUT", 0x10};
  f.map(a);
  CHECK_THROWS_WITH(f.map(again), Catch::Contains("AGAIN"));
  CHECK_THROWS(f.map(odd));
  CHECK_THROWS(f.map(out));
}

TEST_CASE("a local access reaches local() registers only, as b_transport would", "[register_file]") {
  Block b;
  b.ctrl.local();
  b.status.local();
  uint32_t v = 0x1234;
  sc_time latency;
  // A local register: written with its callback, the block's latency.
  REQUIRE(b.file.local_access(true, 0x00, reinterpret_cast<uint8_t*>(&v), 4, sc_time(7, SC_NS), latency));
  CHECK(b.ctrl.get() == 0x1234);
  CHECK(b.written == 0x1234);
  CHECK(latency == sc_time(2, SC_NS));
  // Read with the access's time, as the bus path passes it.
  REQUIRE(b.file.local_access(false, 0x04, reinterpret_cast<uint8_t*>(&v), 4, sc_time(9, SC_NS), latency));
  CHECK(v == 9);
  // Refused, with nothing done: the bus answers these (a plain register, a
  // write to a read-only one, a partial word, a hole).
  v = 0x99;
  CHECK_FALSE(b.file.local_access(true, 0x10, reinterpret_cast<uint8_t*>(&v), 4, SC_ZERO_TIME, latency));
  CHECK(b.data.get() == 0xAB);
  CHECK_FALSE(b.file.local_access(true, 0x04, reinterpret_cast<uint8_t*>(&v), 4, SC_ZERO_TIME, latency));
  CHECK_FALSE(b.file.local_access(true, 0x00, reinterpret_cast<uint8_t*>(&v), 2, SC_ZERO_TIME, latency));
  CHECK_FALSE(b.file.local_access(true, 0x02, reinterpret_cast<uint8_t*>(&v), 4, SC_ZERO_TIME, latency));
  CHECK_FALSE(b.file.local_access(false, 0x80, reinterpret_cast<uint8_t*>(&v), 4, SC_ZERO_TIME, latency));
  CHECK_FALSE(b.file.local_access(false, 0x400, reinterpret_cast<uint8_t*>(&v), 4, SC_ZERO_TIME, latency));
  CHECK(b.ctrl.get() == 0x1234);
}

TEST_CASE("an exclusive() local register takes the bus while the IP's processes may run", "[register_file]") {
  Block b;
  b.ctrl.local().exclusive();
  uint32_t v = 5;
  sc_time latency;
  REQUIRE(b.file.local_access(true, 0x00, reinterpret_cast<uint8_t*>(&v), 4, SC_ZERO_TIME, latency));
  CHECK(b.ctrl.get() == 5);
  // Local phases overlapping the IP's processes (the batched exchange): refused, untouched.
  b.file.set_processes_overlap(true);
  v = 6;
  CHECK_FALSE(b.file.local_access(true, 0x00, reinterpret_cast<uint8_t*>(&v), 4, SC_ZERO_TIME, latency));
  CHECK(b.ctrl.get() == 5);
  CHECK(b.written == 5);
  b.file.set_processes_overlap(false);
  REQUIRE(b.file.local_access(true, 0x00, reinterpret_cast<uint8_t*>(&v), 4, SC_ZERO_TIME, latency));
  CHECK(b.ctrl.get() == 6);
}
