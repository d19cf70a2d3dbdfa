#include "dwconv/dwconv.hpp"

#include <algorithm>
#include <sstream>

#include "dwconv_numerics.h"
#include "dwconv_regs.h"
#include "sim/simulation_error.hpp"

namespace vp {

using sc_core::sc_time;

Dwconv::Dwconv(sc_core::sc_module_name name, const DwconvParams& p)
    : sc_core::sc_module(name),
      regs("regs"),
      l1("l1"),
      cluster_id_(p.cluster_id),
      lanes_(p.lanes),
      taps_per_cycle_(p.taps_per_cycle),
      job_queue_(p.job_queue),
      cycle_(p.cycle),
      setup_(p.setup),
      streamer_{p.l1, p.streamer_ports, p.port_bytes, p.cycle, p.l1_latency},
      regfile_(0x1000, p.register_latency),
      trigger_("TRIGGER", DWCONV_REG_TRIGGER),
      status_("STATUS", DWCONV_REG_STATUS),
      info_("INFO", DWCONV_REG_INFO, p.lanes | (DWCONV_MAX_KERNEL << 8)),
      in_("IN_ADDR", DWCONV_REG_IN_ADDR),
      out_("OUT_ADDR", DWCONV_REG_OUT_ADDR),
      wgt_("WGT_ADDR", DWCONV_REG_WGT_ADDR),
      quant_("QUANT_ADDR", DWCONV_REG_QUANT_ADDR),
      h_("IN_H", DWCONV_REG_IN_H, 1),
      w_("IN_W", DWCONV_REG_IN_W, 1),
      c_("CHANNELS", DWCONV_REG_CHANNELS, 1),
      k_("KERNEL", DWCONV_REG_KERNEL, 3),
      stride_("STRIDE", DWCONV_REG_STRIDE, 1),
      pad_("PAD", DWCONV_REG_PAD),
      clip_("CLIP", DWCONV_REG_CLIP, DWCONV_CLIP(-128, 127)),
      ips_("IN_PIX_STRIDE", DWCONV_REG_IN_PIX_STRIDE),
      ops_("OUT_PIX_STRIDE", DWCONV_REG_OUT_PIX_STRIDE) {
  // The binder (platform/params) reports these against the YAML; here they guard hand-filled params.
  if (lanes_ == 0 || lanes_ > 255 || taps_per_cycle_ == 0 || streamer_.ports == 0 || streamer_.port_bytes == 0)
    throw std::invalid_argument("Dwconv: lanes must be 1..255, taps_per_cycle, ports and port_bytes positive");
  regfile_.map(trigger_).on_write([this](uint32_t, const sc_time& at) { trigger(at); });
  regfile_.map(status_).read_only().on_read([this](const sc_time& at) { return status(at); });
  regfile_.map(info_).read_only();
  for (Register* r : {&in_, &out_, &wgt_, &quant_, &h_, &w_, &c_, &k_, &stride_, &pad_, &clip_, &ips_, &ops_})
    regfile_.map(*r);
  regs.register_b_transport(this, &Dwconv::b_transport);
  regs.register_transport_dbg(this, &Dwconv::transport_dbg);
  SC_HAS_PROCESS(Dwconv);
  SC_THREAD(run);
}

size_t Dwconv::pending() const {
  const size_t not_streamed_in = seqs_.size() - in_seq_;
  return not_streamed_in ? not_streamed_in - 1 : 0;
}

uint32_t Dwconv::status(const sc_time& at) {
  while (!ends_.empty() && ends_.front() <= at) {
    ends_.pop_front();
    ++done_;
  }
  const bool busy = !seqs_.empty() || !ends_.empty();
  const uint32_t queued = static_cast<uint32_t>(std::min<size_t>(pending(), 0xFF));
  return (busy ? DWCONV_STATUS_BUSY : 0u) | (queued << DWCONV_STATUS_QUEUED_SHIFT) |
         ((done_ & 0xFFFFu) << DWCONV_STATUS_DONE_SHIFT);
}

void Dwconv::trigger(const sc_time& at) {
  const uint32_t pad = pad_.get(), clip = clip_.get();
  Sequence s{in_.get(), out_.get(), wgt_.get(), quant_.get(), h_.get(), w_.get(), c_.get(), k_.get(),
             stride_.get(), pad & 0xFF, (pad >> 8) & 0xFF, (pad >> 16) & 0xFF, pad >> 24,
             ips_.get() ? ips_.get() : c_.get(), ops_.get() ? ops_.get() : c_.get(),
             static_cast<int8_t>(clip & 0xFF), static_cast<int8_t>((clip >> 8) & 0xFF), 0, 0, 0, 0, at + setup_};
  std::ostringstream m;
  m << "cluster " << cluster_id_ << " depthwise accelerator: trigger with ";
  if (s.h == 0 || s.h > 4095 || s.w == 0 || s.w > 4095)
    m << "IN_H " << s.h << " x IN_W " << s.w << " (each must be 1..4095)";
  else if (s.c == 0 || s.c > 0xFFFF)
    m << "CHANNELS " << s.c << " (must be 1..65535)";
  else if (s.k == 0 || s.k > DWCONV_MAX_KERNEL)
    m << "KERNEL " << s.k << " (must be 1.." << DWCONV_MAX_KERNEL << ")";
  else if (s.stride == 0 || s.stride > DWCONV_MAX_STRIDE)
    m << "STRIDE " << s.stride << " (must be 1.." << DWCONV_MAX_STRIDE << ")";
  else if (s.pt >= s.k || s.pl >= s.k || s.pb >= s.k || s.pr >= s.k)
    m << "PAD 0x" << std::hex << pad << std::dec << " (each padding must be less than KERNEL " << s.k << ")";
  else if (dw_out_size(s.h, s.k, s.stride, s.pt, s.pb) == 0 || dw_out_size(s.w, s.k, s.stride, s.pl, s.pr) == 0)
    m << "KERNEL " << s.k << " larger than the padded " << s.h << " x " << s.w << " input";
  else if (s.ips < s.c)
    m << "IN_PIX_STRIDE " << s.ips << " below CHANNELS " << s.c;
  else if (s.ops < s.c)
    m << "OUT_PIX_STRIDE " << s.ops << " below CHANNELS " << s.c;
  else if (s.lo > s.hi)
    m << "CLIP low " << int(s.lo) << " above high " << int(s.hi);
  else if (pending() >= job_queue_)
    m << pending() << " convolutions already queued (cluster.dwconv.job_queue = " << job_queue_ << ")";
  else
    m.str("");
  if (!m.str().empty()) throw SimulationError(m.str());
  s.oh = dw_out_size(s.h, s.k, s.stride, s.pt, s.pb);
  s.ow = dw_out_size(s.w, s.k, s.stride, s.pl, s.pr);
  s.groups = (s.c + lanes_ - 1) / lanes_;
  s.jobs = s.groups * s.oh;
  seqs_.push_back(s);
  trigger_ev_.notify(sc_core::SC_ZERO_TIME);
}

void Dwconv::run() {
  for (;;) {
    // Computing is bookkeeping (no L1 effect): done as soon as its inputs are in.
    while (computed_ < in_done_ && computed_ < out_done_ + 2) compute(jobs_[computed_ - out_done_]);
    const bool can_in = in_seq_ < seqs_.size() && in_done_ < computed_ + 2;
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
    if (t > sc_core::sc_time_stamp()) {
      wait(t - sc_core::sc_time_stamp(), trigger_ev_);
      continue;
    }
    if (out_first) stream_out();
    else stream_in();
  }
}

sc_time Dwconv::stream(tlm::tlm_command cmd, const std::vector<std::pair<uint32_t, uint32_t>>& pieces, uint8_t* data,
                       const char* what, const Job& job) {
  return streamer_.stream(l1, cmd, pieces, data, sc_core::sc_time_stamp(),
                          [&](size_t, uint64_t addr, const std::string& why) {
                            std::ostringstream m;
                            m << "cluster " << cluster_id_ << " depthwise accelerator: channel group " << job.group
                              << " output row " << job.oy << " " << what << " at 0x" << std::hex << addr << ": "
                              << why;
                            throw SimulationError(m.str());
                          });
}

void Dwconv::stream_in() {
  Sequence& s = seqs_[in_seq_];
  const uint32_t j = s.jobs_in++;
  Job job{in_seq_, j / s.oh, j % s.oh, 0, {}, {}, {}, {}, {}, {}};
  job.n = std::min(lanes_, s.c - job.group * lanes_);
  const uint32_t c0 = job.group * lanes_;
  // One stream: at the first row of a channel group its weights and
  // quantization entries (and a fresh line buffer), then the window's input
  // rows the line buffer lacks (each input byte streams in once per group
  // when STRIDE <= KERNEL).
  std::vector<std::pair<uint32_t, uint32_t>> pieces;
  const size_t wbytes = size_t(s.k) * s.k * job.n, qbytes = size_t(job.n) * DWCONV_QUANT_ENTRY_BYTES;
  const bool new_group = job.oy == 0;
  if (new_group) {
    lines_.clear();
    for (uint32_t t = 0; t < s.k * s.k; ++t) pieces.emplace_back(s.wgt + t * s.c + c0, job.n);
    pieces.emplace_back(s.quant + c0 * DWCONV_QUANT_ENTRY_BYTES, uint32_t(qbytes));
  }
  const int64_t r0 = int64_t(job.oy) * s.stride - s.pt;
  while (!lines_.empty() && lines_.begin()->first < r0) lines_.erase(lines_.begin());
  std::vector<int64_t> fetch;
  for (int64_t r = std::max<int64_t>(r0, 0); r < std::min<int64_t>(r0 + s.k, s.h); ++r)
    if (!lines_.count(r)) fetch.push_back(r);
  for (int64_t r : fetch)
    for (uint32_t x = 0; x < s.w; ++x) pieces.emplace_back(s.in + (uint32_t(r) * s.w + x) * s.ips + c0, job.n);
  const size_t row_bytes = size_t(s.w) * job.n;
  std::vector<uint8_t> bytes((new_group ? wbytes + qbytes : 0) + fetch.size() * row_bytes);
  sc_time end = sc_core::sc_time_stamp();
  if (!pieces.empty()) end = stream(tlm::TLM_READ_COMMAND, pieces, bytes.data(), "input", job);
  const uint8_t* p = bytes.data();
  if (new_group) {
    group_weights_.assign(p, p + wbytes);
    p += wbytes;
    group_quant_.resize(size_t(job.n) * 3);
    for (size_t i = 0; i < group_quant_.size(); ++i, p += 4)
      group_quant_[i] = static_cast<int32_t>(uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 |
                                             uint32_t(p[3]) << 24);
  }
  for (int64_t r : fetch) {
    lines_[r].assign(p, p + row_bytes);
    p += row_bytes;
  }
  job.window.assign(size_t(s.k) * row_bytes, 0);
  for (uint32_t ky = 0; ky < s.k; ++ky) {
    const auto it = lines_.find(r0 + ky);
    if (it != lines_.end()) std::copy(it->second.begin(), it->second.end(), job.window.begin() + ky * row_bytes);
  }
  job.weights = group_weights_;
  job.quant = group_quant_;
  job.in_end = end;
  in_streamer_free_ = end;
  jobs_.push_back(std::move(job));
  ++in_done_;
  if (s.jobs_in == s.jobs) ++in_seq_;
}

void Dwconv::compute(Job& job) {
  const Sequence& s = seqs_[job.seq];
  const uint64_t cycles_per_pixel = (uint64_t(s.k) * s.k + taps_per_cycle_ - 1) / taps_per_cycle_;
  const sc_time start = std::max({job.in_end, compute_free_, out_free_[computed_ % 2]});
  const sc_time busy = cycle_ * double(cycles_per_pixel * s.ow);
  job.compute_end = start + busy;
  compute_free_ = job.compute_end;
  in_free_[computed_ % 2] = job.compute_end;
  compute_time_ += busy;
  if (kTracing && tracer_) tracer_->span(cluster_id_, TraceUnit::kDwconvCompute, 0, computed_, start, job.compute_end);
  macs_ += uint64_t(s.k) * s.k * job.n * s.ow;
  job.output.resize(size_t(s.ow) * job.n);
  for (uint32_t ox = 0; ox < s.ow; ++ox) {
    const int64_t x0 = int64_t(ox) * s.stride - s.pl;
    for (uint32_t c = 0; c < job.n; ++c) {
      int32_t acc = 0;
      for (uint32_t ky = 0; ky < s.k; ++ky)
        for (uint32_t kx = 0; kx < s.k; ++kx) {
          const int64_t ix = x0 + kx;
          if (ix < 0 || ix >= int64_t(s.w)) continue;
          acc += int32_t(job.weights[(size_t(ky) * s.k + kx) * job.n + c]) *
                 int32_t(job.window[(size_t(ky) * s.w + size_t(ix)) * job.n + c]);
        }
      const int32_t* q = &job.quant[size_t(c) * 3];
      if (uint32_t(q[2]) > DWCONV_MAX_SHIFT) {
        std::ostringstream m;
        m << "cluster " << cluster_id_ << " depthwise accelerator: QUANT_ADDR entry of channel "
          << job.group * lanes_ + c << " has shift " << uint32_t(q[2]) << " (must be 0.." << DWCONV_MAX_SHIFT << ")";
        throw SimulationError(m.str());
      }
      const unsigned shift = uint32_t(q[2]);
      job.output[size_t(ox) * job.n + c] = uint8_t(dw_requant(acc, q[0], q[1], shift, s.lo, s.hi));
    }
  }
  ++computed_;
}

void Dwconv::stream_out() {
  Job& job = jobs_.front();
  Sequence& s = seqs_[job.seq];
  std::vector<std::pair<uint32_t, uint32_t>> pieces;
  const uint32_t c0 = job.group * lanes_;
  for (uint32_t ox = 0; ox < s.ow; ++ox) pieces.emplace_back(s.out + (job.oy * s.ow + ox) * s.ops + c0, job.n);
  const sc_time end = stream(tlm::TLM_WRITE_COMMAND, pieces, job.output.data(), "output", job);
  out_streamer_free_ = end;
  out_free_[out_done_ % 2] = end;
  ++out_done_;
  ++jobs_done_;
  const bool last = ++s.jobs_out == s.jobs;
  jobs_.pop_front();
  if (!last) return;
  ends_.insert(std::upper_bound(ends_.begin(), ends_.end(), end), end);
  ++convolutions_done_;
  if (kTracing && tracer_) tracer_->span(cluster_id_, TraceUnit::kDwconv, 0, s.jobs, s.start, end);
  seqs_.pop_front();
  --in_seq_;
  for (Job& j : jobs_) --j.seq;
  if (on_event_) on_event_(DWCONV_EVENT_DONE, end);
}

}  // namespace vp
