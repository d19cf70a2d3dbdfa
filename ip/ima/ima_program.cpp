// The IMA's weight-programming path (IMA_KIND_PROGRAM of contracts/ima_regs.h):
// the input streamer reads a block of int8 weights from L1 a crossbar row at a
// time and the array writes it, row by row (all columns of a row at once, as
// row-wise PCM programming and SRAM word-line writes both do). Two row buffers:
// row r+1 streams in while row r is written.
//
// A program sequence runs alone: it starts once every earlier job has written
// its outputs (the crossbar cannot compute and be written at once), and jobs
// triggered after it compute on the new weights, so the numerics stay those of
// a crossbar loaded before the run.
#include <algorithm>
#include <sstream>

#include "ima/ima.hpp"
#include "ima_regs.h"

namespace vp {

using sc_core::sc_time;

bool Ima::check_program(const Sequence& s, const sc_time& at, std::ostream& m) const {
  if (s.jobs != 1) m << "JOB_KIND PROGRAM with JOBS " << s.jobs << " (a program sequence is one block: JOBS 1)";
  else if (pending(at) >= job_queue_)
    m << pending(at) << " sequences already queued (cluster.ima.job_queue = " << job_queue_ << ")";
  else
    return false;
  return true;
}

bool Ima::program_next() const {
  return in_seq_ < seqs_.size() && seqs_[in_seq_].kind == IMA_KIND_PROGRAM && out_done_ == in_done_;
}

sc_time Ima::program_start() const {
  return std::max({seqs_[in_seq_].start, in_streamer_free_, out_streamer_free_, compute_free_});
}

void Ima::program() {
  // Drained: every earlier sequence has streamed out and retired, so this one is the oldest.
  settle();  // no MVM of an earlier job may still read the weights on the pool
  Sequence& s = seqs_.front();
  const sc_time start = sc_core::sc_time_stamp();
  std::vector<int8_t> row(s.ncols);
  sc_time stream_free = start + program_setup_, written = start + program_setup_, writing = written;
  for (uint32_t r = 0; r < s.nrows; ++r) {
    // Row r streams in once the streamer is free and its buffer is (row r-2 written, i.e. row r-1 started).
    const sc_time in_end = stream(tlm::TLM_READ_COMMAND, {{s.src + r * s.src_stride, s.ncols}},
                                  reinterpret_cast<uint8_t*>(row.data()), std::max(stream_free, writing), "program weights", r);
    stream_free = in_end;
    writing = std::max(in_end, written);
    written = writing + program_row_;
    std::copy(row.begin(), row.end(), weights_.begin() + size_t(s.row0 + r) * cols_ + s.col0);
  }
  // The noisy crossbar's programmed blocks and measured compensation are redrawn from the new weights.
  programmed_.clear();
  compensation_.clear();
  in_streamer_free_ = stream_free;
  compute_free_ = written;  // the next job computes on the new weights
  ++programs_done_;
  cells_programmed_ += uint64_t(s.nrows) * s.ncols;
  program_time_ += written - start;
  if (on_event_) on_event_(IMA_EVENT_READY, stream_free);
  ends_.insert(std::upper_bound(ends_.begin(), ends_.end(), written), written);
  if (kTracing && tracer_) tracer_->span(cluster_id_, TraceUnit::kImaSequence, 0, 0, s.start, written);
  seqs_.pop_front();
  take_up(start);  // in_seq_ is 0: the next sequence
  if (on_event_) on_event_(IMA_EVENT_DONE, written);
}

}  // namespace vp
