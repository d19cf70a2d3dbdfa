#pragma once
// Decoded instructions, cached per 1 KiB page of the address space and filled
// on first execution. Pages are never freed while the cache lives (a core may
// hold a pointer into one); invalidation marks slots undecoded instead. One
// cache may be shared by cores that see the same code at the same addresses
// (the cores of a cluster): it is single-threaded by construction (all cores
// of a group run in one SystemC thread).
#include <array>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "rv_isa.hpp"

namespace vp::rv {

class DecodeCache {
 public:
  static constexpr unsigned kPageBits = 10;
  static constexpr uint32_t kPageBytes = 1u << kPageBits;
  static constexpr uint32_t kSlots = kPageBytes / 2;  // one slot per halfword (RVC)
  // One executable instruction: the executor's handler for its operation and
  // its operands (see RiscvCore::execute for how imm is used per operation).
  struct Slot {
    const void* handler;
    int32_t imm;
    uint8_t rd, rs1, rs2, len;
  };
  static_assert(sizeof(Slot) == 16, "slot stepping assumes 16 bytes (8 per halfword)");
  // The executor's handlers for a slot to decode, for the end of a page and
  // for the end address of a hardware loop.
  struct Handlers {
    const void* undecoded = nullptr;
    const void* page_cross = nullptr;
    const void* hwloop = nullptr;
  };
  // Two sentinel slots follow the page: sequential execution steps onto one
  // of them (after a 2- or 4-byte instruction) and the executor looks up the
  // next page there, so it never bounds-checks the pc on straight-line code.
  struct Page {
    std::array<Slot, kSlots + 2> slot;
    explicit Page(const Handlers& h) {
      for (Slot& s : slot) s = {h.undecoded, 0, kZeroSink, 0, 0, 2};
      slot[kSlots].handler = slot[kSlots + 1].handler = h.page_cross;
    }
  };

  // Set by the executor before it creates any page.
  void set_handlers(const Handlers& h) { handlers_ = h; }

  // The page holding `addr`, created empty on first use.
  Page* page(uint32_t addr) {
    const uint32_t pn = addr >> kPageBits;
    Tag& t = tags_[pn & (kTags - 1)];
    if (t.page && t.pn == pn) return t.page;
    auto& slot = pages_[pn];
    if (!slot) {
      slot = std::make_unique<Page>(handlers_);
      const uint64_t base = uint64_t(pn) << kPageBits;
      if (base < lo_) lo_ = base;
      if (base + kPageBytes > hi_) hi_ = base + kPageBytes;
    }
    t = {pn, slot.get()};
    return t.page;
  }

  // A store of `size` bytes at `addr` happened: forget the instructions it may
  // have changed. Cheap when the store is outside every page holding code.
  void on_store(uint32_t addr, unsigned size) {
    if (addr + uint64_t(size) <= lo_ || addr >= hi_) return;
    invalidate(addr, size);
  }

  // fence.i: everything is decoded again on next execution.
  void flush() {
    for (auto& kv : pages_)
      for (uint32_t i = 0; i < kSlots; ++i) kv.second->slot[i].handler = handlers_.undecoded;
  }

  size_t pages() const { return pages_.size(); }

  // Hardware loops (xcvhwlp) cost nothing per instruction: the slot at a
  // loop's end address (the instruction after its body) gets the hwloop
  // handler, which loops back while the executing core's count lasts and
  // otherwise runs the instruction there, whose handler is kept aside. Marks
  // stay for the cache's life (other cores of the cluster may run the same
  // loop); a re-decoded slot is marked again.
  bool is_loop_end(uint32_t addr) const {
    for (const LoopEnd& l : loop_ends_)
      if (l.addr == addr) return true;
    return false;
  }
  void mark_loop_end(uint32_t addr) {
    LoopEnd* end = nullptr;
    for (LoopEnd& l : loop_ends_)
      if (l.addr == addr) end = &l;
    if (!end) {
      loop_ends_.push_back({addr, nullptr});
      end = &loop_ends_.back();
    }
    auto it = pages_.find(addr >> kPageBits);
    if (it == pages_.end() || !handlers_.hwloop) return;  // marked when decoded
    Slot& s = it->second->slot[(addr & (kPageBytes - 1)) >> 1];
    if (s.handler == handlers_.undecoded || s.handler == handlers_.hwloop) return;
    end->handler = s.handler;
    s.handler = handlers_.hwloop;
  }
  // The handler of the instruction at a marked end address.
  const void* loop_end_handler(uint32_t addr) const {
    for (const LoopEnd& l : loop_ends_)
      if (l.addr == addr) return l.handler;
    return handlers_.undecoded;
  }

 private:
  void invalidate(uint32_t addr, unsigned size) {
    // A 32-bit instruction starting 2 bytes before the store overlaps it too.
    const uint32_t first = (addr >= 2 ? addr - 2 : 0) & ~1u;
    for (uint64_t a = first; a < uint64_t(addr) + size; a += 2) {
      auto it = pages_.find(uint32_t(a) >> kPageBits);
      if (it != pages_.end()) it->second->slot[(a & (kPageBytes - 1)) >> 1].handler = handlers_.undecoded;
    }
  }

  static constexpr unsigned kTags = 64;
  struct Tag {
    uint32_t pn = 0;
    Page* page = nullptr;
  };
  struct LoopEnd {
    uint32_t addr;
    const void* handler;
  };
  std::vector<LoopEnd> loop_ends_;
  std::array<Tag, kTags> tags_{};
  Handlers handlers_;
  std::unordered_map<uint32_t, std::unique_ptr<Page>> pages_;
  uint64_t lo_ = UINT64_MAX, hi_ = 0;  // byte range spanned by the pages
};

}  // namespace vp::rv
