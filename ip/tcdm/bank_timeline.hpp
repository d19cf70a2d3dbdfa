#pragma once
// The busy banks of an L1 with at most 64 banks, cycle by cycle: one 64-bit
// mask per cycle (bit b: bank b busy), in a ring that holds the cycles from
// the oldest still reachable. An access of W words is then one mask per cycle
// it occupies (all touched banks for floor(W / banks) cycles, the first
// W % banks of them one cycle more) instead of one interval per bank in
// per-bank calendars: a 16-word streamer beat is one OR instead of 16
// calendar insertions. Each slot is tagged with its cycle, so forgetting the
// past costs nothing (a slot holding another cycle is free): clearing the
// ring as time went by touched memory in proportion to simulated time.
// Exact only while every booking is cycle-aligned; the Tcdm falls back to the
// per-bank calendars (bank_calendar.hpp) otherwise.
#include <algorithm>
#include <cstdint>
#include <vector>

namespace vp {

class BankTimeline {
 public:
  // The first cycle >= c at which `all` is free for `full` cycles followed by
  // `tail` free for one cycle (either mask may be empty, `full` may be 0).
  uint64_t first_fit(uint64_t c, uint64_t all, uint64_t full, uint64_t tail) {
    for (;; ++c) {
      reach(c + full + 1);
      uint64_t d = 0;
      while (d < full && !(busy(c + d) & all)) ++d;
      if (d < full) {
        c += d;  // the next candidate starts after the busy cycle
        continue;
      }
      if (!tail || !(busy(c + full) & tail)) return c;
    }
  }

  // Marks the cycles of a first_fit result busy.
  void add(uint64_t c, uint64_t all, uint64_t full, uint64_t tail) {
    reach(c + full + 1);
    for (uint64_t d = 0; d < full; ++d) mark(c + d, all);
    if (tail) mark(c + full, tail);
  }

  // Hints that cycles [c, c + n) are about to be looked at: their slots are
  // usually cold (a cluster's L1 is visited between 511 others'), and
  // fetching them together overlaps the misses.
  void prefetch(uint64_t c, uint64_t n) const {
    if (ring_.empty()) return;
    const size_t mask = ring_.size() - 1;
    for (uint64_t i = 0; i < n; i += 64 / sizeof(Slot)) __builtin_prefetch(&ring_[(c + i) & mask], 1);
    __builtin_prefetch(&ring_[(c + n - 1) & mask], 1);
  }

  // Forgets the cycles before `c` (no access can start before it).
  void prune(uint64_t c) { base_ = std::max(base_, c); }

  // For the switch to per-bank calendars: calls f(cycle, mask) for every busy cycle, in order.
  template <class F>
  void for_each(F f) const {
    for (uint64_t i = 0; i < ring_.size(); ++i) {
      const Slot& s = ring_[(base_ + i) & (ring_.size() - 1)];
      if (s.cycle == base_ + i && s.mask) f(s.cycle, s.mask);
    }
  }

 private:
  struct Slot {
    uint64_t cycle = ~uint64_t(0);  // the cycle `mask` belongs to
    uint64_t mask = 0;
  };
  Slot& slot(uint64_t c) { return ring_[c & (ring_.size() - 1)]; }
  uint64_t busy(uint64_t c) {
    const Slot& s = slot(c);
    return s.cycle == c ? s.mask : 0;
  }
  void mark(uint64_t c, uint64_t m) {
    Slot& s = slot(c);
    if (s.cycle != c) s = {c, 0};
    s.mask |= m;
  }

  // Makes cycles [base_, end) addressable.
  void reach(uint64_t end) {
    if (end - base_ <= ring_.size()) return;
    size_t n = ring_.empty() ? 1024 : ring_.size();
    while (n < end - base_) n *= 2;
    std::vector<Slot> bigger(n);
    for (const Slot& s : ring_)
      if (s.cycle != ~uint64_t(0) && s.cycle >= base_) bigger[s.cycle & (n - 1)] = s;
    ring_.swap(bigger);
  }

  std::vector<Slot> ring_;  // size a power of two (or zero); cycle c at c & (size - 1)
  uint64_t base_ = 0;       // the oldest cycle held
};

}  // namespace vp
