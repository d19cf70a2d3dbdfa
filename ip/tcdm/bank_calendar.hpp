#pragma once
// The busy intervals of one L1 bank, for reservation by accesses that may
// arrive out of time order. Intervals [from, to) in time-resolution ticks are
// kept sorted and disjoint (merged when adjacent) in a ring buffer: lookups
// are binary searches, and an insertion shifts the elements on the nearer
// side, so both an initiator running ahead (inserting at the back) and one
// behind (near the front) cost little, with no allocation once warmed up.
#include <cstdint>
#include <vector>

namespace vp {

class BankCalendar {
 public:
  // The first start >= t at which the bank is free for len ticks.
  uint64_t first_fit(uint64_t t, uint64_t len) const {
    // Ends are sorted too: skip the intervals ending by t, then walk the gaps.
    size_t lo = 0, hi = count_;
    while (lo < hi) {
      const size_t mid = (lo + hi) / 2;
      if (at(mid).to <= t) lo = mid + 1;
      else hi = mid;
    }
    for (size_t i = lo; i < count_; ++i) {
      const Interval& iv = at(i);
      if (t + len <= iv.from) break;  // fits in the gap before this interval
      if (t < iv.to) t = iv.to;
    }
    return t;
  }

  // Marks [from, from + len) busy; `from` must be a first_fit result.
  void add(uint64_t from, uint64_t len) {
    const uint64_t to = from + len;
    size_t pos = 0, hi = count_;  // first interval starting after `from`
    while (pos < hi) {
      const size_t mid = (pos + hi) / 2;
      if (at(mid).from < from) pos = mid + 1;
      else hi = mid;
    }
    const bool join_prev = pos > 0 && at(pos - 1).to == from;
    const bool join_next = pos < count_ && at(pos).from == to;
    if (join_prev && join_next) {
      at(pos - 1).to = at(pos).to;
      erase(pos);
    } else if (join_prev) {
      at(pos - 1).to = to;
    } else if (join_next) {
      at(pos).from = from;
    } else {
      insert(pos, {from, to});
    }
  }

  // Forgets intervals that ended by `now` (no access can start before now).
  void prune(uint64_t now) {
    while (count_ && at(0).to <= now) {
      head_ = (head_ + 1) & mask();
      --count_;
    }
  }

  size_t size() const { return count_; }

 private:
  struct Interval {
    uint64_t from, to;
  };
  size_t mask() const { return buf_.size() - 1; }
  Interval& at(size_t i) { return buf_[(head_ + i) & mask()]; }
  const Interval& at(size_t i) const { return buf_[(head_ + i) & mask()]; }

  void insert(size_t pos, Interval iv) {
    if (count_ == buf_.size()) grow();
    if (pos < count_ / 2) {  // shift the front part one place toward the front
      head_ = (head_ - 1) & mask();
      for (size_t i = 0; i < pos; ++i) at(i) = at(i + 1);
    } else {  // shift the back part one place toward the back
      for (size_t i = count_; i > pos; --i) at(i) = at(i - 1);
    }
    ++count_;
    at(pos) = iv;
  }

  void erase(size_t pos) {
    for (size_t i = pos; i + 1 < count_; ++i) at(i) = at(i + 1);
    --count_;
  }

  void grow() {
    std::vector<Interval> bigger(buf_.empty() ? 8 : 2 * buf_.size());
    for (size_t i = 0; i < count_; ++i) bigger[i] = at(i);
    buf_.swap(bigger);
    head_ = 0;
  }

  std::vector<Interval> buf_;  // size a power of two (or zero)
  size_t head_ = 0, count_ = 0;
};

}  // namespace vp
