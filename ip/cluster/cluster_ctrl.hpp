#pragma once
// The cluster control block: identity and time for the firmware, the console
// (a putchar register, each core's output prefixed "[c<cluster>.<core>]"),
// the exit and core-halt registers, and the phase marks the per-cluster time
// breakdown is built from.
#include <array>
#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "cluster_ctrl_regs.h"
#include "cluster_params.hpp"
#include "common/register_file.hpp"
#include "sim/activity_tracer.hpp"

namespace vp {

class ClusterCtrl : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<ClusterCtrl> socket;

  // A core of this cluster halts itself (core_id) or the cluster exits (all cores).
  std::function<void(unsigned core, sc_core::sc_time at)> on_core_halt;
  std::function<void(int code, sc_core::sc_time at)> on_exit;
  // A core refuses to go on (FAULT): its code and message (its last console line).
  std::function<void(unsigned core, int code, const std::string& message)> on_fault;

  ClusterCtrl(sc_core::sc_module_name name, const ClusterParams& p, std::ostream& console);

  bool exited() const { return exited_; }
  int exit_code() const { return exit_code_; }
  sc_core::sc_time exit_time() const { return exit_time_; }
  // Time each core spent in each reported phase (up to its last mark).
  sc_core::sc_time phase_time(unsigned core, unsigned phase) const { return phases_.at(core).total.at(phase); }
  // (image, time) of every IMAGE_DONE mark, in the order written.
  const std::vector<std::pair<uint32_t, sc_core::sc_time>>& image_marks() const { return image_marks_; }
  void flush_console();
  // The identification registers, the exit code and each core's current phase.
  RegisterDump dump_registers() const;
  // Tracing (null: off): phase spans and halts of each core. end_trace closes
  // the spans still open at the end of the run.
  void set_tracer(ActivityTracer* t) { tracer_ = t; }
  void end_trace(const sc_core::sc_time& at);

 private:
  struct PhaseState {
    unsigned current = CLUSTER_PHASE_COMPUTE;
    sc_core::sc_time since;
    std::array<sc_core::sc_time, CLUSTER_NUM_PHASES> total{};
    bool halted = false;  // traced as halted: no more spans
  };
  void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& t);
  uint32_t read_reg(uint32_t off, sc_core::sc_time at, unsigned reader);
  void putchar(unsigned core, char c);

  unsigned cluster_id_, clusters_, cores_;
  uint32_t global_base_, global_stride_;
  sc_core::sc_time cycle_, latency_;
  std::ostream& console_;
  std::vector<std::string> lines_;
  std::vector<std::string> last_lines_;  // each core's last complete console line (a FAULT's message)
  std::vector<PhaseState> phases_;
  std::vector<uint64_t> cycles_hi_latch_;  // per core, plus one for other masters
  std::vector<std::pair<uint32_t, sc_core::sc_time>> image_marks_;
  bool exited_ = false;
  int exit_code_ = 0;
  sc_core::sc_time exit_time_;
  ActivityTracer* tracer_ = nullptr;
  void trace_halt(unsigned core, const sc_core::sc_time& at);
};

}  // namespace vp
