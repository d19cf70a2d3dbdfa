#pragma once
// Code decoded once, before the run, for every core that executes it: the
// pages of a memory the simulated system cannot write (a cluster's
// instruction memory), decoded from its image with one executor's handlers
// (RiscvCore::fast_handlers). Read-only once built, so the cores of any
// number of clusters read it from any host thread with no lock; a decode
// cache (DecodeCache) that must change one of its pages copies it first.
//
// Hardware-loop ends are marked ahead too: the end address of every
// cv.setup, cv.setupi and cv.endi met on a linear sweep of the code gets the
// hwloop handler, which runs the instruction there as its own handler would
// when no loop of the executing core ends there (the real handler is kept in
// loop_end_handler()). A cluster running a loop then writes nothing.
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "decoded_slot.hpp"

namespace vp::rv {

class SharedCode {
 public:
  // Decodes every halfword of the pages that [lo, hi) ranges of `code` touch,
  // where the bytes are in `image` (mapped at `base`, `size` bytes): a slot
  // whose instruction would reach past the image stays undecoded (the core
  // decodes it itself). `source` identifies the image (the clusters check it).
  SharedCode(const uint8_t* image, uint32_t base, uint32_t size, const void* source, uint32_t isa,
             const HandlerTable& handlers, const std::vector<std::pair<uint64_t, uint64_t>>& code);

  // The decoded page holding `addr`, or null.
  const CodePage* page(uint32_t addr) const {
    auto it = pages_.find(addr >> kPageBits);
    return it == pages_.end() ? nullptr : it->second.get();
  }
  // The handler of the instruction at a marked loop end (null: not marked).
  const void* loop_end_handler(uint32_t addr) const {
    auto it = loop_ends_.find(addr);
    return it == loop_ends_.end() ? nullptr : it->second;
  }
  const Handlers& handlers() const { return handlers_; }
  const void* source() const { return source_; }
  uint32_t base() const { return base_; }
  uint32_t size() const { return size_; }
  uint32_t isa() const { return isa_; }
  // Byte range spanned by the pages.
  uint64_t lo() const { return lo_; }
  uint64_t hi() const { return hi_; }
  size_t pages() const { return pages_.size(); }

 private:
  const void* source_;
  uint32_t base_, size_, isa_;
  Handlers handlers_;
  std::unordered_map<uint32_t, std::unique_ptr<CodePage>> pages_;
  std::unordered_map<uint32_t, const void*> loop_ends_;
  uint64_t lo_ = UINT64_MAX, hi_ = 0;
};

}  // namespace vp::rv
