#pragma once
// Test fixture of the core tests: a RAM with switchable DMI, cores in one
// CoreGroup, minimal instruction encoders (RISC-V Unprivileged ISA, chapter 2).
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <tlm_utils/multi_passthrough_target_socket.h>

#include "core_group.hpp"
#include "riscv_core.hpp"
#include "sim/simulation_error.hpp"

using namespace vp::rv;
using sc_core::sc_time;
using sc_core::SC_NS;

namespace vp_test {

// Minimal encoders (RISC-V Unprivileged ISA, chapter 2).
inline uint32_t i_type(uint32_t op, uint32_t rd, uint32_t f3, uint32_t rs1, int32_t imm) {
  return (uint32_t(imm) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}
inline uint32_t addi(uint32_t rd, uint32_t rs1, int32_t imm) { return i_type(0x13, rd, 0, rs1, imm); }
inline uint32_t lw(uint32_t rd, uint32_t rs1, int32_t imm) { return i_type(0x03, rd, 2, rs1, imm); }
inline uint32_t sw(uint32_t rs2, uint32_t rs1, int32_t imm) {
  return ((uint32_t(imm) >> 5) << 25) | (rs2 << 20) | (rs1 << 15) | (2 << 12) | ((uint32_t(imm) & 31) << 7) | 0x23;
}
inline uint32_t lui(uint32_t rd, uint32_t imm20) { return (imm20 << 12) | (rd << 7) | 0x37; }
inline uint32_t jal(uint32_t rd, int32_t off) {
  const uint32_t o = uint32_t(off);
  return (((o >> 20) & 1) << 31) | (((o >> 1) & 0x3ff) << 21) | (((o >> 11) & 1) << 20) | (((o >> 12) & 0xff) << 12) |
         (rd << 7) | 0x6f;
}
inline uint32_t csrrw(uint32_t rd, uint32_t csr, uint32_t rs1) { return i_type(0x73, rd, 1, rs1, int32_t(csr)); }
inline uint32_t csrrs(uint32_t rd, uint32_t csr, uint32_t rs1) { return i_type(0x73, rd, 2, rs1, int32_t(csr)); }
constexpr uint32_t kWfi = 0x10500073, kEcall = 0x73, kIllegal = 0xc0001073 /* csrw cycle, x0 */;
constexpr uint32_t kBase = 0x1000;

// A RAM with DMI that can be switched off or revoked, counting bus accesses.
struct TestRam : sc_core::sc_module {
  tlm_utils::multi_passthrough_target_socket<TestRam> socket{"socket"};
  std::vector<uint8_t> mem = std::vector<uint8_t>(64 * 1024);
  bool dmi = true;
  sc_time dmi_latency = sc_core::SC_ZERO_TIME;  // granted with DMI: cycles from request to data
  unsigned transports = 0;
  explicit TestRam(sc_core::sc_module_name n) : sc_module(n) {
    socket.register_b_transport(this, &TestRam::b_transport);
    socket.register_get_direct_mem_ptr(this, &TestRam::get_dmi);
    socket.register_transport_dbg(this, &TestRam::transport_dbg);
  }
  void put(uint32_t addr, const std::vector<uint32_t>& words) {
    std::memcpy(&mem[addr - kBase], words.data(), words.size() * 4);
  }
  uint32_t word(uint32_t addr) const {
    uint32_t v;
    std::memcpy(&v, &mem[addr - kBase], 4);
    return v;
  }
  void b_transport(int, tlm::tlm_generic_payload& t, sc_time& delay) {
    ++transports;
    const uint64_t a = t.get_address();
    if (a < kBase || a + t.get_data_length() > kBase + mem.size()) {
      t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    if (t.is_read()) std::memcpy(t.get_data_ptr(), &mem[a - kBase], t.get_data_length());
    if (t.is_write()) std::memcpy(&mem[a - kBase], t.get_data_ptr(), t.get_data_length());
    delay += sc_time(2, SC_NS);
    t.set_dmi_allowed(dmi);
    t.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  unsigned transport_dbg(int, tlm::tlm_generic_payload& t) {  // debuggers: no time, no count
    const uint64_t a = t.get_address();
    if (a < kBase || a + t.get_data_length() > kBase + mem.size()) return 0;
    if (t.is_read()) std::memcpy(t.get_data_ptr(), &mem[a - kBase], t.get_data_length());
    if (t.is_write()) std::memcpy(&mem[a - kBase], t.get_data_ptr(), t.get_data_length());
    return t.get_data_length();
  }
  bool get_dmi(int, tlm::tlm_generic_payload&, tlm::tlm_dmi& d) {
    if (!dmi) return false;
    d.set_start_address(kBase);
    d.set_end_address(kBase + mem.size() - 1);
    d.set_dmi_ptr(mem.data());
    d.allow_read_write();
    d.set_read_latency(dmi_latency);
    d.set_write_latency(dmi_latency);
    return true;
  }
  void revoke() {
    dmi = false;
    for (unsigned i = 0; i < socket.size(); ++i) socket[i]->invalidate_direct_mem_ptr(0, ~sc_dt::uint64(0));
  }
};

inline CoreConfig config(uint32_t isa = kIsaRv32imc) {
  CoreConfig c;
  c.isa = isa;
  c.cycle = sc_time(1, SC_NS);
  return c;
}

struct Fixture {
  TestRam ram{"ram"};
  std::vector<std::unique_ptr<RiscvCore>> cores;
  std::unique_ptr<CoreGroup> group;
  explicit Fixture(unsigned n, sc_time quantum = sc_time(1000, SC_NS), uint32_t entry = kBase,
                   uint32_t isa = kIsaRv32imc) {
    tlm::tlm_global_quantum::instance().set(quantum);
    std::vector<RiscvCore*> raw;
    auto cache = std::make_shared<DecodeCache>();
    for (unsigned i = 0; i < n; ++i) {
      cores.push_back(std::make_unique<RiscvCore>(("core" + std::to_string(i)).c_str(), 3, i, config(isa)));
      cores.back()->bus.bind(ram.socket);
      cores.back()->set_decode_cache(cache);
      cores.back()->reset(entry);
      raw.push_back(cores.back().get());
    }
    group = std::make_unique<CoreGroup>("group", raw);
  }
  // The report of the SimulationError that stopped the group ("" if none).
  std::string error_report() const {
    if (!group->error()) return "";
    try {
      std::rethrow_exception(group->error());
    } catch (const vp::SimulationError& e) {
      return e.what();
    } catch (...) {
    }
    return "";
  }
};

// Programs end by spinning on `jal x0, 0`; the tests stop them with halt().
constexpr uint32_t kSpin = 0x0000006f;

}  // namespace vp_test

using namespace vp_test;
