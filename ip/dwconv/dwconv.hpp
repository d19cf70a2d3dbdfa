#pragma once
// The depthwise-convolution accelerator of the heterogeneous IMC cluster
// (Garofalo et al., JETCAS 2022): the digital engine that runs the depthwise
// layers a crossbar maps badly (a KxK depthwise filter uses K*K of a
// crossbar's rows per channel). Register map: contracts/dwconv_regs.h;
// numerics: contracts/dwconv_numerics.h.
//
// It works on `lanes` channels at a time, one output row per job: a job
// streams in the input rows its window needs that its line buffer does not
// hold yet (and, at the first row of a channel group, the group's weights and
// quantization entries), computes OUT_W pixels at ceil(K*K / taps_per_cycle)
// cycles each, and streams the row's outputs out. Jobs go channel group by
// channel group, rows in order. Like the IMA's (Fig. 3) the three phases of
// consecutive jobs overlap with two input and two output buffers:
//   in(g)      starts when the read streamer is free and compute(g-2) has
//              released input buffer g % 2;
//   compute(g) starts when in(g), compute(g-1) and out(g-2) are done;
//   out(g)     starts when compute(g) is done and the write streamer is free.
// Streams are real L1 accesses (ip/common/l1_streamer.hpp), so bank conflicts
// with the cores, the DMA and the IMA stretch them.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "common/l1_streamer.hpp"
#include "common/register_file.hpp"
#include "dwconv/dwconv_params.hpp"
#include "sim/activity_tracer.hpp"

namespace vp {

class Dwconv : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Dwconv> regs;   // register block (offsets from the accelerator's base)
  tlm_utils::simple_initiator_socket<Dwconv> l1;  // the streamers, toward L1 (offsets within L1)

  // DWCONV_EVENT_DONE at the absolute simulated time it happens.
  using EventFn = std::function<void(unsigned line, sc_core::sc_time at)>;

  Dwconv(sc_core::sc_module_name name, const DwconvParams& p);

  void set_event_callback(EventFn f) { on_event_ = std::move(f); }
  void set_tracer(ActivityTracer* t) { tracer_ = t; }  // null: no tracing
  RegisterDump dump_registers(const sc_core::sc_time& at) const { return regfile_.dump(at); }

  // Statistics: convolutions completed, jobs (output rows of a channel group),
  // multiply-accumulates the lanes did (K*K per output element, padding
  // taps included: the datapath spends them) and busy time of the datapath.
  uint64_t convolutions_done() const { return convolutions_done_; }
  uint64_t jobs_done() const { return jobs_done_; }
  uint64_t macs() const { return macs_; }
  sc_core::sc_time compute_time() const { return compute_time_; }

 private:
  struct Sequence {  // the registers as latched by a trigger, and what follows from them
    uint32_t in, out, wgt, quant, h, w, c, k, stride, pt, pl, pb, pr, ips, ops;
    int8_t lo, hi;
    uint32_t oh, ow, groups, jobs;
    sc_core::sc_time start;
    uint32_t jobs_in = 0, jobs_out = 0;
  };
  struct Job {
    size_t seq;          // index into seqs_ (adjusted as sequences retire)
    uint32_t group, oy, n;  // channel group, output row, channels in the group
    sc_core::sc_time in_end, compute_end;
    std::vector<int8_t> window;   // K rows x W pixels x n channels (zero rows where padded)
    std::vector<int8_t> weights;  // K*K x n
    std::vector<int32_t> quant;   // n x {bias, mult, shift}
    std::vector<uint8_t> output;  // OUT_W x n
  };

  void run();
  void stream_in();
  void compute(Job& job);
  void stream_out();
  sc_core::sc_time stream(tlm::tlm_command cmd, const std::vector<std::pair<uint32_t, uint32_t>>& pieces,
                          uint8_t* data, const char* what, const Job& job);
  void trigger(const sc_core::sc_time& at);
  uint32_t status(const sc_core::sc_time& at);
  size_t pending() const;
  void b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) { regfile_.b_transport(tx, delay); }
  unsigned transport_dbg(tlm::tlm_generic_payload& tx) { return regfile_.transport_dbg(tx); }

  unsigned cluster_id_, lanes_, taps_per_cycle_;
  size_t job_queue_;
  sc_core::sc_time cycle_, setup_;
  L1Streamer streamer_;
  RegisterFile regfile_;
  // The registers of dwconv_regs.h, in offset order.
  Register trigger_, status_, info_, in_, out_, wgt_, quant_, h_, w_, c_, k_, stride_, pad_, clip_, ips_, ops_;
  EventFn on_event_;
  ActivityTracer* tracer_ = nullptr;
  sc_core::sc_event trigger_ev_;

  std::deque<Sequence> seqs_;  // triggered, not yet fully streamed out
  size_t in_seq_ = 0;          // sequence of the next job to stream in
  std::deque<Job> jobs_;       // streamed in, not yet streamed out (at most 4)
  uint64_t in_done_ = 0, computed_ = 0, out_done_ = 0;
  sc_core::sc_time in_free_[2], out_free_[2];
  sc_core::sc_time in_streamer_free_, out_streamer_free_, compute_free_;
  std::deque<sc_core::sc_time> ends_;
  uint32_t done_ = 0;
  // The line buffer of the group being streamed in: input row -> W x n values.
  std::map<int64_t, std::vector<int8_t>> lines_;
  std::vector<int8_t> group_weights_;
  std::vector<int32_t> group_quant_;
  uint64_t convolutions_done_ = 0, jobs_done_ = 0, macs_ = 0;
  sc_core::sc_time compute_time_;
};

}  // namespace vp
