#pragma once
// A write whose timing is known now but whose data is not ready yet (an IMA
// job's outputs while its MVM runs on the worker pool; docs/architecture.md,
// "Parallel simulation"). A target that honours it (Tcdm) books the access's
// timing as for any write and copies the data later, once `ready` has run,
// before anything can see that memory. The data pointer of the payload must
// stay valid until then: `keep` owns it.
#include <memory>

#include <tlm>

#include "sim/worker_pool.hpp"

namespace vp {

struct DeferredData : tlm::tlm_extension<DeferredData> {
  DeferredData() = default;
  DeferredData(std::shared_ptr<AsyncTask> r, std::shared_ptr<const void> k) : ready(std::move(r)), keep(std::move(k)) {}
  tlm::tlm_extension_base* clone() const override { return new DeferredData(ready, keep); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    const auto& o = static_cast<const DeferredData&>(other);
    ready = o.ready;
    keep = o.keep;
  }
  std::shared_ptr<AsyncTask> ready;   // fills the data; null: ready now
  std::shared_ptr<const void> keep;   // owns the data
};

}  // namespace vp
