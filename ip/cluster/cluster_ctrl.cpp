#include "cluster_ctrl.hpp"

#include <cstring>

#include <fmt/format.h>

#include "core_id_extension.hpp"

namespace vp {

using sc_core::sc_time;

ClusterCtrl::ClusterCtrl(sc_core::sc_module_name name, const ClusterParams& p, std::ostream& console)
    : sc_module(name),
      socket("socket"),
      cluster_id_(p.id),
      clusters_(p.clusters),
      cores_(p.cores),
      global_base_(uint32_t(p.map.global_base)),
      global_stride_(uint32_t(p.map.stride)),
      cycle_(p.cycle),
      latency_(cycle_),
      console_(console),
      lines_(p.cores),
      last_lines_(p.cores),
      phases_(p.cores),
      cycles_hi_latch_(p.cores + 1, 0) {
  socket.register_b_transport(this, &ClusterCtrl::b_transport);
  socket.register_transport_dbg(this, &ClusterCtrl::transport_dbg);
}

RegisterDump ClusterCtrl::dump_registers() const {
  RegisterDump d{{"CLUSTER_ID", CLUSTER_CTRL_CLUSTER_ID, cluster_id_},
                 {"NUM_CLUSTERS", CLUSTER_CTRL_NUM_CLUSTERS, clusters_},
                 {"NUM_CORES", CLUSTER_CTRL_NUM_CORES, cores_},
                 {"GLOBAL_BASE", CLUSTER_CTRL_GLOBAL_BASE, global_base_},
                 {"GLOBAL_STRIDE", CLUSTER_CTRL_GLOBAL_STRIDE, global_stride_},
                 {"EXIT", CLUSTER_CTRL_EXIT, exited_ ? uint32_t(exit_code_) : 0u}};
  // PHASE is write-only: the dump shows the phase each core last entered.
  for (unsigned k = 0; k < cores_; ++k)
    d.push_back({fmt::format("CORE{}_PHASE", k), CLUSTER_CTRL_PHASE, phases_[k].current});
  return d;
}

uint32_t ClusterCtrl::read_reg(uint32_t off, sc_time at, unsigned reader) {
  switch (off) {
    case CLUSTER_CTRL_CLUSTER_ID: return cluster_id_;
    case CLUSTER_CTRL_NUM_CLUSTERS: return clusters_;
    case CLUSTER_CTRL_NUM_CORES: return cores_;
    case CLUSTER_CTRL_GLOBAL_BASE: return global_base_;
    case CLUSTER_CTRL_GLOBAL_STRIDE: return global_stride_;
    case CLUSTER_CTRL_CYCLES_LO: {
      uint64_t cycles = at.value() / cycle_.value();
      cycles_hi_latch_.at(reader) = cycles >> 32;
      return uint32_t(cycles);
    }
    case CLUSTER_CTRL_CYCLES_HI: return uint32_t(cycles_hi_latch_.at(reader));
    default: return 0;
  }
}

void ClusterCtrl::putchar(unsigned core, char c) {
  std::string& line = lines_.at(core);
  if (c != '\n') {
    line.push_back(c);
    if (line.size() < 4096) return;
  }
  console_ << fmt::format("[c{}.{}] {}\n", cluster_id_, core, line);
  console_.flush();
  last_lines_[core].swap(line);
  line.clear();
}

void ClusterCtrl::flush_console() {
  for (unsigned c = 0; c < lines_.size(); ++c)
    if (!lines_[c].empty()) putchar(c, '\n');
}

void ClusterCtrl::b_transport(tlm::tlm_generic_payload& t, sc_time& delay) {
  const uint64_t off = t.get_address();
  if (t.get_data_length() != 4 || (off & 3) || off >= CLUSTER_CTRL_BLOCK_SIZE || t.get_byte_enable_ptr()) {
    t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const sc_time at = sc_core::sc_time_stamp() + delay;
  delay += latency_;
  // The core-specific registers need to know the accessing core.
  rv::CoreIdExtension* id = nullptr;
  t.get_extension(id);
  const bool from_core = id && id->cluster_id == cluster_id_ && id->core_id < cores_;
  if (t.is_read()) {
    // Each core latches its own CYCLES_HI; other masters share the last slot.
    uint32_t v = read_reg(uint32_t(off), at, from_core ? id->core_id : cores_);
    std::memcpy(t.get_data_ptr(), &v, 4);
    t.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  uint32_t v;
  std::memcpy(&v, t.get_data_ptr(), 4);
  switch (off) {
    case CLUSTER_CTRL_PUTCHAR:
      putchar(from_core ? id->core_id : 0, char(v));
      break;
    case CLUSTER_CTRL_EXIT:
      if (!exited_) {
        exited_ = true;
        exit_code_ = int32_t(v);
        exit_time_ = at;
        flush_console();
        if (tracer_)
          for (unsigned k = 0; k < cores_; ++k) trace_halt(k, at);
        if (on_exit) on_exit(exit_code_, at);
      }
      break;
    case CLUSTER_CTRL_FAULT: {
      // The message is what the core printed last: its unfinished line, else its last line.
      if (!from_core) return t.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
      const unsigned core = id->core_id;
      const std::string message = lines_[core].empty() ? last_lines_[core] : lines_[core];
      flush_console();
      if (tracer_) trace_halt(core, at);
      if (on_fault) on_fault(core, int32_t(v), message);
      break;
    }
    case CLUSTER_CTRL_CORE_HALT:
      if (!from_core) return t.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
      if (tracer_) trace_halt(id->core_id, at);
      if (on_core_halt) on_core_halt(id->core_id, at);
      break;
    case CLUSTER_CTRL_PHASE: {
      if (!from_core || v >= CLUSTER_NUM_PHASES) return t.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
      PhaseState& p = phases_[id->core_id];
      if (at > p.since) p.total[p.current] += at - p.since;
      if (tracer_ && at > p.since && !p.halted)
        tracer_->span(cluster_id_, TraceUnit::kCorePhase, id->core_id, p.current, p.since, at);
      p.current = v;
      p.since = std::max(p.since, at);
      break;
    }
    case CLUSTER_CTRL_IMAGE_DONE:
      image_marks_.emplace_back(v, at);
      break;
    default:
      return t.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
  }
  t.set_response_status(tlm::TLM_OK_RESPONSE);
}

void ClusterCtrl::trace_halt(unsigned core, const sc_time& at) {
  PhaseState& p = phases_.at(core);
  if (p.halted) return;
  if (at > p.since) tracer_->span(cluster_id_, TraceUnit::kCorePhase, core, p.current, p.since, at);
  tracer_->span(cluster_id_, TraceUnit::kCoreHalt, core, 0, at, at);
  p.halted = true;
}

void ClusterCtrl::end_trace(const sc_time& at) {
  if (!tracer_) return;
  for (unsigned k = 0; k < cores_; ++k) {
    const PhaseState& p = phases_[k];
    if (!p.halted && at > p.since) tracer_->span(cluster_id_, TraceUnit::kCorePhase, k, p.current, p.since, at);
  }
}

unsigned ClusterCtrl::transport_dbg(tlm::tlm_generic_payload& t) {
  if (!t.is_read() || t.get_data_length() != 4 || t.get_address() >= CLUSTER_CTRL_BLOCK_SIZE) return 0;
  uint32_t v = 0;
  switch (t.get_address()) {
    case CLUSTER_CTRL_CLUSTER_ID: v = cluster_id_; break;
    case CLUSTER_CTRL_NUM_CLUSTERS: v = clusters_; break;
    case CLUSTER_CTRL_NUM_CORES: v = cores_; break;
    case CLUSTER_CTRL_GLOBAL_BASE: v = global_base_; break;
    case CLUSTER_CTRL_GLOBAL_STRIDE: v = global_stride_; break;
    default: break;
  }
  std::memcpy(t.get_data_ptr(), &v, 4);
  return 4;
}

}  // namespace vp
