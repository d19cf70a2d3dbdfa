#pragma once
// Decoded instructions, cached per 1 KiB page of the address space and filled
// on first execution. Pages are never freed while the cache lives (a core may
// hold a pointer into one); invalidation marks slots undecoded instead. One
// cache may be shared by cores that see the same code at the same addresses
// (the cores of a cluster): it is single-threaded by construction (all cores
// of a group run in one SystemC thread or one host thread at a time).
//
// Code that many clusters run (their common instruction memory) is decoded
// once for all of them (SharedCode, read-only): the cache then uses those
// pages as its own until it must change one (a slot to decode, a loop end to
// mark, a store over it, fence.i), when it copies that page first (copy on
// write). What stays per cache is what its cores did: the flow counters.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include "decoded_slot.hpp"
#include "rv_isa.hpp"
#include "shared_code.hpp"

namespace vp::rv {

class DecodeCache {
 public:
  static constexpr unsigned kPageBits = rv::kPageBits;
  static constexpr uint32_t kPageBytes = rv::kPageBytes;
  static constexpr uint32_t kSlots = kPageSlots;
  using Slot = rv::Slot;
  using Handlers = rv::Handlers;
  using Page = CodePage;
  // How often straight-line execution was entered and left at a slot, for
  // per-operation counts without a counter per instruction (edge profiling):
  // the executor adds 1 to `exit` of an instruction that jumped away after
  // it ran, adds 1 to `arrive` where it lands after an indirect jump (jalr,
  // mret), a trap, a hardware-loop back-edge or a call of execute() (a
  // direct jump's arrivals follow from its exits), and subtracts 1 where it
  // stops before an instruction (a trap, a back-edge, the end of a call).
  // How often each instruction ran follows from these in op_counts(); the
  // dispatch loop pays only on control transfers.
  struct Flow {
    int64_t arrive, exit;
  };
  // The executor finds a slot's counters at a fixed distance per page (Where).
  static_assert(sizeof(Flow) == sizeof(Slot), "flows step like slots");
  using Flows = std::array<Flow, kSlots + 2>;  // at the same index as the page's slots
  // A page as the executor runs it: its slots (this cache's own, or shared)
  // and this cache's flow counters for them.
  struct Where {
    Page* code;
    Flow* flow;
  };

  // Uses `code`'s pages for the addresses it decoded. Before any page exists.
  void share(std::shared_ptr<const SharedCode> code) {
    if (!pages_.empty()) throw std::logic_error("DecodeCache::share: pages exist already");
    shared_ = std::move(code);
    attached_ = shared_ != nullptr;
    if (attached_) lo_ = shared_->lo(), hi_ = shared_->hi();
  }
  const SharedCode* shared() const { return attached_ ? shared_.get() : nullptr; }

  // The flow counters of the slot at `addr` (its page is made if need be).
  Flow& flow_at(uint32_t addr) { return page(addr).flow[(addr & (kPageBytes - 1)) >> 1]; }
  // A stop before the instruction at `addr` (the executor leaving, or a core
  // halted there).
  // Out of line: inlined, its hash lookup costs the executor's hot loop
  // registers (bench_iss rv32imc: 6 % fewer MIPS).
  __attribute__((noinline)) void cut_at(uint32_t addr) { --flow_at(addr).arrive; }

  // The target of a direct control transfer (the executor's JUMP) at `pc`.
  static bool direct_target(Op op, const Slot& s, uint32_t pc, uint32_t& target) {
    switch (info(op).fmt) {
      case Fmt::kBranch: case Fmt::kJal: target = pc + static_cast<uint32_t>(s.imm); return true;
      case Fmt::kBrImm: target = pc + static_cast<uint32_t>(s.imm >> 5); return true;
      default: break;
    }
    if (op == Op::kFenceI) {
      target = pc + (s.len & 6u);
      return true;
    }
    return false;
  }

