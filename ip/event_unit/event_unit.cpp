#include "event_unit.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "common/event_load_extension.hpp"

namespace vp {

static_assert(EU_NUM_LINES == 32, "the line loops walk the set bits of a 32-bit word");

using sc_core::sc_time;

EventUnit::EventUnit(sc_core::sc_module_name name, const EventUnitParams& p)
    : sc_module(name),
      socket("socket"),
      cores_(p.cores),
      access_latency_(p.access_latency),
      barrier_latency_(p.barrier_latency) {
  const unsigned cores = p.cores;
  // The binder (platform/params) reports this against the YAML; here it guards hand-filled params.
  if (cores == 0 || cores > EU_MAX_CORES)
    throw std::invalid_argument(fmt::format("EventUnit: 1..{} cores", EU_MAX_CORES));
  const uint32_t all = cores == 32 ? 0xFFFFFFFFu : ((1u << cores) - 1);
  all_cores_ = all;
  barrier_mask_ = all;
  dispatch_mask_ = all & ~1u;
  socket.register_b_transport(this, &EventUnit::b_transport);
  socket.register_transport_dbg(this, &EventUnit::transport_dbg);
}

uint32_t EventUnit::buffer(unsigned core, sc_time at) const {
  const CoreState& c = cores_.at(core);
  uint32_t visible = 0;
  for (uint32_t m = c.buffer; m; m &= m - 1) {  // the set bits only: cores use a few lines
    const unsigned l = unsigned(__builtin_ctz(m));
    if (c.pending[l].front() <= at) visible |= 1u << l;
  }
  return visible;
}

void EventUnit::update_output(unsigned core, sc_time at) {
  CoreState& c = cores_[core];
  // The output rises when the earliest masked occurrence becomes visible.
  uint32_t masked = c.buffer & c.mask;
  bool level = masked != 0;
  sc_time from = at;
  if (level) {
    sc_time earliest = sc_core::sc_max_time();
    for (uint32_t m = masked; m; m &= m - 1) earliest = std::min(earliest, c.pending[__builtin_ctz(m)].front());
    from = earliest;
  }
  if (level == c.level && (!level || from == c.level_at)) return;
  c.level = level;
  c.level_at = from;
  if (on_core_line) on_core_line(core, level, from);
}

void EventUnit::set_lines(unsigned core, uint32_t lines, sc_time at) {
  CoreState& c = cores_[core];
  const sc_time now = sc_core::sc_time_stamp();  // no access clears lines before it
  for (uint32_t m = lines; m; m &= m - 1) c.pending[__builtin_ctz(m)].add(at, now);  // EU_NUM_LINES is 32: every bit is a line
  c.buffer |= lines;
  update_output(core, at);
}

void EventUnit::clear_lines(unsigned core, uint32_t lines, sc_time at) {
  // Only occurrences the core can see at `at` go; later ones stay pending.
  CoreState& c = cores_[core];
  for (uint32_t m = lines & c.buffer; m; m &= m - 1) {
    const unsigned l = unsigned(__builtin_ctz(m));
    c.pending[l].clear_until(at);
    if (c.pending[l].empty()) c.buffer &= ~(1u << l);
  }
  update_output(core, at);
}

void EventUnit::trigger_line(unsigned line, sc_time at) { trigger_line(line, all_cores_, at); }

void EventUnit::trigger_line(unsigned line, uint32_t core_mask, sc_time at) {
  if (line >= EU_NUM_LINES) return;
  for (uint32_t m = core_mask & all_cores_; m; m &= m - 1) set_lines(unsigned(__builtin_ctz(m)), 1u << line, at);
}

void EventUnit::arrive_at_barrier(unsigned core, sc_time at) {
  barrier_arrived_ |= 1u << core;
  if (at > barrier_last_arrival_ || barrier_arrived_ == (1u << core)) barrier_last_arrival_ = at;
  if ((barrier_arrived_ & barrier_mask_) != barrier_mask_) return;
  // Released when the last participant has arrived, whatever order the
  // cores were simulated in.
  sc_time release = barrier_last_arrival_ + barrier_latency_;
  uint32_t participants = barrier_mask_;
  barrier_arrived_ = 0;
  barrier_last_arrival_ = sc_core::SC_ZERO_TIME;
  ++barriers_;
  trigger_line(EU_LINE_BARRIER, participants, release);
}

RegisterDump EventUnit::dump_registers(sc_time at) const {
  RegisterDump d{{"BARRIER_MASK", EU_BARRIER_MASK, barrier_mask_},
                 {"DISPATCH_MASK", EU_DISPATCH_MASK, dispatch_mask_},
                 {"NUM_CORES", EU_NUM_CORES, uint32_t(cores_.size())}};
  for (unsigned k = 0; k < cores_.size(); ++k) {
    d.push_back({fmt::format("CORE{}_MASK", k), EU_CORE_BASE(k) + EU_MASK, cores_[k].mask});
    d.push_back({fmt::format("CORE{}_BUFFER", k), EU_CORE_BASE(k) + EU_BUFFER, buffer(k, at)});
  }
  return d;
}

uint32_t EventUnit::read_reg(uint32_t off, sc_time at, bool side_effects) {
  if (off < EU_SHARED_BASE) {
    unsigned core = off / EU_CORE_STRIDE;
    if (core >= cores_.size()) return 0;
    CoreState& c = cores_[core];
    switch (off % EU_CORE_STRIDE) {
      case EU_MASK: return c.mask;
      case EU_BUFFER: return buffer(core, at);
      case EU_BUFFER_MASKED: return buffer(core, at) & c.mask;
      case EU_EVENT_WAIT: return buffer(core, at) & c.mask;
      case EU_EVENT_WAIT_CLEAR: {
        const uint32_t got = buffer(core, at) & c.mask;
        if (side_effects && got) clear_lines(core, got, at);
        return got;
      }
      case EU_DISPATCH_POP: {
        // The dispatch line is pending exactly while values are queued.
        if (c.dispatch.empty() || c.dispatch.front().second > at) return 0;
        uint32_t v = c.dispatch.front().first;
        if (side_effects) {
          c.dispatch.pop_front();
          if (c.dispatch.empty()) clear_lines(core, 1u << EU_LINE_DISPATCH, at);
        }
        return v;
      }
      default: return 0;
    }
  }
  switch (off) {
    case EU_BARRIER_MASK: return barrier_mask_;
    case EU_DISPATCH_MASK: return dispatch_mask_;
    case EU_NUM_CORES: return uint32_t(cores_.size());
    default: return 0;
  }
}

void EventUnit::write_reg(uint32_t off, uint32_t v, sc_time at) {
  if (off < EU_SHARED_BASE) {
    unsigned core = off / EU_CORE_STRIDE;
    if (core >= cores_.size()) return;
    CoreState& c = cores_[core];
    switch (off % EU_CORE_STRIDE) {
      case EU_MASK: c.mask = v; break;
      case EU_MASK_SET: c.mask |= v; break;
      case EU_MASK_CLR: c.mask &= ~v; break;
      case EU_BUFFER_CLEAR: clear_lines(core, v, at); return;
      case EU_BARRIER_ARRIVE: arrive_at_barrier(core, at); return;
      default: return;
    }
    update_output(core, at);
    return;
  }
  const uint32_t all = cores_.size() == 32 ? 0xFFFFFFFFu : (1u << cores_.size()) - 1;
  if (off >= EU_SW_TRIGGER(0) && off < EU_SW_TRIGGER(EU_NUM_SW_LINES)) {
    trigger_line(EU_LINE_SW((off - EU_SW_TRIGGER(0)) / 4), v & all, at);
    return;
  }
  switch (off) {
    case EU_BARRIER_MASK: barrier_mask_ = v & all; break;
    case EU_DISPATCH_MASK: dispatch_mask_ = v & all; break;
    case EU_DISPATCH_PUSH:
      for (unsigned c = 0; c < cores_.size(); ++c)
        if (dispatch_mask_ >> c & 1) {
          cores_[c].dispatch.emplace_back(v, at);
          set_lines(c, 1u << EU_LINE_DISPATCH, at);
        }
      break;
    default: break;
  }
}

void EventUnit::b_transport(tlm::tlm_generic_payload& t, sc_time& delay) {
  const uint64_t addr = t.get_address();
  if (t.get_data_length() != 4 || (addr & 3) || addr + 4 > EU_BLOCK_SIZE || t.get_byte_enable_ptr()) {
    t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  delay += access_latency_;
  const sc_time at = sc_core::sc_time_stamp() + delay;
  uint32_t value;
  if (t.is_read()) {
    // An event load (cv.elw) of a wait register with nothing to return is
    // held back: the core sleeps until this core's line rises, then reads again.
    auto* ev = t.get_extension<EventLoadExtension>();
    const uint32_t reg = uint32_t(addr) % EU_CORE_STRIDE;
    if (ev && ev->event_load && addr < EU_SHARED_BASE && addr / EU_CORE_STRIDE < cores_.size() &&
        (reg == EU_EVENT_WAIT || reg == EU_EVENT_WAIT_CLEAR) &&
        read_reg(uint32_t(addr) - reg + EU_BUFFER_MASKED, at, false) == 0) {
      ev->not_ready = true;
      ++held_loads_;
      t.set_response_status(tlm::TLM_OK_RESPONSE);
      return;
    }
    value = read_reg(uint32_t(addr), at, true);
    std::memcpy(t.get_data_ptr(), &value, 4);
  } else if (t.is_write()) {
    std::memcpy(&value, t.get_data_ptr(), 4);
    write_reg(uint32_t(addr), value, at);
  }
  t.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned EventUnit::transport_dbg(tlm::tlm_generic_payload& t) {
  if (!t.is_read() || t.get_data_length() != 4 || t.get_address() + 4 > EU_BLOCK_SIZE) return 0;
  uint32_t v = read_reg(uint32_t(t.get_address()), sc_core::sc_max_time(), false);
  std::memcpy(t.get_data_ptr(), &v, 4);
  return 4;
}

}  // namespace vp
