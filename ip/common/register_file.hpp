#pragma once
// A memory-mapped register block in the style of VCML: each register is a
// named member of its IP with an offset, a reset value and optional read/write
// callbacks; the block decodes 32-bit TLM accesses onto the registers mapped
// into it, and lists them by name (register dumps, GDB `monitor regs`).
#include <cstdint>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>

namespace vp {

class Register {
 public:
  // `at` is the absolute simulated time of the access (sc_time_stamp() + annotated delay).
  using ReadFn = std::function<uint32_t(const sc_core::sc_time& at)>;
  using WriteFn = std::function<void(uint32_t value, const sc_core::sc_time& at)>;

  Register(std::string name, uint32_t offset, uint32_t reset = 0)
      : name_(std::move(name)), offset_(offset), reset_(reset), value_(reset) {}
  // Mapped by address in a RegisterFile: a register stays where it is.
  Register(const Register&) = delete;
  Register& operator=(const Register&) = delete;

  const std::string& name() const { return name_; }
  uint32_t offset() const { return offset_; }
  uint32_t reset_value() const { return reset_; }
  uint32_t get() const { return value_; }
  void set(uint32_t v) { value_ = v; }
  void reset() { value_ = reset_; }

  // A read callback computes the value (e.g. a status derived from time);
  // a write callback runs after the value is stored.
  Register& on_read(ReadFn f) { read_ = std::move(f); return *this; }
  Register& on_write(WriteFn f) { write_ = std::move(f); return *this; }
  // Writes to a read-only register answer a command error.
  Register& read_only() { read_only_ = true; return *this; }
  // Its accesses touch nothing but its IP's own state (no SystemC event, no
  // other cluster), so the cores of its cluster may make them in their local
  // phase, on any host thread (RegisterFile::local_access).
  Register& local() { local_ = true; return *this; }
  bool is_local() const { return local_; }
  // A local register whose accesses also touch state the IP's own processes
  // use (the IMA's weights, waited for by its jobs): local only while those
  // processes cannot run meanwhile (RegisterFile::set_processes_overlap).
  Register& exclusive() { exclusive_ = true; return *this; }
  bool is_exclusive() const { return exclusive_; }

  uint32_t read(const sc_core::sc_time& at) const { return read_ ? read_(at) : value_; }
  bool write(uint32_t v, const sc_core::sc_time& at) {
    if (read_only_) return false;
    value_ = v;
    if (write_) write_(v, at);
    return true;
  }

 private:
  std::string name_;
  uint32_t offset_, reset_, value_;
  bool read_only_ = false, local_ = false, exclusive_ = false;
  ReadFn read_;
  WriteFn write_;
};

// One line of a register dump: what a debug read of the register returns.
struct RegisterValue {
  std::string name;
  uint32_t offset;  // from the IP's register block
  uint32_t value;
};
using RegisterDump = std::vector<RegisterValue>;

class RegisterFile {
 public:
  // `window` is the size of the block in bytes; every access costs `latency`.
  RegisterFile(uint32_t window, sc_core::sc_time latency)
      : by_word_(window / 4, nullptr), latency_(latency) {}

  // Maps a register (a member of the IP, which outlives this block) at its offset.
  Register& map(Register& r) {
    const uint32_t offset = r.offset();
    if (offset % 4 != 0 || offset / 4 >= by_word_.size() || by_word_[offset / 4])
      throw std::logic_error("register " + r.name() + ": bad or duplicate offset");
    by_word_[offset / 4] = &r;
    regs_.push_back(&r);
    return r;
  }

  void reset() {
    for (Register* r : regs_) r->reset();
  }

  // The registers in the order they were mapped.
  const std::vector<Register*>& registers() const { return regs_; }
  // Name and value of every register as a read at `at` would see it. Status
  // reads retire the completions reached by `at`, as any read does: dump at a
  // time no later than any master's next access (sc_time_stamp()).
  RegisterDump dump(const sc_core::sc_time& at) const {
    RegisterDump out;
    for (const Register* r : regs_) out.push_back({r->name(), r->offset(), r->read(at)});
    return out;
  }

  // Only aligned 32-bit accesses: firmware accesses registers as words.
  void b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
    const sc_core::sc_time at = sc_core::sc_time_stamp() + delay;
    delay += latency_;
    access(tx, at, true);
  }

  // A core's access to a local() register without the bus (RiscvCore::
  // add_local_target): the same value, effects and latency as b_transport
  // at `at`. False, and nothing done, for any other access: it takes the bus.
  bool local_access(bool write, uint64_t addr, uint8_t* data, unsigned size, const sc_core::sc_time& at,
                    sc_core::sc_time& latency) {
    Register* r = size == 4 && addr % 4 == 0 && addr / 4 < by_word_.size() ? by_word_[addr / 4] : nullptr;
    if (!r || !r->is_local() || (overlap_ && r->is_exclusive())) return false;
    if (write) {
      uint32_t v;
      std::memcpy(&v, data, 4);
      if (!r->write(v, at)) return false;  // read-only: untouched, the bus answers the error
    } else {
      const uint32_t v = r->read(at);
      std::memcpy(data, &v, 4);
    }
    latency = latency_;
    return true;
  }

  // The cores' local phases may run while the IP's processes do (the
  // batched quantum exchange's posted phases): exclusive() registers take
  // the bus. Set before the run.
  void set_processes_overlap(bool on) { overlap_ = on; }

  unsigned transport_dbg(tlm::tlm_generic_payload& tx) {
    access(tx, sc_core::sc_time_stamp(), false);
    return tx.is_response_ok() ? tx.get_data_length() : 0;
  }

 private:
  void access(tlm::tlm_generic_payload& tx, const sc_core::sc_time& at, bool side_effects) {
    const uint64_t addr = tx.get_address();
    if (tx.get_data_length() != 4 || addr % 4 != 0 || tx.get_byte_enable_ptr()) {
      tx.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
      return;
    }
    Register* r = addr / 4 < by_word_.size() ? by_word_[addr / 4] : nullptr;
    if (!r) {
      tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    uint32_t v = 0;
    if (tx.is_read()) {
      v = r->read(at);
      std::memcpy(tx.get_data_ptr(), &v, 4);
    } else if (tx.is_write()) {
      std::memcpy(&v, tx.get_data_ptr(), 4);
      if (side_effects ? !r->write(v, at) : false) {
        tx.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return;
      }
      if (!side_effects) r->set(v);
    }
    tx.set_response_status(tlm::TLM_OK_RESPONSE);
  }

  std::vector<Register*> regs_;      // mapped registers, in mapping order
  std::vector<Register*> by_word_;   // decode table, one entry per word of the window
  sc_core::sc_time latency_;
  bool overlap_ = false;
};

}  // namespace vp