  // Adds how many times each operation ran (indexed by Op) since the cache
  // was made, over every core that used it: each slot ran as often as
  // execution reached it sequentially plus its arrivals, and passes that on
  // to the slot after it, less its exits; pages in address order carry the
  // flow over their sentinels. An instruction overwritten after it ran counts
  // as what was last decoded at its address.
  void op_counts(std::vector<uint64_t>& n) const {
    n.resize(static_cast<size_t>(Op::kCount), 0);
    std::vector<uint32_t> pns;
    pns.reserve(pages_.size());
    for (const auto& kv : pages_) pns.push_back(kv.first);
    std::sort(pns.begin(), pns.end());
    // Direct transfers count only their exits: their targets' arrivals, per
    // target page and slot (one lookup per page, not one per slot: this runs
    // over every slot of every page of the 512 clusters' caches at the end).
    std::unordered_map<uint32_t, std::vector<int64_t>> landed;
    for (uint32_t pn : pns) {
      const Entry& en = pages_.at(pn);
      const Page& p = *en.code();
      const Flows& f = *en.flows;
      for (uint32_t i = 0; i < kSlots; ++i) {
        uint32_t target = 0;
        const uint32_t pc = (pn << kPageBits) + 2 * i;
        if (f[i].exit && p.op[i] != Op::kUndecoded && direct_target(p.op[i], p.slot[i], pc, target)) {
          auto& l = landed[target >> kPageBits];
          if (l.empty()) l.resize(kSlots, 0);
          l[(target & (kPageBytes - 1)) >> 1] += f[i].exit;
        }
      }
    }
    int64_t carry[2] = {0, 0};
    for (size_t k = 0; k < pns.size(); ++k) {
      if (k && pns[k] != pns[k - 1] + 1) carry[0] = carry[1] = 0;
      const Entry& en = pages_.at(pns[k]);
      const Page& p = *en.code();
      const Flows& f = *en.flows;
      const auto lp = landed.find(pns[k]);
      const int64_t* land = lp == landed.end() ? nullptr : lp->second.data();
      std::array<int64_t, kSlots + 2> in{};
      in[0] = carry[0], in[1] = carry[1];
      for (uint32_t i = 0; i < kSlots; ++i) {
        int64_t ran = in[i] + f[i].arrive;
        if (land) ran += land[i];
        if (p.op[i] == Op::kUndecoded || ran <= 0) continue;
        n[static_cast<size_t>(p.op[i])] += static_cast<uint64_t>(ran);
        in[i + ((p.slot[i].len & 6u) >> 1)] += ran - f[i].exit;
      }
      carry[0] = in[kSlots] + f[kSlots].arrive;
      carry[1] = in[kSlots + 1] + f[kSlots + 1].arrive;
    }
  }

  // Set by the executor before it uses any page (shared pages hold its handlers).
  void set_handlers(const Handlers& h) {
    handlers_ = h;
    if (shared_ && !(h == shared_->handlers())) throw std::logic_error("DecodeCache: shared code of another executor");
  }

  // The page holding `addr`, created on first use (shared if decoded there).
  Where page(uint32_t addr) {
    const uint32_t pn = addr >> kPageBits;
    Tag& t = tags_[pn & (kTags - 1)];
    if (t.code && t.pn == pn) return {t.code, t.flow};
    return fill_tag(pn);
  }
  // The same page, this cache's own (a shared one is copied first): before
  // the executor writes a slot of it.
  Where own_page(uint32_t addr) {
    own(addr >> kPageBits);
    return page(addr);
  }

  // The slot of the instruction at `addr` if it is decoded as `op` and runs
  // its own handler (not a loop end this cache marked), else null. Creates nothing.
  const Slot* decoded_as(uint32_t addr, Op op) const {
    auto it = pages_.find(addr >> kPageBits);
    if (it == pages_.end()) return nullptr;
    const size_t i = (addr & (kPageBytes - 1)) >> 1;
    const Page& p = *it->second.code();
    const Slot& s = p.slot[i];
    if (p.op[i] != op || s.handler == handlers_.undecoded) return nullptr;
    // A loop end marked ahead in shared code runs its own handler unless marked here too.
    if (s.handler == handlers_.hwloop && (is_loop_end(addr) || !shared_ || !shared_->loop_end_handler(addr)))
      return nullptr;
    return &s;
  }

  // A store of `size` bytes at `addr` happened: forget the instructions it may
  // have changed. Cheap when the store is outside every page holding code.
  // True when it copied a shared page (the executor's may be stale).
  bool on_store(uint32_t addr, unsigned size) {
    if (addr + uint64_t(size) <= lo_ || addr >= hi_) return false;
    return invalidate(addr, size);
  }

  // fence.i: everything is decoded again on next execution, from this
  // cache's own pages (the shared ones it used are copied first).
  void flush() {
    for (auto& kv : pages_) {
      Page* p = own(kv.first);
      for (uint32_t i = 0; i < kSlots; ++i) p->slot[i].handler = handlers_.undecoded;
    }
    if (attached_) {
      attached_ = false;
      lo_ = UINT64_MAX, hi_ = 0;
      for (const auto& kv : pages_) span(kv.first);
    }
  }

  size_t pages() const { return pages_.size(); }
  // Pages copied from shared code.
  size_t copied_pages() const { return copied_; }

