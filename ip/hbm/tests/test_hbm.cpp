// The HBM controller alone: sparse backing, load-time API, TLM access, timing.
#include <catch2/catch.hpp>

#include <tlm_utils/simple_initiator_socket.h>

#include "hbm/hbm_controller.hpp"

using namespace vp;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

constexpr uint64_t kSize = 1536ull << 20;  // Table I: 1.5 GB

struct Initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Initiator> socket{"socket"};
  explicit Initiator(sc_core::sc_module_name n) : sc_module(n) {}
  // One access at SystemC time + `at`; returns the completion delay.
  tlm::tlm_response_status access(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, unsigned len, sc_time& delay,
                                  const uint8_t* be = nullptr, unsigned be_len = 0) {
    tlm::tlm_generic_payload t;
    t.set_command(cmd);
    t.set_address(addr);
    t.set_data_ptr(data);
    t.set_data_length(len);
    t.set_streaming_width(len);
    t.set_byte_enable_ptr(const_cast<uint8_t*>(be));
    t.set_byte_enable_length(be_len);
    socket->b_transport(t, delay);
    return t.get_response_status();
  }
};

HbmController::Params params(unsigned latency = 0, unsigned bw = 256) {
  HbmController::Params p;
  p.size = kSize;
  p.latency_cycles = latency;
  p.bandwidth_bytes_per_cycle = bw;
  p.cycle = sc_time(1, SC_NS);
  return p;
}

}  // namespace

TEST_CASE("a 1.5 GB HBM allocates only the pages that are written", "[hbm]") {
  HbmController hbm("hbm", params());
  CHECK(hbm.allocated_bytes() == 0);
  std::vector<uint8_t> out(64, 0xAA);
  hbm.read(kSize - 64, out.data(), out.size());  // untouched: zeros, and no allocation
  CHECK(out == std::vector<uint8_t>(64, 0));
  CHECK(hbm.allocated_bytes() == 0);
  const uint8_t data[] = {1, 2, 3, 4, 5, 6, 7, 8};
  hbm.write(kSize - 4, data, 4);             // last page
  hbm.write(HbmController::kPageBytes - 4, data, 8);  // straddles pages 0 and 1
  CHECK(hbm.allocated_bytes() == 3 * HbmController::kPageBytes);
  uint8_t back[8] = {};
  hbm.read(HbmController::kPageBytes - 4, back, 8);
  CHECK(std::equal(back, back + 8, data));
  hbm.read(kSize - 4, back, 4);
  CHECK(std::equal(back, back + 4, data));
}

TEST_CASE("load-time accesses outside the HBM throw with the range", "[hbm]") {
  HbmController hbm("hbm", params());
  uint8_t b[8] = {};
  CHECK_THROWS_WITH(hbm.write(kSize - 4, b, 8), Catch::Contains("exceeds the HBM size"));
  CHECK_THROWS_AS(hbm.read(kSize, b, 1), std::out_of_range);
  CHECK_NOTHROW(hbm.read(kSize, b, 0));
}

TEST_CASE("TLM reads and writes, byte enables, debug transport and range errors", "[hbm]") {
  HbmController hbm("hbm", params());
  Initiator ini("ini");
  ini.socket.bind(hbm.port);
  sc_time d;
  uint8_t w[8] = {10, 11, 12, 13, 14, 15, 16, 17};
  CHECK(ini.access(tlm::TLM_WRITE_COMMAND, 0x1000, w, 8, d) == tlm::TLM_OK_RESPONSE);
  const uint8_t be[4] = {0xFF, 0, 0xFF, 0};
  uint8_t w2[8] = {90, 91, 92, 93, 94, 95, 96, 97};
  CHECK(ini.access(tlm::TLM_WRITE_COMMAND, 0x1000, w2, 8, d, be, 4) == tlm::TLM_OK_RESPONSE);
  uint8_t r[8] = {};
  CHECK(ini.access(tlm::TLM_READ_COMMAND, 0x1000, r, 8, d) == tlm::TLM_OK_RESPONSE);
  const uint8_t expect[8] = {90, 11, 92, 13, 94, 15, 96, 17};
  CHECK(std::equal(r, r + 8, expect));
  CHECK(ini.access(tlm::TLM_READ_COMMAND, kSize - 4, r, 8, d) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(hbm.stats().errors == 1);
  tlm::tlm_generic_payload t;
  uint8_t dbg[4] = {};
  t.set_command(tlm::TLM_READ_COMMAND);
  t.set_address(0x1002);
  t.set_data_ptr(dbg);
  t.set_data_length(4);
  CHECK(ini.socket->transport_dbg(t) == 4);
  CHECK(dbg[0] == 92);
  t.set_address(kSize - 2);
  CHECK(ini.socket->transport_dbg(t) == 2);
}

TEST_CASE("the controller port limits back-to-back accesses to its bandwidth", "[hbm][timing]") {
  // latency 30 cycles, 64 bytes per cycle: a 1 KiB access holds the port 16 cycles.
  HbmController hbm("hbm", params(30, 64));
  Initiator ini("ini");
  ini.socket.bind(hbm.port);
  std::vector<uint8_t> buf(1024);
  sc_time d1(5, SC_NS), d2(5, SC_NS), d3(100, SC_NS);
  ini.access(tlm::TLM_WRITE_COMMAND, 0, buf.data(), 1024, d1);
  ini.access(tlm::TLM_READ_COMMAND, 0, buf.data(), 1024, d2);  // same time: waits for the first
  ini.access(tlm::TLM_READ_COMMAND, 0, buf.data(), 1024, d3);  // after both: no wait
  CHECK(d1 == sc_time(5 + 30, SC_NS));
  CHECK(d2 == sc_time(5 + 16 + 30, SC_NS));
  CHECK(d3 == sc_time(100 + 30, SC_NS));
  CHECK(hbm.stats().contention == sc_time(16, SC_NS));
  CHECK(hbm.stats().bytes_written == 1024);
  CHECK(hbm.stats().bytes_read == 2048);
}
