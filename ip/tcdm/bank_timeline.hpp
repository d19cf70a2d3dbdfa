#pragma once
// The busy banks of an L1 with at most 64 banks, cycle by cycle: one mask per
// cycle (bit b: bank b busy), tagged with its cycle, in a ring that starts at
// the oldest cycle still reachable. An access of W words is then one mask per cycle it
// occupies (all touched banks for floor(W / banks) cycles, the first W % banks
// of them one cycle more) instead of one interval per bank in per-bank
// calendars: a 16-word streamer beat is one OR instead of 16 calendar
// insertions. Exact only while every booking is cycle-aligned; the Tcdm falls
// back to the per-bank calendars (bank_calendar.hpp) otherwise.
#include <algorithm>
#include <cstdint>
#include <vector>

namespace vp {

template <class Mask>
class BankTimelineOf {
 public:
  // The first cycle >= c at which `all` is free for `full` cycles followed by
  // `tail` free for one cycle (either mask may be empty, `full` may be 0).
  uint64_t first_fit(uint64_t c, uint64_t all, uint64_t full, uint64_t tail) {
    for (;; ++c) {
      reach(c + full + 1);
      uint64_t d = 0;
      while (d < full && !(busy(c + d) & Mask(all))) ++d;
      if (d < full) {
        c += d;  // the next candidate starts after the busy cycle
        continue;
      }
      if (!tail || !(busy(c + full) & Mask(tail))) return c;
    }
  }

  // Marks the cycles of a first_fit result busy.
  void add(uint64_t c, uint64_t all, uint64_t full, uint64_t tail) {
    reach(c + full + 1);
    for (uint64_t d = 0; d < full; ++d) mark(c + d, Mask(all));
    if (tail) mark(c + full, Mask(tail));
  }

  // Forgets the cycles before `c` (no access can start before it). Nothing
  // is cleared: a slot holds its cycle, and one left from an earlier lap of
  // the ring reads as free. (Clearing the cycles passed, even as two runs of
  // the ring, cost 1.5 % of the headline's host instructions, 3.6 % in its
  // boot, where DMA and IMA keep every L1 booked thousands of cycles ahead.)
  void prune(uint64_t c) { base_ = std::max(base_, c); }

  // For the switch to per-bank calendars: calls f(cycle, mask) for every busy cycle, in order.
  template <class F>
  void for_each(F f) const {
    for (uint64_t i = 0; i < ring_.size(); ++i) {
      const Slot& s = ring_[(base_ + i) & (ring_.size() - 1)];
      if (s.cycle == base_ + i && s.busy) f(base_ + i, uint64_t(s.busy));
    }
  }

 private:
  struct Slot {
    uint64_t cycle = 0;  // the cycle `busy` belongs to
    Mask busy = 0;
  };
  Mask busy(uint64_t c) const {
    const Slot& s = ring_[c & (ring_.size() - 1)];
    return s.cycle == c ? s.busy : Mask(0);
  }
  void mark(uint64_t c, Mask m) {
    Slot& s = ring_[c & (ring_.size() - 1)];
    if (s.cycle != c) s = Slot{c, 0};
    s.busy |= m;
  }

  // Makes cycles [base_, end) addressable.
  void reach(uint64_t end) {
    if (end - base_ <= ring_.size()) return;
    size_t n = ring_.empty() ? 1024 : ring_.size();
    while (n < end - base_) n *= 2;
    std::vector<Slot> bigger(n);
    for (uint64_t i = 0; i < ring_.size(); ++i) {
      const uint64_t c = base_ + i;
      const Slot& s = ring_[c & (ring_.size() - 1)];
      if (s.cycle == c) bigger[c & (n - 1)] = s;
    }
    ring_.swap(bigger);
  }

  std::vector<Slot> ring_;  // size a power of two (or zero); cycle c at c & (size - 1)
  uint64_t base_ = 0;       // the oldest cycle that can still be asked about
};

using BankTimeline32 = BankTimelineOf<uint32_t>;
using BankTimeline64 = BankTimelineOf<uint64_t>;

}  // namespace vp