  // Hardware loops (xcvhwlp) cost nothing per instruction: the slot at a
  // loop's end address (the instruction after its body) gets the hwloop
  // handler, which loops back while the executing core's count lasts and
  // otherwise runs the instruction there, whose handler is kept aside. Marks
  // stay for the cache's life (other cores of the cluster may run the same
  // loop); a re-decoded slot is marked again. Shared code comes with the
  // ends its setups name marked already (SharedCode): marking one of those
  // writes nothing.
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
    if (!handlers_.hwloop) return;
    const uint32_t pn = addr >> kPageBits;
    const size_t i = (addr & (kPageBytes - 1)) >> 1;
    auto it = pages_.find(pn);
    const Page* p = it != pages_.end() ? it->second.code() : attached_ ? shared_->page(addr) : nullptr;
    if (!p) return;  // marked when decoded
    const Slot& s = p->slot[i];
    if (s.handler == handlers_.undecoded) return;  // marked when decoded
    if (s.handler == handlers_.hwloop) {           // here, or ahead in shared code
      if (!end->handler && shared_) end->handler = shared_->loop_end_handler(addr);
      return;
    }
    Slot& w = own(pn)->slot[i];
    end->handler = w.handler;
    w.handler = handlers_.hwloop;
  }
  // The handler of the instruction at a marked end address.
  const void* loop_end_handler(uint32_t addr) const {
    for (const LoopEnd& l : loop_ends_)
      if (l.addr == addr && l.handler) return l.handler;
    if (shared_)
      if (const void* h = shared_->loop_end_handler(addr)) return h;
    return handlers_.undecoded;
  }

 private:
  struct Entry {
    std::unique_ptr<Page> own;  // null: `shared` until a change
    const Page* shared = nullptr;
    std::unique_ptr<Flows> flows;
    // The executor writes a shared page's slots only after own() copied it.
    Page* code() const { return own ? own.get() : const_cast<Page*>(shared); }
  };

  void span(uint32_t pn) {
    const uint64_t base = uint64_t(pn) << kPageBits;
    lo_ = std::min(lo_, base);
    hi_ = std::max(hi_, base + kPageBytes);
  }
  Entry& entry(uint32_t pn) {
    Entry& en = pages_[pn];
    if (!en.flows) {
      en.flows = std::make_unique<Flows>();
      const Page* s = attached_ ? shared_->page(pn << kPageBits) : nullptr;
      if (s)
        en.shared = s;
      else
        en.own = std::make_unique<Page>(handlers_);
      span(pn);
    }
    return en;
  }
  __attribute__((noinline)) Where fill_tag(uint32_t pn) {
    Entry& en = entry(pn);
    Tag& t = tags_[pn & (kTags - 1)];
    t = {pn, en.code(), en.flows->data()};
    return {t.code, t.flow};
  }
  // This cache's own copy of page `pn`.
  Page* own(uint32_t pn) {
    Entry& en = entry(pn);
    if (!en.own) {
      en.own = std::make_unique<Page>(*en.shared);
      en.own->shared = false;
      ++copied_;
      Tag& t = tags_[pn & (kTags - 1)];
      if (t.code && t.pn == pn) t.code = en.own.get();
    }
    return en.own.get();
  }
  __attribute__((noinline)) bool invalidate(uint32_t addr, unsigned size) {
    const size_t copied = copied_;
    // A 32-bit instruction starting 2 bytes before the store overlaps it too.
    const uint32_t first = (addr >= 2 ? addr - 2 : 0) & ~1u;
    for (uint64_t a = first; a < uint64_t(addr) + size; a += 2) {
      const uint32_t pn = uint32_t(a) >> kPageBits;
      auto it = pages_.find(pn);
      // A shared page not used yet is copied too: the store may have changed its code.
      if (it == pages_.end() && !(attached_ && shared_->page(uint32_t(a)))) continue;
      own(pn)->slot[(a & (kPageBytes - 1)) >> 1].handler = handlers_.undecoded;
    }
    return copied_ != copied;
  }

  static constexpr unsigned kTags = 64;
  struct Tag {
    uint32_t pn = 0;
    Page* code = nullptr;
    Flow* flow = nullptr;
  };
  struct LoopEnd {
    uint32_t addr;
    const void* handler;
  };
  std::vector<LoopEnd> loop_ends_;
  std::array<Tag, kTags> tags_{};
  Handlers handlers_;
  std::unordered_map<uint32_t, Entry> pages_;
  std::shared_ptr<const SharedCode> shared_;
  bool attached_ = false;  // shared_'s pages are used (until flush())
  size_t copied_ = 0;
  uint64_t lo_ = UINT64_MAX, hi_ = 0;  // byte range spanned by the pages (and shared_'s)
};

}  // namespace vp::rv
