// The L1: functional access, DMI, and bank-conflict timing by reservation.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <random>

#include <tlm_utils/simple_initiator_socket.h>

#include "common/l1_streamer.hpp"
#include "tcdm/tcdm.hpp"
#include "params/ip_params.hpp"

using namespace sc_core;
using vp::Config;
using vp::Tcdm;

namespace {

// An initiator the test drives from its own thread body.
struct Master : sc_module {
  tlm_utils::simple_initiator_socket<Master> socket;
  explicit Master(sc_module_name n) : sc_module(n), socket("socket") {}

  // One access at local time offset `at`; returns the annotated delay after the call.
  sc_time access(tlm::tlm_command cmd, uint64_t addr, void* data, unsigned n, sc_time at,
                 tlm::tlm_response_status* status = nullptr) {
    tlm::tlm_generic_payload tx;
    tx.set_command(cmd);
    tx.set_address(addr);
    tx.set_data_ptr(static_cast<unsigned char*>(data));
    tx.set_data_length(n);
    tx.set_streaming_width(n);
    tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time d = at;
    socket->b_transport(tx, d);
    if (status) *status = tx.get_response_status();
    return d - at;
  }
  // One debug access (GDB's path, no timing); returns the bytes moved.
  unsigned debug(tlm::tlm_command cmd, uint64_t addr, void* data, unsigned n) {
    tlm::tlm_generic_payload tx;
    tx.set_command(cmd);
    tx.set_address(addr);
    tx.set_data_ptr(static_cast<unsigned char*>(data));
    tx.set_data_length(n);
    return socket->transport_dbg(tx);
  }
};

struct Bench : sc_module {
  Tcdm l1;
  Master a, b;
  std::function<void()> body;
  SC_HAS_PROCESS(Bench);
  Bench(sc_module_name n, const Config& cfg) : sc_module(n), l1("l1", vp::bind_tcdm(cfg)), a("a"), b("b") {
    a.socket.bind(l1.socket);
    b.socket.bind(l1.socket);
    SC_THREAD(run);
  }
  void run() { body(); }
};

Config cfg_with(std::vector<std::string> ov = {}) { return Config::load("cluster-1", ov); }

}  // namespace

