#pragma once
// The pending occurrence times of one event line for one core, ascending and
// without duplicates. The earliest and the latest are kept inline: raising a
// line (an append, as occurrences mostly come in time order) then reads only
// the core's state and writes the new time, instead of a chain of dependent
// loads into a separate heap block (cache misses, with 512 clusters' event
// units in turn on one host thread; lines a core never clears grow long).
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
  // is at or after it). The times after the first but not after it are then
  // indistinguishable from the first (a clear removes all of them or none,
  // and only the first decides what is visible), so they go: a line a core
  // never clears (the IMA's, on the cores that do not wait for it) stays a
  // few entries instead of growing by one per event for the whole run.
  void add(const sc_core::sc_time& at, const sc_core::sc_time& horizon = sc_core::SC_ZERO_TIME) {
    if (n_ == 0) {
      first_ = last_ = at;
    } else if (last_ < at) {
      if (!rest_.empty() && rest_.front() <= horizon) {
        rest_.erase(rest_.begin(), std::upper_bound(rest_.begin(), rest_.end(), horizon));
        n_ = 1 + uint32_t(rest_.size());
      }
      rest_.push_back(at);
      last_ = at;
    } else if (at < first_) {
      rest_.insert(rest_.begin(), first_);
      first_ = at;
    } else {
      if (at == first_) return;
      auto pos = std::lower_bound(rest_.begin(), rest_.end(), at);
      if (*pos == at) return;  // pos is not end(): last_ >= at
      rest_.insert(pos, at);
    }
    ++n_;
  }

  // Removes the occurrences at or before `at`.
  void clear_until(const sc_core::sc_time& at) {
    if (n_ == 0 || at < first_) return;
    const size_t k = size_t(std::upper_bound(rest_.begin(), rest_.end(), at) - rest_.begin());
    if (k == rest_.size()) {
      rest_.clear();
      n_ = 0;
      return;
    }
    first_ = rest_[k];
    rest_.erase(rest_.begin(), rest_.begin() + std::ptrdiff_t(k) + 1);
    n_ -= uint32_t(k) + 1;
  }

 private:
  sc_core::sc_time first_, last_;  // when not empty
  uint32_t n_ = 0;
  std::vector<sc_core::sc_time> rest_;  // after the first, ascending
};

}  // namespace vp
