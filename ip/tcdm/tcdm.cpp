#include "tcdm/tcdm.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace vp {

namespace {
// What of an access is deferred (DeferredData, ip/common/deferred_data.hpp):
// a write to queue, or a read handed back its L1 memory; neither for a
// byte-enabled access nor one whose extension has nothing to wait for.
struct Deferred {
  const DeferredData* write = nullptr;
  const DeferredData* read = nullptr;
};
Deferred deferred_parts(tlm::tlm_generic_payload& tx) {
  const DeferredData* ext = tx.get_byte_enable_ptr() ? nullptr : tx.get_extension<DeferredData>();
  if (!ext || !ext->ready) return {};
  return {tx.is_write() ? ext : nullptr, tx.is_read() && ext->read_base ? ext : nullptr};
}
}  // namespace

Tcdm::Tcdm(sc_core::sc_module_name name, const TcdmParams& p)
    : sc_core::sc_module(name),
      socket("socket"),
      mem_(p.size),
      banks_(p.banks),
      bank_width_(p.bank_width),
      cycle_(p.cycle),
      latency_(p.latency),
      cycle_ticks_(p.cycle.value()) {
  // The binder (platform/params) reports these against the YAML; here they guard hand-filled params.
  if (banks_ == 0 || bank_width_ == 0 || mem_.size() % bank_width_ != 0 || cycle_ticks_ == 0)
    throw std::invalid_argument("Tcdm: banks, bank width and cycle above 0, size a multiple of the bank width");
  bank_.resize(banks_);
  if (banks_ <= 32) narrow_ = std::make_unique<BankTimeline32>();
  else if (banks_ <= 64) wide_ = std::make_unique<BankTimeline64>();
  socket.register_b_transport(this, &Tcdm::b_transport);
  socket.register_get_direct_mem_ptr(this, &Tcdm::get_direct_mem_ptr);
  socket.register_transport_dbg(this, &Tcdm::transport_dbg);
}

void Tcdm::write(uint64_t offset, const void* src, uint64_t n) {
  if (!in_range(offset, n)) throw std::out_of_range(std::string(name()) + ": host write outside the L1");
  join();
  flush();
  std::memcpy(mem_.data() + offset, src, n);
}

void Tcdm::read(uint64_t offset, void* dst, uint64_t n) const {
  if (!in_range(offset, n)) throw std::out_of_range(std::string(name()) + ": host read outside the L1");
  join();
  flush();
  std::memcpy(dst, mem_.data() + offset, n);
}

// In arrival order, so overlapping deferred writes land as they were made.
void Tcdm::land() const {
  // The tasks no host thread has begun run here from the last one: the
  // workers take them from the first, so the two meet in the middle instead
  // of this thread waiting on each one a worker has just begun.
  for (auto p = pending_.rbegin(); p != pending_.rend(); ++p)
    if (p->ready) p->ready->run_if_free();
  for (Pending& p : pending_) {
    if (p.ready) p.ready->wait();
    if (overlaps_reads(p.offset, p.n)) settle_reads(p.offset, p.n);
    std::memcpy(mem_.data() + p.offset, p.src, p.n);
  }
  pending_.clear();
  lo_ = std::numeric_limits<uint64_t>::max();
  hi_ = 0;
}

void Tcdm::copy(tlm::tlm_generic_payload& tx) {
  uint8_t* mem = mem_.data() + tx.get_address();
  uint8_t* data = tx.get_data_ptr();
  const unsigned n = tx.get_data_length();
  const unsigned char* be = tx.get_byte_enable_ptr();
  const unsigned be_len = tx.get_byte_enable_length();
  if (!be) {
    if (tx.is_read()) std::memcpy(data, mem, n);
    else if (tx.is_write()) std::memcpy(mem, data, n);
  } else {
    for (unsigned i = 0; i < n; ++i) {
      if (be[i % be_len] != TLM_BYTE_ENABLED) continue;
      if (tx.is_read()) data[i] = mem[i];
      else if (tx.is_write()) mem[i] = data[i];
    }
  }
  tx.set_response_status(tlm::TLM_OK_RESPONSE);
}

