#include "dma/dma.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "dma_regs.h"
#include "sim/simulation_error.hpp"

namespace vp {

using sc_core::sc_time;

namespace {
std::string channel_register(unsigned channel, const char* reg) { return "CH" + std::to_string(channel) + "_" + reg; }
}  // namespace

Dma::Dma(sc_core::sc_module_name name, const DmaParams& p)
    : sc_core::sc_module(name),
      regs("regs"),
      l1("l1"),
      noc("noc"),
      cluster_id_(p.cluster_id),
      l1_window_(p.l1),
      cycle_(p.cycle),
      setup_(p.setup),
      width_(p.width_bytes),
      max_burst_(p.max_burst_bytes),
      regfile_(0x1000, p.register_latency),
      info_("INFO", DMA_REG_INFO, p.channels | (p.width_bytes << 8)),
      busy_("BUSY", DMA_REG_BUSY),
      slot_free_(p.outstanding),
      read_slot_(p.outstanding_reads),
      write_slot_(p.outstanding_writes),
      buf_(max_burst_) {
  // The binder (platform/params) reports these against the YAML; here they guard hand-filled params.
  if (p.channels == 0 || p.channels > DMA_MAX_CHANNELS || slot_free_.empty() || width_ == 0 || max_burst_ == 0)
    throw std::invalid_argument("Dma: 1..32 channels, and outstanding, width and burst size above 0");
  for (unsigned c = 0; c < p.channels; ++c) ch_.emplace_back(c);

  regfile_.map(info_).read_only().local();
  regfile_.map(busy_).read_only().on_read([this](const sc_time& at) {
    uint32_t busy = 0;
    for (unsigned c = 0; c < ch_.size(); ++c)
      if (status(c, at) & DMA_STATUS_BUSY) busy |= 1u << c;
    return busy;
  });
  for (unsigned c = 0; c < ch_.size(); ++c) {
    Channel& ch = ch_[c];
    for (Register* r : {&ch.src, &ch.dst, &ch.len, &ch.src_stride, &ch.dst_stride, &ch.reps})
      regfile_.map(*r).local();
    regfile_.map(ch.cmd).on_write([this, c](uint32_t v, const sc_time& at) {
      if (v & DMA_CMD_START) start(c, at);
    });
    regfile_.map(ch.status).read_only().on_read([this, c](const sc_time& at) {
      return status(c, at);
    });
  }
  regs.register_b_transport(this, &Dma::b_transport);
  regs.register_transport_dbg(this, &Dma::transport_dbg);
  SC_HAS_PROCESS(Dma);
  SC_THREAD(engine);
}

Dma::Channel::Channel(unsigned c)
    : src(channel_register(c, "SRC"), DMA_CH_BASE(c) + DMA_CH_SRC),
      dst(channel_register(c, "DST"), DMA_CH_BASE(c) + DMA_CH_DST),
      len(channel_register(c, "LEN"), DMA_CH_BASE(c) + DMA_CH_LEN),
      src_stride(channel_register(c, "SRC_STRIDE"), DMA_CH_BASE(c) + DMA_CH_SRC_STRIDE),
      dst_stride(channel_register(c, "DST_STRIDE"), DMA_CH_BASE(c) + DMA_CH_DST_STRIDE),
      reps(channel_register(c, "REPS"), DMA_CH_BASE(c) + DMA_CH_REPS),
      cmd(channel_register(c, "CMD"), DMA_CH_BASE(c) + DMA_CH_CMD),
      status(channel_register(c, "STATUS"), DMA_CH_BASE(c) + DMA_CH_STATUS) {}

void Dma::Channel::retire(const sc_time& at) {
  while (!ends.empty() && ends.front() <= at) {
    ends.pop_front();
    ++done;
  }
}

uint32_t Dma::status(unsigned c, const sc_time& at) {
  Channel& ch = ch_[c];
  ch.retire(at);
  const bool busy = ch.queued > 0 || !ch.ends.empty();
  return (busy ? DMA_STATUS_BUSY : 0u) | (ch.done << DMA_STATUS_DONE_SHIFT);
}

void Dma::start(unsigned c, const sc_time& at) {
  const Channel& ch = ch_[c];
  queue_.push_back({c, ch.src.get(), ch.dst.get(), ch.len.get(), ch.src_stride.get(), ch.dst_stride.get(),
                    std::max<uint32_t>(1, ch.reps.get()), at + setup_});
  ++ch_[c].queued;
  queued_ev_.notify(sc_core::SC_ZERO_TIME);
}

void Dma::engine() {
  for (;;) {
    while (queue_.empty()) wait(queued_ev_);
    const Transfer t = queue_.front();
    queue_.pop_front();
    if (t.start > sc_core::sc_time_stamp()) wait(t.start - sc_core::sc_time_stamp());
    run_transfer(t);
  }
}

void Dma::run_transfer(const Transfer& t) {
  const sc_time quantum = tlm::tlm_global_quantum::instance().get();
  sc_time end = t.start;
  for (uint32_t r = 0; r < t.reps; ++r) {
    const uint32_t src = t.src + r * t.src_stride, dst = t.dst + r * t.dst_stride;
    uint64_t ignored;
    const bool src_local = l1_window_.offset_of(src, t.len, ignored);
    const bool dst_local = l1_window_.offset_of(dst, t.len, ignored);
    // Bursts are cut at max_burst multiples of the network-side address (the
    // AXI rule), or of the source when both sides are in L1.
    const bool cut_on_dst = src_local && !dst_local;
    for (uint32_t off = 0; off < t.len;) {
      const uint32_t a = (cut_on_dst ? dst : src) + off;
      const uint32_t n = std::min(t.len - off, max_burst_ - a % max_burst_);
      const uint32_t beats = (a % width_ + n + width_ - 1) / width_;
      sc_time& slot = slot_free_[next_slot_++ % slot_free_.size()];
      const sc_time issue = std::max({t.start, engine_free_, slot});
      const sc_time now = sc_core::sc_time_stamp();
      if (issue > now && issue - now > quantum) wait(issue - now);
      slot = burst(t, src + off, dst + off, n, issue);
      engine_free_ = issue + cycle_ * static_cast<double>(beats);
      end = std::max(end, slot);
      off += n;
      ++bursts_;
    }
  }
  Channel& ch = ch_[t.ch];
  --ch.queued;
  ch.ends.insert(std::upper_bound(ch.ends.begin(), ch.ends.end(), end), end);
  ++transfers_;
  bytes_ += uint64_t(t.len) * t.reps;
  if (kTracing && tracer_) tracer_->span(cluster_id_, TraceUnit::kDma, t.ch, uint64_t(t.len) * t.reps, t.start, end);
  if (on_event_) on_event_(DMA_EVENT_DONE(t.ch), end);
}

sc_time Dma::burst(const Transfer& t, uint32_t src, uint32_t dst, uint32_t n, sc_time issue) {
  uint64_t ignored;
  // A network-side access waits for a free read or write slot when those are limited.
  auto limited = [&](std::vector<sc_time>& slots, uint64_t& next, uint32_t addr, sc_time at,
                     tlm::tlm_command cmd) {
    if (slots.empty() || l1_window_.offset_of(addr, n, ignored)) return access(cmd, addr, buf_.data(), n, at, t);
    sc_time& slot = slots[next++ % slots.size()];
    slot = access(cmd, addr, buf_.data(), n, std::max(at, slot), t);
    return slot;
  };
  const sc_time read_done = limited(read_slot_, next_read_, src, issue, tlm::TLM_READ_COMMAND);
  return limited(write_slot_, next_write_, dst, read_done, tlm::TLM_WRITE_COMMAND);
}

sc_time Dma::access(tlm::tlm_command cmd, uint32_t addr, uint8_t* data, uint32_t n, sc_time at,
                    const Transfer& t) {
  uint64_t offset = 0;
  const bool local = l1_window_.offset_of(addr, n, offset);
  tlm::tlm_generic_payload& tx = tx_;  // reused: a payload allocates its extension array
  tx.set_dmi_allowed(false);
  tx.set_byte_enable_ptr(nullptr);
  tx.set_command(cmd);
  tx.set_address(local ? offset : addr);
  tx.set_data_ptr(data);
  tx.set_data_length(n);
  tx.set_streaming_width(n);
  tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_time delay = at > sc_core::sc_time_stamp() ? at - sc_core::sc_time_stamp() : sc_core::SC_ZERO_TIME;
  (local ? l1 : noc)->b_transport(tx, delay);
  if (!tx.is_response_ok()) {
    std::ostringstream m;
    m << "cluster " << cluster_id_ << " DMA channel " << t.ch << ": " << (cmd == tlm::TLM_READ_COMMAND ? "read" : "write")
      << " of " << n << " bytes at 0x" << std::hex << addr << " failed (" << tx.get_response_string()
      << ") in the transfer src=0x" << t.src << " dst=0x" << t.dst << std::dec << " len=" << t.len
      << " reps=" << t.reps;
    throw SimulationError(m.str());
  }
  return sc_core::sc_time_stamp() + delay;
}

}  // namespace vp
