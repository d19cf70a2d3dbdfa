#pragma once
// The busy banks of an L1 with at most 64 banks, cycle by cycle: one 64-bit
// mask per cycle (bit b: bank b busy), in a ring that starts at the oldest
// cycle still reachable. An access of W words is then one mask per cycle it
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
      while (d < full && !(slot(c + d) & Mask(all))) ++d;
      if (d < full) {
        c += d;  // the next candidate starts after the busy cycle
        continue;
      }
      if (!tail || !(slot(c + full) & Mask(tail))) return c;
    }
  }

  // Marks the cycles of a first_fit result busy.
  void add(uint64_t c, uint64_t all, uint64_t full, uint64_t tail) {
    reach(c + full + 1);
    for (uint64_t d = 0; d < full; ++d) slot(c + d) |= Mask(all);
    if (tail) slot(c + full) |= Mask(tail);
    top_ = std::max(top_, c + full + 1);
  }

  // Forgets the cycles before `c` (no access can start before it). Only the
  // cycles up to the last booking can be non-zero: an idle L1 costs nothing.
  void prune(uint64_t c) {
    if (c <= base_) return;
    // As at most two runs of the ring (it wraps): a slot-by-slot loop was a
    // third of Tcdm::reserve, the cores being idle for thousands of cycles.
    const uint64_t end = std::min(c, top_), size = ring_.size();
    if (end > base_) {
      const uint64_t n = end - base_, first = base_ & (size - 1), run = std::min(n, size - first);
      std::fill_n(ring_.data() + first, run, Mask(0));
      std::fill_n(ring_.data(), n - run, Mask(0));
    }
    base_ = c;
    top_ = std::max(top_, c);
  }

  // For the switch to per-bank calendars: calls f(cycle, mask) for every busy cycle, in order.
  template <class F>
  void for_each(F f) const {
    for (uint64_t i = 0; i < ring_.size(); ++i)
      if (uint64_t m = ring_[(base_ + i) & (ring_.size() - 1)]) f(base_ + i, m);
  }

 private:
  Mask& slot(uint64_t c) { return ring_[c & (ring_.size() - 1)]; }

  // Makes cycles [base_, end) addressable.
  void reach(uint64_t end) {
    if (end - base_ <= ring_.size()) return;
    size_t n = ring_.empty() ? 1024 : ring_.size();
    while (n < end - base_) n *= 2;
    std::vector<Mask> bigger(n, 0);
    for (uint64_t i = 0; i < ring_.size(); ++i) bigger[(base_ + i) & (n - 1)] = ring_[(base_ + i) & (ring_.size() - 1)];
    ring_.swap(bigger);
  }

  std::vector<Mask> ring_;  // size a power of two (or zero); cycle c at c & (size - 1)
  uint64_t base_ = 0;           // the oldest cycle held
  uint64_t top_ = 0;            // cycles from here on are free (after the last booking)
};

using BankTimeline32 = BankTimelineOf<uint32_t>;
using BankTimeline64 = BankTimelineOf<uint64_t>;

}  // namespace vp
