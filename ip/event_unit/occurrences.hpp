#pragma once
// The pending occurrence times of one event line for one core, ascending and
// without duplicates. The earliest and the latest are kept inline, the ones
// between in a vector: raising a line (an append, as occurrences mostly come
// in time order) then reads only the core's state and writes the new time,
// instead of a chain of dependent loads into a separate heap block (cache
// misses, with 512 clusters' event units in turn on one host thread).
#include <algorithm>
#include <cstdint>
#include <vector>

#include <systemc>

namespace vp {

class Occurrences {
 public:
  bool empty() const { return n_ == 0; }
  size_t size() const { return n_; }
  const sc_core::sc_time& front() const { return first_; }  // not empty()

  // Adds `at` unless already there. `horizon`: no later clear_until names an
  // earlier time (the event unit passes SystemC time: every register access
  // is at or after it). Times after the first but not after the horizon are
  // then indistinguishable from the first (a clear removes all of them or
  // none, and only the first decides what is visible), so an append after
  // them drops them without touching the vector: a line a core never clears
  // (the IMA's, on the cores that do not wait for it) stays a few entries
  // instead of growing by one per event for the whole run.
  void add(const sc_core::sc_time& at, const sc_core::sc_time& horizon = sc_core::SC_ZERO_TIME) {
    if (n_ == 0) {
      first_ = last_ = at;
      n_ = 1;
    } else if (last_ < at) {
      if (n_ >= 2 && last_ <= horizon) {  // everything after the first is at or before the horizon
        mid_.clear();
        n_ = 1;
      }
      // Times raised ahead of SystemC time (a DMA's completions): now and then
      // the ones the horizon passed go from the vector's front.
      if (mid_.size() >= kTrimAt && mid_.front() <= horizon) {
        mid_.erase(mid_.begin(), std::upper_bound(mid_.begin(), mid_.end(), horizon));
        n_ = 2 + uint32_t(mid_.size());
      }
      if (n_ >= 2) mid_.push_back(last_);
      last_ = at;
      ++n_;
    } else if (at < first_) {
      if (n_ >= 2) mid_.insert(mid_.begin(), first_);
      first_ = at;
      ++n_;
    } else if (at != first_ && at != last_) {  // strictly between: n_ >= 2
      auto pos = std::lower_bound(mid_.begin(), mid_.end(), at);
      if (pos != mid_.end() && *pos == at) return;
      mid_.insert(pos, at);
      ++n_;
    }
  }

  // Removes the occurrences at or before `at`.
  void clear_until(const sc_core::sc_time& at) {
    if (n_ == 0 || at < first_) return;
    if (!(at < last_)) {
      mid_.clear();
      n_ = 0;
      return;
    }
    // first_ <= at < last_: n_ >= 2.
    const size_t k = size_t(std::upper_bound(mid_.begin(), mid_.end(), at) - mid_.begin());
    if (k == mid_.size()) {
      first_ = last_;
      mid_.clear();
      n_ = 1;
      return;
    }
    first_ = mid_[k];
    mid_.erase(mid_.begin(), mid_.begin() + std::ptrdiff_t(k) + 1);
    n_ -= uint32_t(k) + 1;
  }

 private:
  static constexpr size_t kTrimAt = 8;
  sc_core::sc_time first_, last_;  // when not empty (equal when n_ is 1)
  uint32_t n_ = 0;
  std::vector<sc_core::sc_time> mid_;  // strictly between the first and the last, ascending
};

}  // namespace vp