uint64_t Tcdm::reserve(uint64_t offset, uint64_t n, uint64_t t, uint64_t now) {
  const uint64_t w0 = offset / bank_width_;
  const uint64_t words = (offset + n - 1) / bank_width_ - w0 + 1;
  // Bank i of the access serves `full` words, plus one if among the first `extra`.
  const uint64_t full = words / banks_, extra = words % banks_;
  if ((narrow_ || wide_) && t % cycle_ticks_ != 0) to_calendars();
  if (narrow_ || wide_) {
    // The same first start as the calendars below give (every interval is whole cycles).
    const uint64_t all = banks_ == 64 ? ~uint64_t(0) : (uint64_t(1) << banks_) - 1;
    const unsigned first = static_cast<unsigned>(w0 % banks_);
    uint64_t tail = extra == 64 ? ~uint64_t(0) : (uint64_t(1) << extra) - 1;
    if (first) tail = ((tail << first) | (tail >> (banks_ - first))) & all;
    auto book = [&](auto& timeline) {
      timeline.prune(now / cycle_ticks_);
      const uint64_t c = timeline.first_fit(t / cycle_ticks_, all, full, tail);
      timeline.add(c, all, full, tail);
      return c * cycle_ticks_;
    };
    return narrow_ ? book(*narrow_) : book(*wide_);
  }
  const uint64_t touched = std::min<uint64_t>(words, banks_);
  auto occupancy = [&](uint64_t i) { return (full + (i < extra ? 1 : 0)) * cycle_ticks_; };
  // The first start at which every touched bank is free for its occupancy:
  // move the candidate later until no bank pushes it further.
  uint64_t start = t;
  for (bool moved = true; moved;) {
    moved = false;
    for (uint64_t i = 0; i < touched; ++i) {
      BankCalendar& c = bank_[(w0 + i) % banks_];
      c.prune(now);
      const uint64_t s = c.first_fit(start, occupancy(i));
      if (s != start) {
        start = s;
        moved = true;
      }
    }
  }
  for (uint64_t i = 0; i < touched; ++i) bank_[(w0 + i) % banks_].add(start, occupancy(i));
  return start;
}

void Tcdm::to_calendars() {
  auto move = [&](uint64_t cycle, uint64_t mask) {
    for (unsigned b = 0; b < banks_; ++b)
      if (mask >> b & 1) bank_[b].add(cycle * cycle_ticks_, cycle_ticks_);
  };
  if (narrow_) narrow_->for_each(move);
  if (wide_) wide_->for_each(move);
  narrow_.reset();
  wide_.reset();
}

void Tcdm::book(uint64_t offset, uint64_t n, uint64_t now, sc_core::sc_time& delay) {
  const uint64_t t = now + delay.value();
  const uint64_t start = reserve(offset, n, t, now);
  const uint64_t words = (offset + n - 1) / bank_width_ - offset / bank_width_ + 1;
  const uint64_t rounds = (words + banks_ - 1) / banks_;  // cycles the busiest bank serves
  conflict_ticks_ += start - t;
  ++accesses_;
  bytes_ += n;
  // sc_time::from_value is a library call: none when the access neither waits nor takes more than one round.
  if (const uint64_t extra = start - t + (rounds - 1) * cycle_ticks_) delay += sc_core::sc_time::from_value(extra);
  delay += latency_;
}

void Tcdm::defer(uint64_t offset, uint32_t n, const uint8_t* src, const DeferredData& later) {
  pending_.push_back({offset, n, src, later.ready, later.keep});
  lo_ = std::min(lo_, offset);
  hi_ = std::max(hi_, offset + n);
}

void Tcdm::defer_read(uint64_t offset, uint32_t n, const DeferredData& later) {
  *later.read_base = mem_.data();
  if (!reads_.empty() && reads_.back().task == later.ready) {
    // The same task's next piece: widen its entry (a write between pieces
    // waits for a copy it did not need to; never the other way round).
    Reading& r = reads_.back();
    const uint64_t lo = std::min(r.offset, offset), hi = std::max(r.offset + r.n, offset + n);
    r.offset = lo;
    r.n = static_cast<uint32_t>(hi - lo);
    reads_lo_ = std::min(reads_lo_, lo);
    reads_hi_ = std::max(reads_hi_, hi);
    return;
  }
  // Forget the reads already copied (their tasks are recycled once nobody holds them).
  if (!reads_.empty() && reads_.front().task->done()) settle_reads(0, 0);
  reads_.push_back({offset, n, later.ready});
  reads_lo_ = std::min(reads_lo_, offset);
  reads_hi_ = std::max(reads_hi_, offset + n);
}

