#pragma once
// A write whose timing is known now but whose data is not ready yet (an IMA
// job's outputs while its MVM runs on the worker pool; docs/architecture.md,
// "Parallel simulation"). A target that honours it (Tcdm) books the access's
// timing as for any write and copies the data later, once `ready` has run,
// before anything can see that memory. The data pointer of the payload must
// stay valid until then: `keep` owns it.
//
// A read may be deferred too (an IMA job's input vector, copied by its MVM
// task on the pool): with `read_base` set, a target that honours it books the
// read now, copies nothing, and sets *read_base to its memory (the byte at
// offset a is at *read_base + a); `ready` copies the bytes from there. The
// target makes every write to those bytes wait for `ready` first, so the copy
// sees the memory as it was at the read. A target that does not honour it
// copies at once and leaves *read_base alone (null: nothing left to copy).
#include <cstdint>
#include <memory>

#include <tlm>

#include "sim/worker_pool.hpp"

namespace vp {

struct DeferredData : tlm::tlm_extension<DeferredData> {
  DeferredData() = default;
  DeferredData(std::shared_ptr<AsyncTask> r, std::shared_ptr<const void> k) : ready(std::move(r)), keep(std::move(k)) {}
  tlm::tlm_extension_base* clone() const override {
    auto* d = new DeferredData;
    d->copy_from(*this);
    return d;
  }
  void copy_from(const tlm::tlm_extension_base& other) override {
    const auto& o = static_cast<const DeferredData&>(other);
    ready = o.ready;
    keep = o.keep;
    read_base = o.read_base;
  }
  std::shared_ptr<AsyncTask> ready;   // fills the data (a read: copies it); null: ready now
  std::shared_ptr<const void> keep;   // owns the data
  const uint8_t** read_base = nullptr;  // a read: deferred, the target's memory goes here; null: copied now
};

}  // namespace vp
