// The GDB remote stub: packet handlers and the all-stop logic (see the header).
#include "gdb/gdb_server.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include "riscv_core.hpp"
#include "top/platform.hpp"

namespace vp::gdb {
namespace {

constexpr unsigned kRegs = 33;  // x0..x31, pc (the target description's order)
// Machine CSRs shown to GDB, as remote register 65 + CSR number (GDB's own
// RISC-V numbering); read and written one at a time with p/P.
constexpr unsigned kCsrBase = 65;
const struct {
  const char* name;
  uint32_t csr;
} kCsrs[] = {{"mstatus", 0x300}, {"misa", 0x301},    {"mie", 0x304},     {"mtvec", 0x305},
             {"mscratch", 0x340}, {"mepc", 0x341},   {"mcause", 0x342},  {"mtval", 0x343},
             {"mip", 0x344},     {"mcycle", 0xb00},  {"minstret", 0xb02}, {"mhartid", 0xf14}};
constexpr int kSigInt = 2, kSigTrap = 5;

const char* const kRegNames[32] = {"zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "fp", "s1", "a0",
                                   "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
                                   "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};

std::string target_xml() {
  std::string x =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n"
      "<architecture>riscv:rv32</architecture>\n<feature name=\"org.gnu.gdb.riscv.cpu\">\n";
  for (unsigned i = 0; i < 32; ++i) {
    const char* type = i == 1 ? "code_ptr" : (i == 2 || i == 8) ? "data_ptr" : "int";
    x += fmt::format("  <reg name=\"{}\" bitsize=\"32\" type=\"{}\" regnum=\"{}\"/>\n", kRegNames[i], type, i);
  }
  x += "  <reg name=\"pc\" bitsize=\"32\" type=\"code_ptr\" regnum=\"32\"/>\n</feature>\n";
  x += "<feature name=\"org.gnu.gdb.riscv.csr\">\n";
  for (const auto& c : kCsrs)
    x += fmt::format("  <reg name=\"{}\" bitsize=\"32\" type=\"int\" regnum=\"{}\" group=\"system\"/>\n", c.name,
                     kCsrBase + c.csr);
  x += "</feature>\n</target>\n";
  return x;
}

std::string hex_bytes(const uint8_t* p, size_t n) {
  std::string s;
  s.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) s += fmt::format("{:02x}", p[i]);
  return s;
}

std::string hex_text(const std::string& t) { return hex_bytes(reinterpret_cast<const uint8_t*>(t.data()), t.size()); }

std::string hex_word(uint32_t v) {  // target byte order (little endian)
  const uint8_t b[4] = {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
  return hex_bytes(b, 4);
}

int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Hex digits to bytes; false on a malformed string.
bool unhex(const std::string& s, std::string& out) {
  if (s.size() % 2) return false;
  out.clear();
  for (size_t i = 0; i < s.size(); i += 2) {
    const int hi = nibble(s[i]), lo = nibble(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out += char(hi << 4 | lo);
  }
  return true;
}

bool word_from_hex(const std::string& s, uint32_t& v) {
  std::string b;
  if (s.size() != 8 || !unhex(s, b)) return false;
  v = uint32_t(uint8_t(b[0])) | uint32_t(uint8_t(b[1])) << 8 | uint32_t(uint8_t(b[2])) << 16 |
      uint32_t(uint8_t(b[3])) << 24;
  return true;
}

// A hex number at s[pos], up to a delimiter; advances pos. False if none.
bool number(const std::string& s, size_t& pos, uint64_t& v) {
  v = 0;
  const size_t start = pos;
  while (pos < s.size() && nibble(s[pos]) >= 0 && pos - start < 16) v = v << 4 | uint64_t(nibble(s[pos++]));
  return pos > start;
}

bool expect(const std::string& s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

GdbServer::GdbServer(const std::string& host, int port, std::vector<rv::RiscvCore*> exposed,
                     std::vector<rv::RiscvCore*> all, unsigned cores_per_cluster)
    : conn_(host, port), exposed_(std::move(exposed)), all_(std::move(all)), cores_per_cluster_(cores_per_cluster) {
  for (rv::RiscvCore* c : exposed_) {
    threads_[tid(*c)] = c;
    c->add_debug_hook(this);
  }
  if (!exposed_.empty()) g_thread_ = c_thread_ = exposed_.front();
}

GdbServer::~GdbServer() {
  for (rv::RiscvCore* c : exposed_) c->remove_debug_hooks();
}

int GdbServer::tid(const rv::RiscvCore& c) const { return int(c.cluster_id() * cores_per_cluster_ + c.core_id() + 1); }

rv::RiscvCore* GdbServer::thread(int t) const {
  auto it = threads_.find(t);
  return it == threads_.end() ? nullptr : it->second;
}

std::string GdbServer::thread_name(const rv::RiscvCore& c) const {
  return fmt::format("cluster {} core {}", c.cluster_id(), c.core_id());
}

void GdbServer::wait_for_client() {
  std::cerr << fmt::format("gdb: listening on {}:{}", conn_.host(), conn_.port()) << std::endl;
  conn_.accept_client();
  std::cerr << "gdb: connected; the simulation stops before its first instruction" << std::endl;
}

void GdbServer::simulation_ended(bool failed, int exit_code) {
  if (conn_.connected() && !detached_) conn_.send(failed ? "X06" : fmt::format("W{:02x}", exit_code & 0xff));
  conn_.close();
}

bool GdbServer::wants_steps(const rv::RiscvCore& c) const {
  return !detached_ && (!breakpoints_.empty() || !watches_.empty() || step_ == &c);
}

bool GdbServer::enter(rv::RiscvCore& core) {
  if (detached_) return false;
  if (initial_stop_) {
    initial_stop_ = false;
    conn_.take_interrupt();
    stop(core, fmt::format("T{:02x}thread:{:x};", kSigTrap, tid(core)));
  } else if (conn_.interrupt_pending() && conn_.take_interrupt()) {
    stop(core, fmt::format("T{:02x}thread:{:x};", kSigInt, tid(core)));
  }
  return wants_steps(core);
}

void GdbServer::before(rv::RiscvCore& core) {
  if (detached_) return;
  // A plain load first: the exchange is a locked instruction, too dear per instruction.
  if (conn_.interrupt_pending() && conn_.take_interrupt())
    return stop(core, fmt::format("T{:02x}thread:{:x};", kSigInt, tid(core)));
  if (!breakpoints_.empty() && breakpoints_.count(core.pc()))
    return stop(core, fmt::format("T{:02x}thread:{:x};", kSigTrap, tid(core)));
  if (!watches_.empty()) check_watches(core);
}

// GDB's RISC-V target expects a watchpoint to stop the core before the access
// (it then steps over the instruction itself and compares values), as debug
// triggers do: decode the instruction about to run and match its address.
void GdbServer::check_watches(rv::RiscvCore& core) {
  if (watch_resume_ == &core) {
    watch_resume_ = nullptr;
    if (watch_resume_pc_ == core.pc()) return;  // the access reported last time now executes
  }
  uint8_t b[4] = {0, 0, 0, 0};
  if (!core.debug_access(core.pc(), b, 2, false)) return;
  if ((b[0] & 3) == 3 && !core.debug_access(core.pc() + 2, b + 2, 2, false)) return;
  const rv::Decoded d = rv::decode(uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24);
  rv::DataAccess acc;
  if (!rv::data_access(d, [&](unsigned r) { return core.reg(r); }, acc)) return;
  const uint32_t addr = acc.addr;
  const unsigned size = acc.size;
  const bool store = acc.store;
  for (const Watch& w : watches_) {
    const bool hit_type = w.type == '4' || (w.type == '2') == store;
    if (!hit_type || addr >= w.addr + uint64_t(w.len) || uint64_t(addr) + size <= w.addr) continue;
    const char* kind = w.type == '2' ? "watch" : w.type == '3' ? "rwatch" : "awatch";
    watch_resume_ = &core;
    watch_resume_pc_ = core.pc();
    return stop(core, fmt::format("T{:02x}thread:{:x};{}:{:x};", kSigTrap, tid(core), kind, std::max(addr, w.addr)));
  }
}

void GdbServer::after(rv::RiscvCore& core, const rv::StepInfo&) {
  if (detached_) return;
  if (step_ == &core) {
    step_ = nullptr;
    stop(core, fmt::format("T{:02x}thread:{:x};", kSigTrap, tid(core)));
  }
}

void GdbServer::fault(rv::RiscvCore& core, uint32_t cause, const std::string& what) {
  if (detached_ || !first_stop_done_) return;
  int sig = kSigTrap;
  if (cause == 2) sig = 4;                                  // SIGILL
  else if (cause == 1 || cause == 5 || cause == 7) sig = 11;  // SIGSEGV
  else if (cause == 4 || cause == 6) sig = 7;               // SIGBUS
  conn_.send("O" + hex_text("vp-run: " + what + "\n"));
  stop(core, fmt::format("T{:02x}thread:{:x};", sig, tid(core)));
}

void GdbServer::stop(rv::RiscvCore& core, const std::string& reply) {
  g_thread_ = c_thread_ = &core;
  last_stop_ = reply;
  // The initial stop is reported when GDB asks ('?'); later ones answer its resume.
  if (first_stop_done_) conn_.send(reply);
  first_stop_done_ = true;
  while (auto p = conn_.next_packet())
    if (handle(*p)) return;
  detach();  // the client went away without a word
}

void GdbServer::resume(rv::RiscvCore* step) { step_ = step; }

void GdbServer::detach() {
  detached_ = true;
  breakpoints_.clear();
  watches_.clear();
  step_ = nullptr;
}

std::string GdbServer::read_memory(uint32_t addr, uint32_t len) {
  std::string data(len, '\0');
  auto* p = reinterpret_cast<uint8_t*>(data.data());
  if (g_thread_->debug_access(addr, p, len, false)) return hex_bytes(p, len);
  // Part of the range is unmapped: GDB accepts the readable prefix.
  uint32_t n = 0;
  while (n < len && g_thread_->debug_access(addr + n, p + n, 1, false)) ++n;
  return n ? hex_bytes(p, n) : "E14";
}

bool GdbServer::write_memory(uint32_t addr, const std::string& bytes) {
  std::string copy = bytes;
  const bool ok = bytes.empty() ||
                  g_thread_->debug_access(addr, reinterpret_cast<uint8_t*>(copy.data()), unsigned(copy.size()), true);
  // It may have been code: every core decodes again (shared instruction memory).
  for (rv::RiscvCore* c : all_) c->flush_decode_caches();
  return ok;
}

std::string GdbServer::xfer(const std::string& object, const std::string& annex, const std::string& range) const {
  std::string doc;
  if (object == "features" && annex == "target.xml") {
    doc = target_xml();
  } else if (object == "threads" && annex.empty()) {
    doc = "<?xml version=\"1.0\"?>\n<threads>\n";
    for (const auto& [t, c] : threads_)
      doc += fmt::format("<thread id=\"{:x}\" name=\"{}\"/>\n", t, thread_name(*c));
    doc += "</threads>\n";
  } else {
    return "E00";
  }
  size_t pos = 0;
  uint64_t off = 0, len = 0;
  if (!number(range, pos, off) || !expect(range, pos, ',') || !number(range, pos, len)) return "E01";
  if (off >= doc.size()) return "l";
  const std::string part = doc.substr(size_t(off), size_t(len));
  return (off + part.size() < doc.size() ? "m" : "l") + part;
}

bool GdbServer::handle(const std::string& p) {
  auto reply = [&](const std::string& r) { conn_.send(r); };
  if (p.empty()) return reply(""), false;
  const char cmd = p[0];
  size_t pos = 1;
  uint64_t a = 0, n = 0;
  switch (cmd) {
    case '?': return reply(last_stop_), false;
    case 'g': {
      std::string r;
      for (unsigned i = 0; i < 32; ++i) r += hex_word(g_thread_->reg(i));
      return reply(r + hex_word(g_thread_->pc())), false;
    }
    case 'G': {
      if (p.size() < 1 + 8 * kRegs) return reply("E01"), false;
      for (unsigned i = 0; i < kRegs; ++i) {
        uint32_t v = 0;
        if (!word_from_hex(p.substr(1 + 8 * i, 8), v)) return reply("E01"), false;
        if (i < 32) g_thread_->set_reg(i, v);
        else g_thread_->set_pc(v);
      }
      return reply("OK"), false;
    }
    case 'p': {
      if (!number(p, pos, a)) return reply("E01"), false;
      if (a >= kCsrBase && a < kCsrBase + 4096) {
        uint32_t v = 0;
        return reply(g_thread_->debug_read_csr(uint32_t(a - kCsrBase), v) ? hex_word(v) : "E01"), false;
      }
      if (a >= kRegs) return reply("E01"), false;
      return reply(hex_word(a < 32 ? g_thread_->reg(unsigned(a)) : g_thread_->pc())), false;
    }
    case 'P': {
      uint32_t v = 0;
      if (!number(p, pos, a) || !expect(p, pos, '=') || !word_from_hex(p.substr(pos), v)) return reply("E01"), false;
      if (a >= kCsrBase && a < kCsrBase + 4096)
        return reply(g_thread_->debug_write_csr(uint32_t(a - kCsrBase), v) ? "OK" : "E01"), false;
      if (a >= kRegs) return reply("E01"), false;
      if (a < 32) g_thread_->set_reg(unsigned(a), v);
      else g_thread_->set_pc(v);
      return reply("OK"), false;
    }
    case 'm': {
      if (!number(p, pos, a) || !expect(p, pos, ',') || !number(p, pos, n) || a > 0xffffffffu || n > 0x4000)
        return reply("E01"), false;
      return reply(read_memory(uint32_t(a), uint32_t(n))), false;
    }
    case 'M':
    case 'X': {
      if (!number(p, pos, a) || !expect(p, pos, ',') || !number(p, pos, n) || !expect(p, pos, ':') ||
          a > 0xffffffffu)
        return reply("E01"), false;
      std::string bytes = p.substr(pos);
      if (cmd == 'M' && !unhex(p.substr(pos), bytes)) return reply("E01"), false;
      if (bytes.size() != n) return reply("E01"), false;
      return reply(write_memory(uint32_t(a), bytes) ? "OK" : "E14"), false;
    }
    case 'Z':
    case 'z': {
      const char type = p.size() > 1 ? p[1] : 0;
      pos = 2;
      if (type < '0' || type > '4' || !expect(p, pos, ',') || !number(p, pos, a) || !expect(p, pos, ',') ||
          !number(p, pos, n) || a > 0xffffffffu)
        return reply("E01"), false;
      if (type == '0' || type == '1') {
        if (cmd == 'Z') {
          ++breakpoints_[uint32_t(a)];
        } else {
          auto it = breakpoints_.find(uint32_t(a));
          if (it != breakpoints_.end() && --it->second == 0) breakpoints_.erase(it);
        }
        return reply("OK"), false;
      }
      if (n == 0 || n > 0x10000) return reply("E01"), false;
      if (cmd == 'Z') {
        watches_.push_back({uint32_t(a), uint32_t(n), type});
      } else {
        for (auto it = watches_.begin(); it != watches_.end(); ++it)
          if (it->addr == a && it->len == n && it->type == type) {
            watches_.erase(it);
            break;
          }
      }
      return reply("OK"), false;
    }
    case 'H': {
      if (p.size() < 3) return reply("E01"), false;
      const std::string id = p.substr(2);
      rv::RiscvCore* c = nullptr;
      if (id == "0" || id == "-1") c = p[1] == 'g' ? g_thread_ : c_thread_;
      else c = thread(int(std::strtol(id.c_str(), nullptr, 16)));
      if (!c) return reply("E01"), false;
      (p[1] == 'g' ? g_thread_ : c_thread_) = c;
      return reply("OK"), false;
    }
    case 'T': return reply(thread(int(std::strtol(p.c_str() + 1, nullptr, 16))) ? "OK" : "E01"), false;
    case 'c':
    case 'C':
      if (cmd == 'c' && number(p, pos, a)) c_thread_->set_pc(uint32_t(a));
      resume(nullptr);
      return true;
    case 's':
    case 'S':
      if (cmd == 's' && number(p, pos, a)) c_thread_->set_pc(uint32_t(a));
      resume(c_thread_);
      return true;
    case 'D':
      reply("OK");
      detach();
      return true;
    case 'k':
      detach();
      throw SimulationError("killed by the debugger (gdb 'kill')");
    default: break;
  }
  if (p == "vCont?") return reply("vCont;c;C;s;S;t"), false;
  if (p.rfind("vCont;", 0) == 0) {
    // Actions ";s:TID", ";c", ...: the simulation resumes as a whole (all-stop);
    // the thread named by a step action stops again after one instruction.
    rv::RiscvCore* step = nullptr;
    size_t i = 5;
    while (i < p.size() && p[i] == ';') {
      const size_t end = p.find(';', i + 1);
      const std::string action = p.substr(i + 1, end == std::string::npos ? std::string::npos : end - i - 1);
      if (!action.empty() && (action[0] == 's' || action[0] == 'S')) {
        const size_t colon = action.find(':');
        step = colon == std::string::npos ? c_thread_ : thread(int(std::strtol(action.c_str() + colon + 1, nullptr, 16)));
        if (!step) return reply("E01"), false;
      }
      i = end == std::string::npos ? p.size() : end;
    }
    resume(step);
    return true;
  }
  if (p.rfind("vKill", 0) == 0) {
    reply("OK");
    detach();
    throw SimulationError("killed by the debugger (gdb 'kill')");
  }
  if (p.rfind("qSupported", 0) == 0)
    return reply("PacketSize=4000;qXfer:features:read+;qXfer:threads:read+;vContSupported+"), false;
  if (p.rfind("qXfer:", 0) == 0) {
    // qXfer:OBJECT:read:ANNEX:OFFSET,LENGTH
    const size_t c1 = p.find(':', 6), c2 = p.find(':', c1 + 1), c3 = p.find(':', c2 + 1);
    if (c1 == std::string::npos || c2 == std::string::npos || c3 == std::string::npos ||
        p.compare(c1 + 1, c2 - c1 - 1, "read") != 0)
      return reply(""), false;
    return reply(xfer(p.substr(6, c1 - 6), p.substr(c2 + 1, c3 - c2 - 1), p.substr(c3 + 1))), false;
  }
  if (p == "qfThreadInfo") {
    std::string r = "m";
    for (const auto& [t, c] : threads_) r += fmt::format("{}{:x}", r.size() > 1 ? "," : "", t);
    return reply(r), false;
  }
  if (p == "qsThreadInfo") return reply("l"), false;
  if (p.rfind("qThreadExtraInfo,", 0) == 0) {
    const rv::RiscvCore* c = thread(int(std::strtol(p.c_str() + 17, nullptr, 16)));
    if (!c) return reply("E01"), false;
    std::string s = thread_name(*c);
    if (c->halted()) s += " (halted)";
    else if (c->sleeping()) s += " (asleep)";
    return reply(hex_text(s)), false;
  }
  if (p == "qC") return reply(fmt::format("QC{:x}", tid(*g_thread_))), false;
  if (p == "qAttached" || p.rfind("qAttached:", 0) == 0) return reply("1"), false;
  if (p == "qSymbol::") return reply("OK"), false;
  if (p.rfind("qRcmd,", 0) == 0) {
    // monitor CMD: the answer as console output ('O' packets), then OK.
    std::string cmd;
    if (!unhex(p.substr(6), cmd)) return reply("E01"), false;
    std::string out;
    try {
      if (!monitor_) throw std::invalid_argument("this platform has no monitor commands");
      out = monitor_(cmd, *g_thread_);
    } catch (const std::invalid_argument& e) {
      out = std::string(e.what()) + "\n";
    }
    for (size_t i = 0; i < out.size(); i += 1024) reply("O" + hex_text(out.substr(i, 1024)));
    return reply("OK"), false;
  }
  reply("");  // not supported
  return false;
}

}  // namespace vp::gdb