TEST_CASE("L1 reads back what initiators and the host wrote", "[tcdm]") {
  auto cfg = cfg_with();
  Bench tb("tb", cfg);
  tb.body = [&] {
    uint32_t v = 0xdeadbeef;
    tb.a.access(tlm::TLM_WRITE_COMMAND, 0x1234, &v, 4, SC_ZERO_TIME);
    uint8_t buf[7] = {1, 2, 3, 4, 5, 6, 7};
    tb.l1.write(0xFFFF9, buf, 7);  // the last 7 bytes
    uint8_t back[7] = {};
    tb.b.access(tlm::TLM_READ_COMMAND, 0xFFFF9, back, 7, SC_ZERO_TIME);
    CHECK(std::equal(buf, buf + 7, back));
    tlm::tlm_response_status st;
    tb.b.access(tlm::TLM_READ_COMMAND, 0xFFFFC, back, 5, SC_ZERO_TIME, &st);
    CHECK(st == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  };
  sc_start();
  uint32_t v = 0;
  tb.l1.read(0x1234, &v, 4);
  CHECK(v == 0xdeadbeef);
  CHECK(tb.l1.size() == 1u << 20);
  CHECK_THROWS_AS(tb.l1.write(0x100000, &v, 1), std::out_of_range);
}

TEST_CASE("L1 grants DMI over the whole memory with its latency", "[tcdm]") {
  auto cfg = cfg_with({"cluster.l1.latency_cycles=3"});
  Bench tb("tb", cfg);
  bool granted = false;
  tlm::tlm_dmi dmi;
  tb.body = [&] {  // the multi-socket binds at the end of elaboration
    tlm::tlm_generic_payload tx;
    tx.set_address(0);
    granted = tb.a.socket->get_direct_mem_ptr(tx, dmi);
  };
  sc_start();
  REQUIRE(granted);
  CHECK(dmi.get_dmi_ptr() == tb.l1.data());
  CHECK(dmi.get_end_address() == tb.l1.size() - 1);
  CHECK(dmi.is_read_write_allowed());
  CHECK(dmi.get_read_latency() == sc_time(3, SC_NS));
}

TEST_CASE("L1 reservations out of time order do not delay the earlier access", "[tcdm]") {
  auto cfg = cfg_with();
  Bench tb("tb", cfg);
  const sc_time cyc(1, SC_NS);
  tb.body = [&] {
    uint32_t v = 0;
    // A runs ahead and reserves bank 0 at t = 100; B then accesses it at t = 5.
    CHECK(tb.a.access(tlm::TLM_READ_COMMAND, 0, &v, 4, 100 * cyc) == cyc);
    CHECK(tb.b.access(tlm::TLM_READ_COMMAND, 0, &v, 4, 5 * cyc) == cyc);
    // At t = 99 the cycle [99, 100) just before A's reservation is still free.
    CHECK(tb.b.access(tlm::TLM_READ_COMMAND, 0, &v, 4, 99 * cyc) == cyc);
    // At t = 99 again the bank is full until 101.
    CHECK(tb.b.access(tlm::TLM_READ_COMMAND, 0, &v, 4, 99 * cyc) == 3 * cyc);
  };
  sc_start();
}

TEST_CASE("L1 bank conflicts: same bank waits, different banks do not", "[tcdm]") {
  auto cfg = cfg_with();  // 32 banks x 4 bytes, 1 cycle at 1 GHz
  Bench tb("tb", cfg);
  const sc_time cyc(1, SC_NS);
  const unsigned stride = 32 * 4;  // same bank, next row
  tb.body = [&] {
    uint32_t v = 0;
    // Two initiators at the same instant: different banks, both uncontended.
    CHECK(tb.a.access(tlm::TLM_READ_COMMAND, 0, &v, 4, SC_ZERO_TIME) == cyc);
    CHECK(tb.b.access(tlm::TLM_READ_COMMAND, 4, &v, 4, SC_ZERO_TIME) == cyc);
    // Same bank 0 at the same instant (t = 10 ns): the second waits a cycle.
    CHECK(tb.a.access(tlm::TLM_READ_COMMAND, 0, &v, 4, 10 * cyc) == cyc);
    CHECK(tb.b.access(tlm::TLM_READ_COMMAND, stride, &v, 4, 10 * cyc) == 2 * cyc);
    // A third on the same bank waits two.
    CHECK(tb.b.access(tlm::TLM_WRITE_COMMAND, 2 * stride, &v, 4, 10 * cyc) == 3 * cyc);
    // A 64-byte beat touches 16 banks in one cycle, blocking bank 5 for that cycle.
    uint8_t beat[256] = {};
    CHECK(tb.a.access(tlm::TLM_READ_COMMAND, 20 * stride, beat, 64, 20 * cyc) == cyc);
    CHECK(tb.b.access(tlm::TLM_READ_COMMAND, 5 * 4, &v, 4, 20 * cyc) == 2 * cyc);
    CHECK(tb.b.access(tlm::TLM_READ_COMMAND, 16 * 4, &v, 4, 20 * cyc) == cyc);  // bank 16: free
    // 256 bytes = 64 words over 32 banks: two rounds.
    CHECK(tb.a.access(tlm::TLM_READ_COMMAND, 0, beat, 256, 30 * cyc) == 2 * cyc);
  };
  sc_start();
  CHECK(tb.l1.conflict_cycles() == 1 + 2 + 1);
}

// Two masters each issuing their next access when the previous one returns;
// returns when the later one finishes.
static sc_time two_streams(unsigned offset_b, unsigned n, uint64_t* conflicts) {
  auto cfg = cfg_with();
  Bench tb("tb", cfg);
  sc_time ta, tb_;
  tb.body = [&] {
    uint32_t v = 0;
    for (unsigned i = 0; i < n; ++i) {
      ta += tb.a.access(tlm::TLM_READ_COMMAND, 0, &v, 4, ta);
      tb_ += tb.b.access(tlm::TLM_READ_COMMAND, offset_b, &v, 4, tb_);
    }
  };
  sc_start();
  *conflicts = tb.l1.conflict_cycles();
  return std::max(ta, tb_);
}

TEST_CASE("L1 two streams on different banks run in parallel", "[tcdm]") {
  uint64_t conflicts = 0;
  CHECK(two_streams(4, 100, &conflicts) == sc_time(100, SC_NS));
  CHECK(conflicts == 0);
}

TEST_CASE("L1 two streams on the same bank serialise", "[tcdm]") {
  uint64_t conflicts = 0;
  CHECK(two_streams(32 * 4, 100, &conflicts) == sc_time(200, SC_NS));
  CHECK(conflicts == 2 * 100 - 1);
}

TEST_CASE("L1 bank calendar agrees with a cycle-by-cycle model", "[tcdm]") {
  // Random reservations in random time order against a plain set of busy cycles.
  vp::BankCalendar cal;
  std::vector<bool> busy(100000, false);  // far beyond the last reservation
  std::mt19937 g(7);
  uint64_t now = 0;
  for (int k = 0; k < 5000; ++k) {
    const uint64_t t = now + g() % 3000, len = 1 + g() % 8;
    uint64_t want = t;
    for (;;) {
      bool free = true;
      for (uint64_t c = want; c < want + len; ++c) free = free && !busy[c];
      if (free) break;
      ++want;
    }
    const uint64_t got = cal.first_fit(t, len);
    REQUIRE(got == want);
    cal.add(got, len);
    for (uint64_t c = got; c < got + len; ++c) busy[c] = true;
    if (k % 500 == 499) {
      now += 1500;
      cal.prune(now);
    }
  }
  CHECK(cal.size() > 0);
}

namespace {
void timeline_against_calendars(uint64_t banks, uint64_t min_conflicts) {
  // Random accesses (lengths from one byte to several rounds of the banks,
  // starts ahead of SystemC time by up to 300 cycles) against per-bank
  // calendars driven by the test; halfway, one access off the cycle grid makes
  // the L1 move its bookings to its own calendars.
  auto cfg = cfg_with({"cluster.l1.banks=" + std::to_string(banks)});  // x 4 bytes, 1 cycle at 1 GHz, latency 1 cycle
  Bench tb("tb", cfg);
  const uint64_t cyc = sc_time(1, SC_NS).value();
  std::vector<vp::BankCalendar> ref(banks);
  auto reference = [&](uint64_t offset, uint64_t n, uint64_t t, uint64_t now) {
    const uint64_t w0 = offset / 4, words = (offset + n - 1) / 4 - w0 + 1;
    const uint64_t full = words / banks, extra = words % banks, touched = std::min<uint64_t>(words, banks);
    uint64_t start = t;
    for (bool moved = true; moved;) {
      moved = false;
      for (uint64_t i = 0; i < touched; ++i) {
        vp::BankCalendar& c = ref[(w0 + i) % banks];
        c.prune(now);
        const uint64_t s = c.first_fit(start, (full + (i < extra)) * cyc);
        moved = moved || s != start;
        start = s;
      }
    }
    for (uint64_t i = 0; i < touched; ++i) ref[(w0 + i) % banks].add(start, (full + (i < extra)) * cyc);
    return start - t + (full + (extra > 0) - 1) * cyc + cyc;  // conflict wait, extra rounds, latency
  };
  tb.body = [&] {
    std::mt19937 g(11);
    std::vector<uint8_t> buf(600);
    for (int k = 0; k < 4000; ++k) {
      if (k % 50 == 49) wait(sc_time::from_value((g() % 200) * cyc));
      const uint64_t offset = g() % 4096, n = 1 + (g() % 8 == 0 ? g() % 600 : g() % 64);
      uint64_t at = (g() % 300) * cyc;
      if (k == 2000) at += cyc / 2;  // off the grid
      const uint64_t now = sc_time_stamp().value();
      const uint64_t want = reference(offset, n, now + at, now);
      const uint64_t got = tb.a.access(tlm::TLM_READ_COMMAND, offset, buf.data(), n, sc_time::from_value(at)).value();
      REQUIRE(got == want);
    }
  };
  sc_start();
  CHECK(tb.l1.conflict_cycles() > min_conflicts);  // the bookings did collide
}
}  // namespace

TEST_CASE("L1 cycle timeline books as the per-bank calendars would, also after leaving the cycle grid", "[tcdm]") {
  timeline_against_calendars(32, 1000);  // 32-bit masks
}

TEST_CASE("L1 cycle timeline with 64 banks books as the per-bank calendars would", "[tcdm]") {
  timeline_against_calendars(64, 500);  // 64-bit masks
}

// A write carrying DeferredData (the IMA's outputs while its MVM runs on the
// worker pool) is timed now and lands when something may see it.
TEST_CASE("L1 deferred writes: timed at once, landed in order before anything sees them", "[tcdm]") {
  auto cfg = cfg_with();
  Bench tb("tb", cfg);
  auto deferred = [&](uint64_t addr, uint8_t value, sc_time at, std::shared_ptr<vp::AsyncTask>& task) {
    auto buf = std::make_shared<std::vector<uint8_t>>(16, 0);
    task = vp::make_task([buf, value] { std::fill(buf->begin(), buf->end(), value); });
    tlm::tlm_generic_payload tx;
    tx.set_command(tlm::TLM_WRITE_COMMAND);
    tx.set_address(addr);
    tx.set_data_ptr(buf->data());
    tx.set_data_length(16);
    tx.set_streaming_width(16);
    tx.set_extension(new vp::DeferredData(task, buf));
    sc_time d = at;
    tb.a.socket->b_transport(tx, d);
    CHECK(tx.is_response_ok());
    return d - at;
  };
  tb.body = [&] {
    uint8_t old[16];
    std::fill(old, old + 16, 0x11);
    const sc_time plain = tb.a.access(tlm::TLM_WRITE_COMMAND, 0x100, old, 16, SC_ZERO_TIME);
    std::shared_ptr<vp::AsyncTask> t1, t2, t3;
    // The same timing as a plain write of the same size to free banks.
    CHECK(deferred(0x100, 0x22, sc_time(100, SC_NS), t1) == plain);
    CHECK(tb.l1.deferred() == 1);
    CHECK(!t1->done());
    uint8_t back[16] = {};
    tb.b.access(tlm::TLM_READ_COMMAND, 0x4000, back, 16, sc_time(200, SC_NS));  // elsewhere: nothing lands
    CHECK(tb.l1.deferred() == 1);
    CHECK(!t1->done());
    deferred(0x108, 0x33, sc_time(300, SC_NS), t2);  // overlaps the first: queued behind it
    CHECK(tb.l1.deferred() == 2);
    tb.b.access(tlm::TLM_READ_COMMAND, 0x100, back, 16, sc_time(400, SC_NS));  // sees both, in order
    CHECK(tb.l1.deferred() == 0);
    CHECK(t1->done());
    CHECK(t2->done());
    for (int i = 0; i < 16; ++i) CHECK(back[i] == (i < 8 ? 0x22 : 0x33));
    deferred(0x200, 0x44, sc_time(500, SC_NS), t3);
    uint8_t one = 0;
    CHECK(tb.a.debug(tlm::TLM_READ_COMMAND, 0x20F, &one, 1) == 1);  // a debug read lands them too
    CHECK(one == 0x44);
    CHECK(tb.l1.deferred() == 0);
    deferred(0x300, 0x55, sc_time(600, SC_NS), t3);
  };
  sc_start();
  CHECK(tb.l1.deferred() == 1);
  tb.l1.flush();  // what the cluster does before its cores run (DMI)
  CHECK(tb.l1.deferred() == 0);
  CHECK(tb.l1.data()[0x30F] == 0x55);
  CHECK(tb.l1.accesses() == 7);
}

// An accelerator's streamer handing each piece to the L1 as one call
// (L1Burst) books, times and moves exactly what its per-beat accesses do:
// the same completion times, statistics, data and landing of deferred writes,
// and a failing beat reported at the same address.
TEST_CASE("L1 streamer pieces as one call each equal their beats one by one", "[tcdm]") {
  auto cfg = cfg_with();
  struct Run {
    std::vector<sc_time> ends;
    std::vector<uint8_t> read, mem;
    uint64_t accesses = 0, bytes = 0, conflicts = 0;
    uint64_t fail_at = 0;
  } runs[2];
  std::unique_ptr<Bench> tbs[2];
  for (int mode = 0; mode < 2; ++mode) {
    tbs[mode] = std::make_unique<Bench>(mode ? "burst" : "beats", cfg);
    Bench& tb = *tbs[mode];
    Run& r = runs[mode];
    std::mt19937 rng(7);
    std::vector<uint8_t> init(1 << 20);
    for (auto& b : init) b = uint8_t(rng());
    tb.l1.write(0, init.data(), init.size());
    tb.body = [&tb, &r, mode] {
      vp::L1Streamer st{{0, 0x10000000, 2u << 20}, 3, 4, tb.l1.cycle(), tb.l1.cycle()};
      st.bursts = mode == 1;
      auto fail = [&r](size_t, uint64_t addr, const std::string&) {  // the first (a real one throws)
        if (!r.fail_at) r.fail_at = addr;
      };
      // Other traffic on the same banks, some of it ahead in time.
      std::vector<uint8_t> junk(64, 0xAB);
      for (int k = 0; k < 40; ++k)
        tb.b.access(k % 2 ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND, 0x40 + 24 * k, junk.data(), 1 + k % 40,
                    sc_time(3 * k, SC_NS));
      const std::vector<std::pair<uint32_t, uint32_t>> in = {{0x43, 200}, {0x1001, 77}, {0x2000, 0}, {0x3002, 130}};
      r.read.resize(407);
      r.ends.push_back(st.stream(tb.a.socket, tlm::TLM_READ_COMMAND, in, r.read.data(), sc_time(5, SC_NS), fail));
      // A deferred write overlapping what the read saw, then a plain one.
      auto buf = std::make_shared<std::vector<uint8_t>>(150);
      auto task = vp::make_task([buf] {
        for (size_t i = 0; i < buf->size(); ++i) (*buf)[i] = uint8_t(3 * i + 1);
      });
      const vp::DeferredData later{task, buf};
      const std::vector<std::pair<uint32_t, uint32_t>> out = {{0x50, 100}, {0x1005, 50}};
      r.ends.push_back(st.stream(tb.a.socket, tlm::TLM_WRITE_COMMAND, out, buf->data(), sc_time(20, SC_NS), fail, &later));
      std::vector<uint8_t> plain(90, 0x5A);
      r.ends.push_back(st.stream(tb.a.socket, tlm::TLM_WRITE_COMMAND, {{0x3000, 90}}, plain.data(), sc_time(21, SC_NS), fail));
      std::vector<uint8_t> back(64);
      tb.b.access(tlm::TLM_READ_COMMAND, 0x80, back.data(), 64, sc_time(400, SC_NS));  // lands the deferred write
      r.read.insert(r.read.end(), back.begin(), back.end());
      // A piece running off the end of the L1 (the window is larger): the failing beat's address.
      std::vector<uint8_t> tail(300);
      st.stream(tb.a.socket, tlm::TLM_READ_COMMAND, {{(1u << 20) - 100, 300}}, tail.data(), sc_time(30, SC_NS), fail);
    };
  }
  sc_start();
  for (Run& r : runs) {
    Bench& tb = *tbs[&r - runs];
    r.accesses = tb.l1.accesses();
    r.bytes = tb.l1.bytes();
    r.conflicts = tb.l1.conflict_cycles();
    r.mem.assign(tb.l1.data(), tb.l1.data() + tb.l1.size());
  }
  CHECK(runs[0].ends == runs[1].ends);
  CHECK(runs[0].read == runs[1].read);
  CHECK(runs[0].mem == runs[1].mem);
  CHECK(runs[0].accesses == runs[1].accesses);
  CHECK(runs[0].bytes == runs[1].bytes);
  CHECK(runs[0].conflicts == runs[1].conflicts);
  CHECK(runs[0].conflicts > 0);  // the other traffic did get in the way
  CHECK(runs[0].fail_at == runs[1].fail_at);
  CHECK(runs[0].fail_at > (1u << 20) - 100);
  CHECK(runs[1].mem[0x50] == 1);  // the deferred write landed
}

// A deferred read (DeferredData with `read_base`, an IMA job's input) is booked as
// a plain read and copied by its task; every write to its bytes, of any kind,
// first waits for that task, so the copy sees the memory of the read's call.
TEST_CASE("L1 deferred reads: timed at once, copied by their task before any write to their bytes", "[tcdm]") {
  auto cfg = cfg_with();
  Bench tb("tb", cfg);
  // A read of 16 bytes at `addr`, deferred; its task (never posted: it runs
  // when waited for) makes the copies the L1 handed back.
  struct Read {
    std::vector<uint8_t> buf = std::vector<uint8_t>(16, 0);
    const uint8_t* mem = nullptr;
    uint64_t addr = 0;
    std::shared_ptr<vp::AsyncTask> task;
  };
  auto deferred_read = [&](Read& r, uint64_t addr, sc_time at, bool burst) {
    r.addr = addr;
    r.task = vp::make_task([rp = &r] {  // the Read, not the reference parameter
      REQUIRE(rp->mem);
      std::memcpy(rp->buf.data(), rp->mem + rp->addr, rp->buf.size());
    });
    vp::DeferredData later(r.task, nullptr);
    later.read_base = &r.mem;
    if (burst) {  // as the IMA's streamer hands it (one call per piece)
      vp::L1Streamer st{{0, 0x10000000, 2u << 20}, 2, 4, tb.l1.cycle(), tb.l1.cycle()};
      st.bursts = true;
      auto fail = [](size_t, uint64_t, const std::string& why) { FAIL(why); };
      return st.stream(tb.a.socket, tlm::TLM_READ_COMMAND, {{uint32_t(addr), 16}}, r.buf.data(), at, fail, &later) -
             sc_time_stamp();
    }
    tlm::tlm_generic_payload tx;
    tx.set_command(tlm::TLM_READ_COMMAND);
    tx.set_address(addr);
    tx.set_data_ptr(r.buf.data());
    tx.set_data_length(16);
    tx.set_streaming_width(16);
    tx.set_extension(new vp::DeferredData(later));
    sc_time d = at;
    tb.a.socket->b_transport(tx, d);
    CHECK(tx.is_response_ok());
    return d - at;
  };
  auto fill = [&](uint64_t addr, uint8_t v, unsigned n, sc_time at) {
    std::vector<uint8_t> b(n, v);
    tb.b.access(tlm::TLM_WRITE_COMMAND, addr, b.data(), n, at);
  };
  auto all = [](const Read& r, uint8_t v) {
    return std::all_of(r.buf.begin(), r.buf.end(), [v](uint8_t x) { return x == v; });
  };
  Read r1, r2, r3, r4, r5;
  tb.body = [&] {
    fill(0x100, 0x11, 0x400, SC_ZERO_TIME);
    uint8_t plain[16];
    const sc_time t_plain = tb.a.access(tlm::TLM_READ_COMMAND, 0x100, plain, 16, sc_time(50, SC_NS));
    // The same timing as a plain read of the same bytes on free banks; nothing copied yet.
    CHECK(deferred_read(r1, 0x100, sc_time(100, SC_NS), false) == t_plain);
    CHECK(tb.l1.deferred_reads() == 1);
    CHECK(!r1.task->done());
    CHECK(all(r1, 0));
    fill(0x200, 0x22, 16, sc_time(150, SC_NS));  // elsewhere: no wait
    uint8_t back[16];
    tb.b.access(tlm::TLM_READ_COMMAND, 0x100, back, 16, sc_time(160, SC_NS));  // a read: no wait
    CHECK(!r1.task->done());
    fill(0x108, 0x33, 16, sc_time(200, SC_NS));  // overlaps: the copy first, of the old bytes
    CHECK(r1.task->done());
    CHECK(all(r1, 0x11));
    CHECK(tb.l1.deferred_reads() == 0);
    // A streamer piece, then a deferred write over it that lands later: the read still sees the old bytes.
    deferred_read(r2, 0x110, sc_time(300, SC_NS), true);
    CHECK(tb.l1.deferred_reads() == 1);
    auto wbuf = std::make_shared<std::vector<uint8_t>>(16, 0x44);
    auto wtask = vp::make_task([] {});
    tlm::tlm_generic_payload wtx;
    wtx.set_command(tlm::TLM_WRITE_COMMAND);
    wtx.set_address(0x110);
    wtx.set_data_ptr(wbuf->data());
    wtx.set_data_length(16);
    wtx.set_streaming_width(16);
    wtx.set_extension(new vp::DeferredData(wtask, wbuf));
    sc_time d = sc_time(310, SC_NS);
    tb.a.socket->b_transport(wtx, d);
    CHECK(!r2.task->done());  // queued, not landed: nothing written yet
    tb.b.access(tlm::TLM_READ_COMMAND, 0x110, back, 16, sc_time(320, SC_NS));  // lands it: r2's copy first
    CHECK(r2.task->done());
    CHECK(back[0] == 0x44);
    for (int i = 0; i < 16; ++i) CHECK(r2.buf[i] == (i < 8 ? 0x33 : 0x11));
    // A debug or host access waits for every deferred read (flush), overlapping or not.
    deferred_read(r3, 0x300, sc_time(400, SC_NS), true);
    uint8_t one = 0x55;
    CHECK(tb.a.debug(tlm::TLM_WRITE_COMMAND, 0x2F0, &one, 1) == 1);
    CHECK(r3.task->done());
    CHECK(all(r3, 0x11));
    deferred_read(r4, 0x400, sc_time(500, SC_NS), false);
    tb.l1.write(0x40F, &one, 1);
    CHECK(r4.task->done());
    CHECK(r4.buf[15] == 0x11);
    deferred_read(r5, 0x480, sc_time(600, SC_NS), true);  // left to flush(), as before the cores run
  };
  sc_start();
  CHECK(tb.l1.deferred_reads() == 1);
  CHECK(!r5.task->done());
  tb.l1.flush();
  CHECK(r5.task->done());
  CHECK(tb.l1.deferred_reads() == 0);
  CHECK(all(r5, 0x11));
}
