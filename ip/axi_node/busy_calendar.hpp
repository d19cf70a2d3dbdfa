#pragma once
// The busy time of one shared resource (a link channel, a memory port), for contention by
// reservation. With temporal decoupling, requests do not arrive in time order: an
// initiator running ahead may book the resource for a later time before another books an
// earlier one. A calendar of busy intervals lets the later call take the free gap before
// the earlier booking, so results do not depend on which process ran first, where a single
// "next free" time would make it wait behind a booking from its future.
//
// Bounded for speed and memory: intervals are merged when they touch, forgotten once they
// end before the current simulation time, and beyond kMaxIntervals the smallest gap is
// filled (the resource is taken as busy through it). That errs towards more contention,
// only when a resource is fragmented by many initiators far ahead of simulation time.
#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

namespace vp {

class BusyCalendar {
 public:
  static constexpr size_t kMaxIntervals = 16;

  // Books the earliest start s >= t such that [s, max(s + occupancy, tail)) is free, where
  // `tail` is the earliest the booking may end (data still arriving from upstream). Returns
  // s and sets tail to the booking's end. `now` (the simulation time, all times in the same
  // unit) lets the calendar forget the past: no request starts before it.
  uint64_t book(uint64_t t, uint64_t occupancy, uint64_t& tail, uint64_t now) {
    size_t first = 0;
    while (first < n_ && busy_[first].second <= now) ++first;
    if (first) erase(0, first);
    uint64_t s = t;
    size_t i = 0;  // bookings that end by s do not matter
    while (i < n_ && busy_[i].second <= s) ++i;
    if (i < n_ && busy_[i].first <= s) s = busy_[i++].second;  // s falls inside booking i
    for (;; ++i) {
      // The gap runs from s to the start of booking i (or forever).
      const uint64_t e = std::max(s + occupancy, tail);
      if (i == n_ || busy_[i].first >= e) {
        tail = e;
        if (e > s) insert(i, s, e);
        return s;
      }
      s = busy_[i].second;  // too short: try after booking i
    }
  }

  size_t intervals() const { return n_; }

 private:
  using Interval = std::pair<uint64_t, uint64_t>;
  // Inserts [s, e) before position i (the gap before busy_[i] holds it), merging neighbours.
  void insert(size_t i, uint64_t s, uint64_t e) {
    if (i > 0 && busy_[i - 1].second == s) {
      busy_[i - 1].second = e;
      if (i < n_ && busy_[i].first == e) busy_[i - 1].second = busy_[i].second, erase(i, 1);
      return;
    }
    if (i < n_ && busy_[i].first == e) {
      busy_[i].first = s;
      return;
    }
    std::copy_backward(busy_.begin() + i, busy_.begin() + n_, busy_.begin() + n_ + 1);
    busy_[i] = {s, e};
    if (++n_ <= kMaxIntervals) return;
    size_t g = 1;  // fill the smallest gap
    for (size_t k = 2; k < n_; ++k)
      if (busy_[k].first - busy_[k - 1].second < busy_[g].first - busy_[g - 1].second) g = k;
    busy_[g - 1].second = busy_[g].second;
    erase(g, 1);
  }
  void erase(size_t i, size_t k) {
    std::copy(busy_.begin() + i + k, busy_.begin() + n_, busy_.begin() + i);
    n_ -= k;
  }

  // [start, end), sorted, disjoint, not touching; held in place (one more for
  // an insertion before the smallest gap is filled): a booking reads the
  // link's own memory, not a separate heap block.
  std::array<Interval, kMaxIntervals + 1> busy_;
  size_t n_ = 0;
};

}  // namespace vp