void Tcdm::settle_reads(uint64_t offset, uint64_t n) const {
  uint64_t lo = std::numeric_limits<uint64_t>::max(), hi = 0;
  size_t kept = 0;
  for (Reading& r : reads_) {
    if (offset < r.offset + r.n && r.offset < offset + n) r.task->wait();
    if (r.task->done()) continue;
    lo = std::min(lo, r.offset);
    hi = std::max(hi, r.offset + r.n);
    reads_[kept++] = std::move(r);
  }
  reads_.resize(kept);
  reads_lo_ = lo;
  reads_hi_ = hi;
}

void Tcdm::b_transport(int, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay) {
  join();
  if (L1Burst* b = tx.get_extension<L1Burst>(); b && b->active) return burst(tx, *b);
  const uint64_t offset = tx.get_address();
  const unsigned n = tx.get_data_length();
  if (!in_range(offset, n) || n == 0) {
    tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  // Whatever this access sees or overwrites must have landed (a deferred
  // write queues behind the others instead).
  const auto [later, read_later] = deferred_parts(tx);
  if (!later) settle_for(offset, n, tx.is_write());
  book(offset, n, sc_core::sc_time_stamp().value(), delay);
  if (later || read_later) {
    if (later) defer(offset, n, tx.get_data_ptr(), *later);
    else defer_read(offset, n, *read_later);
    tx.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  copy(tx);
}

// The streamer's per-beat loop (L1Streamer::stream) with each beat's access
// as b_transport makes it. A deferred piece is one pending write: its beats
// are contiguous in L1 and in the source, and land together, in order.
void Tcdm::burst(tlm::tlm_generic_payload& tx, L1Burst& b) {
  const uint64_t offset = tx.get_address();
  const uint32_t len = tx.get_data_length();
  uint8_t* data = tx.get_data_ptr();
  const bool read = tx.is_read(), write = tx.is_write();
  const auto [later, read_later] = deferred_parts(tx);
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  uint32_t done = 0;
  tx.set_response_status(tlm::TLM_OK_RESPONSE);
  while (done < len) {
    const uint64_t a = offset + done;
    const uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(len - done, a - a % b.port_bytes + b.per_cycle - a));
    if (!b.first) b.issue = std::max(b.issue, b.end - b.l1_latency) + b.cycle;
    b.first = false;
    if (!in_range(a, n) || n == 0) {
      tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      break;
    }
    if (!later) settle_for(a, n, write);
    sc_core::sc_time delay = b.issue - now;
    book(a, n, now.value(), delay);
    if (read && !read_later) std::memcpy(data + done, mem_.data() + a, n);
    else if (write && !later) std::memcpy(mem_.data() + a, data + done, n);
    b.end = now + delay;
    done += n;
  }
  if (later && done) defer(offset, done, data, *later);
  if (read_later && done) defer_read(offset, done, *read_later);
  b.done = done;
}

// DMI users (the cores) read and write behind this model's back: the cluster
// calls flush() before they run.
bool Tcdm::get_direct_mem_ptr(int, tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
  join();
  flush();
  dmi.set_dmi_ptr(mem_.data());
  dmi.set_start_address(0);
  dmi.set_end_address(mem_.size() - 1);
  dmi.allow_read_write();
  dmi.set_read_latency(latency_);
  dmi.set_write_latency(latency_);
  return true;
}

unsigned Tcdm::transport_dbg(int, tlm::tlm_generic_payload& tx) {
  if (!in_range(tx.get_address(), tx.get_data_length())) {
    tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  flush();
  copy(tx);
  return tx.get_data_length();
}

}  // namespace vp
