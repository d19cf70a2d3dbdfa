#include "ima/ima.hpp"

#include <algorithm>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "ima_numerics.h"
#include "ima_regs.h"
#include "sim/simulation_error.hpp"
#include "sim/worker_pool.hpp"

namespace vp {

using sc_core::sc_time;

namespace {
// An input vector's pieces (cluster addresses, lengths): contiguous from
// `base`, or blocks of block_len bytes block_stride apart, the first entered
// block_offset bytes in.
template <class F>
void input_pieces(uint32_t base, uint32_t nrows, uint32_t block_len, uint32_t block_stride, uint32_t block_offset,
                  F&& f) {
  const uint32_t blk = block_len ? block_len : nrows, skip = block_len ? block_offset : 0;
  for (uint32_t done = 0, b = 0; done < nrows; ++b) {
    const uint32_t first = b == 0 ? skip : 0, n = std::min(blk - first, nrows - done);
    f(base - skip + b * block_stride + first, n);
    done += n;
  }
}
}  // namespace

Ima::Ima(sc_core::sc_module_name name, const ImaParams& p)
    : sc_core::sc_module(name),
      regs("regs"),
      l1("l1"),
      present_(p.present),
      cluster_id_(p.cluster_id),
      streamer_{p.l1, p.streamer_ports, p.port_bytes, p.cycle, p.l1_latency},
      rows_(p.rows),
      cols_(p.cols),
      dac_bits_(p.dac_bits),
      adc_bits_(p.adc_bits),
      adc_shift_(p.adc_shift),
      job_queue_(p.job_queue),
      mvm_(p.mvm),
      setup_(p.setup),
      program_setup_(p.program_setup),
      program_row_(p.program_row),
      lookahead_(p.lookahead),
      weights_(size_t(rows_) * cols_, 0),
      regfile_(0x1000, p.register_latency),
      trigger_("TRIGGER", IMA_REG_TRIGGER),
      status_("STATUS", IMA_REG_STATUS),
      info_("INFO", IMA_REG_INFO, p.rows | (p.cols << 16)),
      src_("SRC_ADDR", IMA_REG_SRC_ADDR),
      dst_("DST_ADDR", IMA_REG_DST_ADDR),
      src_stride_("SRC_STRIDE", IMA_REG_SRC_STRIDE),
      dst_stride_("DST_STRIDE", IMA_REG_DST_STRIDE),
      row0_("ROW_OFFSET", IMA_REG_ROW_OFFSET),
      nrows_("ROWS", IMA_REG_ROWS, p.rows),
      col0_("COL_OFFSET", IMA_REG_COL_OFFSET),
      ncols_("COLS", IMA_REG_COLS, p.cols),
      njobs_("JOBS", IMA_REG_JOBS, 1),
      out_size_("OUT_SIZE", IMA_REG_OUT_SIZE, 1),
      adc_reg_("ADC_SHIFT", IMA_REG_ADC_SHIFT),
      block_len_("IN_BLOCK_LEN", IMA_REG_IN_BLOCK_LEN),
      block_stride_("IN_BLOCK_STRIDE", IMA_REG_IN_BLOCK_STRIDE),
      block_offset_("IN_BLOCK_OFFSET", IMA_REG_IN_BLOCK_OFFSET),
      job_kind_("JOB_KIND", IMA_REG_JOB_KIND),
      wgt_index_("WGT_INDEX", IMA_REG_WGT_INDEX),
      wgt_data_("WGT_DATA", IMA_REG_WGT_DATA),
      noise_(p.noise) {
  // The binder (platform/params) reports these against the YAML; here they guard hand-filled params.
  if (rows_ == 0 || cols_ == 0 || rows_ > 0xFFFF || cols_ > 0xFFFF)
    throw std::invalid_argument("Ima: rows and cols must be 1..65535 (the 16-bit INFO fields)");

  regfile_.map(trigger_).on_write([this](uint32_t, const sc_time& at) { trigger(at); });
  regfile_.map(status_).read_only().on_read([this](const sc_time& at) { return status(at); });
  regfile_.map(info_).read_only().local();
  for (Register* r : {&src_, &dst_, &src_stride_, &dst_stride_, &row0_, &nrows_, &col0_, &ncols_, &njobs_,
                      &out_size_, &adc_reg_, &block_len_, &block_stride_, &block_offset_, &job_kind_, &wgt_index_})
    regfile_.map(*r).local();  // latched by the trigger, which takes the bus
  regfile_.map(wgt_data_)
      .local()
      .exclusive()  // a write waits for the jobs in flight and changes the weights they read
      .on_read([this](const sc_time&) {
        uint32_t v = 0;
        const uint64_t i = wgt_index_.get();
        for (unsigned b = 0; b < 4; ++b)
          if (i + b < weights_.size()) v |= uint32_t(uint8_t(weights_[i + b])) << (8 * b);
        return v;
      })
      .on_write([this](uint32_t v, const sc_time&) {
        const uint64_t i = wgt_index_.get();
        if (i + 4 > weights_.size()) {
          std::ostringstream m;
          m << "cluster " << cluster_id_ << " IMA: weight write at WGT_INDEX " << i << " beyond the "
            << rows_ << " x " << cols_ << " crossbar";
          throw SimulationError(m.str());
        }
        settle();
        for (unsigned b = 0; b < 4; ++b) weights_[i + b] = static_cast<int8_t>(v >> (8 * b));
        programmed_.clear();
        compensation_.clear();
        wgt_index_.set(static_cast<uint32_t>(i + 4));
      });
  regs.register_b_transport(this, &Ima::b_transport);
  regs.register_transport_dbg(this, &Ima::transport_dbg);
  SC_HAS_PROCESS(Ima);
  SC_THREAD(run);
}

void Ima::load_weights(unsigned row0, unsigned col0, unsigned nrows, unsigned ncols, const int8_t* w) {
  if (!present_) throw std::logic_error(std::string(name()) + ": weights for a cluster without an IMA");
  if (uint64_t(row0) + nrows > rows_ || uint64_t(col0) + ncols > cols_)
    throw std::out_of_range(std::string(name()) + ": weight block outside the crossbar");
  settle();
  for (unsigned r = 0; r < nrows; ++r)
    std::copy(w + size_t(r) * ncols, w + size_t(r + 1) * ncols, weights_.begin() + size_t(row0 + r) * cols_ + col0);
  programmed_.clear();
  compensation_.clear();
}

Ima::~Ima() {
  for (Job& j : jobs_)
    if (j.mvm) j.mvm->cancel_all();
  for (auto& t : handed_) t->wait();  // their outputs may still land in L1
}

void Ima::set_pool(WorkerPool* pool, bool l1_defers) {
  pool_ = pool && pool->threads() > 1 ? pool : nullptr;
  l1_defers_ = pool_ && l1_defers;
}

std::shared_ptr<Ima::Mvm> Ima::spare_mvm() {
  // use_count 1: only this list holds it (no job, worker queue, pending L1
  // write or read), so it has run or was never posted; done() orders its last run
  // before the reuse.
  // From the one after the last reused: they free up roughly in that order,
  // and a sequence's outputs may all wait in L1 at once, so look at a few only.
  for (size_t k = 0; k < std::min<size_t>(spares_.size(), 4); ++k) {
    auto& m = spares_[(next_spare_ + k) % spares_.size()];
    if (m.use_count() == 1 && m->done()) {
      next_spare_ = (next_spare_ + k + 1) % spares_.size();
      m->again();
      return m;
    }
  }
  auto m = std::make_shared<Mvm>();
  if (spares_.size() < kSpares) spares_.push_back(m);
  return m;
}

void Ima::InputCopy::body() { mvm->copy_input(); }

// The deferred input read (stream_in), from L1 as it was then: the L1 holds
// back writes to these bytes until this is done.
void Ima::Mvm::copy_input() {
  uint8_t* to = reinterpret_cast<uint8_t*>(input.data());
  input_pieces(in_base, static_cast<uint32_t>(input.size()), block_len, block_stride, block_offset,
               [&](uint32_t a, uint32_t n) {
                 uint64_t off = 0;
                 window->offset_of(a, n, off);  // in L1: the stream checked it
                 std::memcpy(to, l1 + off, n);
                 to += n;
               });
}

void Ima::Mvm::body() {
  if (l1) copy.wait();  // made here unless a writer made it first
  thread_local std::vector<int32_t> acc;
  acc.resize(ncols);
  if (noisy)
    ima_mvm_noisy(noise, noisy->weff.data(), noisy->var.data(), noisy->keys.data(), rows, ncols, input.data(), dac,
                  adc, shift, acc.data());
  else
    ima_mvm(w, cols, rows, col0, ncols, input.data(), dac, adc, shift, acc.data());
  // Each column saturated to OUT_SIZE bytes, little-endian. Locals and one
  // loop per size: through `output`'s bytes the compiler would reload every
  // member per byte (they may alias).
  const uint32_t n = ncols, bytes = size;
  const int32_t* a = acc.data();
  uint8_t* out = output.data();
  if (bytes == 1) {
    for (uint32_t c = 0; c < n; ++c) out[c] = uint8_t(ima_saturate(a[c], 8));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  } else if (bytes == 2) {  // int16 partial sums (the headline's): a host int16 is the element
    for (uint32_t c = 0; c < n; ++c) {
      const int16_t v = int16_t(ima_saturate(a[c], 16));
      std::memcpy(out + 2 * size_t(c), &v, 2);
    }
  } else if (bytes == 4) {  // an int32 sum is its own saturation
    std::memcpy(out, a, 4 * size_t(n));
#endif
  } else {
    for (uint32_t c = 0; c < n; ++c) {
      const uint32_t v = static_cast<uint32_t>(ima_saturate(a[c], 8 * bytes));
      for (uint32_t b = 0; b < bytes; ++b) out[size_t(c) * bytes + b] = uint8_t(v >> (8 * b));
    }
  }
}

void Ima::settle() {
  if (jobs_.empty() && handed_.empty()) return;  // a weight write after the first: nothing in flight
  for (Job& j : jobs_)
    if (j.mvm) j.mvm->wait();
  for (auto& t : handed_) t->wait();
  handed_.clear();
}

const Ima::Programmed& Ima::programmed(const Sequence& s) {
  Programmed& b = programmed_[{s.row0, s.nrows, s.col0, s.ncols}];
  if (b.keys.empty()) {
    b.weff.resize(size_t(s.nrows) * s.ncols);
    b.var.resize(b.weff.size());
    b.keys.resize(s.nrows);
    double comp = ima_noise_compensation(&noise_);
    if (noise_.compensate == IMA_NOISE_COMP_MEASURED) {
      // Reference reads of the job's columns over every row of the crossbar.
      auto it = compensation_.find({s.col0, s.ncols});
      if (it == compensation_.end()) {
        std::vector<int64_t> scratch(2 * size_t(s.ncols));
        it = compensation_
                 .emplace(std::array<uint32_t, 2>{s.col0, s.ncols},
                          ima_noise_measured_compensation(&noise_, weights_.data() + s.col0, cols_, rows_, s.ncols, 0,
                                                          scratch.data()))
                 .first;
      }
      comp = it->second;
    }
    ima_noise_program_block_comp(&noise_, weights_.data() + size_t(s.row0) * cols_ + s.col0, cols_, s.nrows, s.ncols,
                                 comp, b.weff.data(), b.var.data(), b.keys.data());
  }
  return b;
}

// Sequences waiting at `at` behind the running one (the one the input
// streamer works on, or will start next). The thread streams ahead of SystemC
// time (run()), so a sequence taken up, or even retired, later than `at`
// still counts: take_ups_ keeps when each was taken up.
size_t Ima::pending(const sc_time& at) const {
  size_t n = 0;  // the running one was taken up at or before `at`
  for (auto t = take_ups_.rbegin(); t != take_ups_.rend() && *t > at; ++t) ++n;
  return n;
}

uint32_t Ima::status(const sc_time& at) {
  while (!ends_.empty() && ends_.front() <= at) {
    ends_.pop_front();
    ++done_;
  }
  const bool busy = !seqs_.empty() || !ends_.empty();
  const uint32_t queued = static_cast<uint32_t>(std::min<size_t>(pending(at), 0xFF));
  return (busy ? IMA_STATUS_BUSY : 0u) | (queued << IMA_STATUS_QUEUED_SHIFT) | (done_ << IMA_STATUS_DONE_SHIFT);
}

void Ima::trigger(const sc_time& at) {
  Sequence s{src_.get(), dst_.get(), src_stride_.get(), dst_stride_.get(), row0_.get(),
             nrows_.get(), col0_.get(), ncols_.get(), njobs_.get(), out_size_.get(),
             (adc_reg_.get() & IMA_ADC_SHIFT_OVERRIDE) ? (adc_reg_.get() & 0x1F) : adc_shift_,
             block_len_.get(), block_stride_.get(), block_offset_.get(), job_kind_.get(), at + setup_};
  // The checks below, without building a message (an ostringstream per trigger cost more than the rest).
  const bool fits = s.nrows != 0 && uint64_t(s.row0) + s.nrows <= rows_ && s.ncols != 0 &&
                    uint64_t(s.col0) + s.ncols <= cols_ && s.jobs != 0 && pending(at) < job_queue_;
  const bool ok = fits && ((s.kind == IMA_KIND_PROGRAM && s.jobs == 1) ||
                           (s.kind == IMA_KIND_MVM && (s.out_size == 1 || s.out_size == 2 || s.out_size == 4) &&
                            !(s.block_len && s.block_offset >= s.block_len)));
  if (ok) return queue(s, at);
  std::ostringstream m;
  m << "cluster " << cluster_id_ << " IMA: trigger with ";
  if (s.kind != IMA_KIND_MVM && s.kind != IMA_KIND_PROGRAM)
    m << "JOB_KIND " << s.kind << " (must be " << IMA_KIND_MVM << ", MVM, or " << IMA_KIND_PROGRAM << ", PROGRAM)";
  else if (s.nrows == 0 || uint64_t(s.row0) + s.nrows > rows_)
    m << "ROW_OFFSET " << s.row0 << " + ROWS " << s.nrows << " outside the crossbar's " << rows_ << " rows";
  else if (s.ncols == 0 || uint64_t(s.col0) + s.ncols > cols_)
    m << "COL_OFFSET " << s.col0 << " + COLS " << s.ncols << " outside the crossbar's " << cols_ << " columns";
  else if (s.jobs == 0)
    m << "JOBS 0 (a sequence has at least one job)";
  else if (s.kind == IMA_KIND_PROGRAM) {
    if (!check_program(s, at, m)) m.str("");
  } else if (s.out_size != 1 && s.out_size != 2 && s.out_size != 4)
    m << "OUT_SIZE " << s.out_size << " (must be 1, 2 or 4)";
  else if (s.block_len && s.block_offset >= s.block_len)
    m << "IN_BLOCK_OFFSET " << s.block_offset << " not inside IN_BLOCK_LEN " << s.block_len;
  else if (pending(at) >= job_queue_)
    m << pending(at) << " sequences already queued (cluster.ima.job_queue = " << job_queue_ << ")";
  else
    m.str("");
  if (!m.str().empty()) throw SimulationError(m.str());
  queue(s, at);
}

void Ima::take_up(const sc_time& at) {
  last_taken_up_ = at;
  // Times no reader can ask about any more (a read is at or after SystemC time).
  const sc_time now = sc_core::sc_time_stamp();
  while (!take_ups_.empty() && take_ups_.front() <= now && taken_up_ > 0) take_ups_.pop_front(), --taken_up_;
  if (taken_up_ < take_ups_.size()) take_ups_[taken_up_++] = at;
}

void Ima::queue(const Sequence& s, const sc_time& at) {
  seqs_.push_back(s);
  take_ups_.push_back(sc_core::sc_max_time());
  // Nothing ahead of it: the streamer takes it up now, or when it took up the
  // last one; and only then can it change what run() does next. Queued behind
  // another, it waits for that one to be streamed in, which run() meets on its
  // own: waking it would only make it wait again for the same time.
  if (in_seq_ != seqs_.size() - 1) return;
  take_up(std::max(at, last_taken_up_));
  trigger_ev_.notify(sc_core::SC_ZERO_TIME);
}

void Ima::run() {
  for (;;) {
    // Compute every job whose input is in and whose output buffer is free:
    // computing is timing only, no L1 effect, so it needs no wake-up of its own.
    while (computed_ < in_done_ && computed_ < out_done_ + 2) compute(jobs_[computed_ - out_done_]);
    if (program_next()) {  // a program sequence runs alone, after every earlier job is out
      const sc_time t = program_start();
      if (t > sc_core::sc_time_stamp()) wait(t - sc_core::sc_time_stamp());
      program();
      continue;
    }
    const bool can_in = in_seq_ < seqs_.size() && seqs_[in_seq_].kind == IMA_KIND_MVM && in_done_ < computed_ + 2;
    const bool can_out = out_done_ < computed_;
    if (!can_in && !can_out) {
      wait(trigger_ev_);
      continue;
    }
    sc_time t_in, t_out;
    if (can_in) t_in = std::max({seqs_[in_seq_].start, in_streamer_free_, in_free_[in_done_ % 2]});
    if (can_out) t_out = std::max(jobs_.front().compute_end, out_streamer_free_);
    const bool out_first = can_out && (!can_in || t_out <= t_in);
    const sc_time t = out_first ? t_out : t_in;
    // Streams up to `lookahead_` ahead of SystemC time, as the DMA does within
    // a quantum: one wake-up for a run of jobs instead of two per job. A stream
    // books the L1 at its own time; a trigger may bring earlier work meanwhile.
    // Not past an event it raised until that event's time: the cores it wakes
    // would first land every output streamed so far, whose MVMs a worker may
    // have only just been given.
    const sc_time now = sc_core::sc_time_stamp();
    if (t > now) {
      const bool fenced = raised_ > now && t > raised_;
      if (fenced || t - now > lookahead_) {
        wait((fenced ? raised_ : t) - now, trigger_ev_);
        continue;
      }
    }
    if (out_first) stream_out(t);
    else stream_in(t);
  }
}

void Ima::stream_in(const sc_time& at) {
  Sequence& s = seqs_[in_seq_];
  const uint32_t j = s.jobs_in++;
  Job job{in_seq_, j, {}, {}, spare_mvm()};
  job.mvm->input.resize(s.nrows);
  std::vector<std::pair<uint32_t, uint32_t>>& pieces = pieces_;
  pieces.clear();
  const uint32_t base = s.src + j * s.src_stride;
  input_pieces(base, s.nrows, s.block_len, s.block_stride, s.block_offset,
               [&](uint32_t a, uint32_t n) { pieces.emplace_back(a, n); });
  // Computed right after this (its output buffer is free, nothing before it
  // waits): its MVM task, posted there, may copy the input from L1 itself.
  // The L1 waits for that copy before any write to those bytes.
  const bool defer = l1_defers_ && computed_ == in_done_ && computed_ < out_done_ + 2;
  Mvm& m = *job.mvm;
  m.l1 = nullptr;
  m.window = &streamer_.window;
  m.in_base = base, m.block_len = s.block_len, m.block_stride = s.block_stride, m.block_offset = s.block_offset;
  DeferredData later;  // the copy's Mvm owns the buffer: no `keep`
  if (defer) {
    later.ready = std::shared_ptr<AsyncTask>(job.mvm, &m.copy);  // the L1 holds the Mvm
    later.read_base = &m.l1;
  }
  try {
    job.in_end = stream(tlm::TLM_READ_COMMAND, pieces, reinterpret_cast<uint8_t*>(job.mvm->input.data()),
                        at, "input", j, defer ? &later : nullptr);
  } catch (...) {
    job.mvm->cancel_all();  // never computed: the L1's pending reads must not run it
    throw;
  }
  in_streamer_free_ = job.in_end;
  jobs_.push_back(std::move(job));
  ++in_done_;
  if (s.jobs_in == s.jobs) {
    raised_ = std::max(raised_, in_streamer_free_);
    if (on_event_) on_event_(IMA_EVENT_READY, in_streamer_free_);
    ++in_seq_;
    take_up(at);
  }
}

void Ima::compute(Job& job) {
  const Sequence& s = seqs_[job.seq];
  const sc_time start = std::max({job.in_end, compute_free_, out_free_[computed_ % 2]});
  job.compute_end = start + mvm_;
  compute_free_ = job.compute_end;
  in_free_[computed_ % 2] = job.compute_end;
  compute_time_ += mvm_;
  rows_driven_ += s.nrows;
  columns_converted_ += s.ncols;
  cells_used_ += uint64_t(s.nrows) * s.ncols;
  if (kTracing && tracer_) tracer_->span(cluster_id_, TraceUnit::kImaCompute, 0, computed_, start, job.compute_end);
  // The numeric result: everything it reads stays as it is until the job's
  // outputs land (weights and programmed blocks change only after settle()),
  // so it may run on the pool meanwhile.
  Mvm& m = *job.mvm;
  // Nothing waits for the MVM before this (a write over a deferred input
  // read runs only its copy): run before, it would have computed nothing.
  if (m.done()) throw std::logic_error(std::string(name()) + ": MVM task run before its job was computed");
  m.output.resize(size_t(s.ncols) * s.out_size);
  m.noisy = noise_.enabled ? &programmed(s) : nullptr;  // one branch per MVM, none per MAC
  m.noise = &noise_;
  m.w = weights_.data() + size_t(s.row0) * cols_;
  m.cols = cols_, m.rows = s.nrows, m.col0 = s.col0, m.ncols = s.ncols;
  m.dac = dac_bits_, m.adc = adc_bits_, m.shift = s.adc_shift, m.size = s.out_size;
  if (pool_) pool_->post(job.mvm);
  else job.mvm->wait();  // runs it here
  ++computed_;
}

void Ima::stream_out(const sc_time& at) {
  Job& job = jobs_.front();
  Sequence& s = seqs_[job.seq];
  std::vector<std::pair<uint32_t, uint32_t>>& pieces = pieces_;
  pieces.assign(1, {s.dst + job.index * s.dst_stride, static_cast<uint32_t>(job.mvm->output.size())});
  sc_time end;
  if (l1_defers_) {
    // The stream's timing does not depend on the data: the L1 books it now
    // and copies the outputs once the MVM has run. The buffers the MVM uses
    // go with the write.
    const DeferredData later{job.mvm, job.mvm};
    end = stream(tlm::TLM_WRITE_COMMAND, pieces, job.mvm->output.data(), at, "output",
                 job.index, &later);
    while (!handed_.empty() && handed_.front()->done()) handed_.pop_front();
    handed_.push_back(job.mvm);
  } else {
    job.mvm->wait();
    end = stream(tlm::TLM_WRITE_COMMAND, pieces, job.mvm->output.data(), at, "output",
                 job.index);
  }
  out_streamer_free_ = end;
  out_free_[out_done_ % 2] = end;
  ++out_done_;
  ++jobs_done_;
  const bool last = ++s.jobs_out == s.jobs;
  jobs_.pop_front();
  if (!last) return;
  // The sequence (always the oldest) is complete.
  ends_.insert(std::upper_bound(ends_.begin(), ends_.end(), end), end);
  if (kTracing && tracer_) tracer_->span(cluster_id_, TraceUnit::kImaSequence, 0, s.jobs, s.start, end);
  seqs_.pop_front();
  --in_seq_;
  for (Job& j : jobs_) --j.seq;
  raised_ = std::max(raised_, end);
  if (on_event_) on_event_(IMA_EVENT_DONE, end);
}

sc_time Ima::stream(tlm::tlm_command cmd, const std::vector<std::pair<uint32_t, uint32_t>>& pieces,
                    uint8_t* data, sc_time start, const char* what, uint32_t job, const DeferredData* later) {
  return streamer_.stream(l1, cmd, pieces, data, start, [&](size_t i, uint64_t addr, const std::string& why) {
    const auto& piece = pieces[i];
    std::ostringstream m;
    m << "cluster " << cluster_id_ << " IMA: job " << job << " " << what;
    uint64_t offset = 0;
    if (streamer_.window.offset_of(piece.first, piece.second, offset))  // in L1: an access failed
      m << " access at L1 offset 0x" << std::hex << offset + (addr - piece.first) << " failed (" << why << ")";
    else
      m << " [0x" << std::hex << piece.first << ", 0x" << (uint64_t(piece.first) + piece.second)
        << ") is outside the cluster's L1";
    throw SimulationError(m.str());
  }, later);
}

}  // namespace vp
