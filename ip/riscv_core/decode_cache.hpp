#pragma once
// Decoded instructions, cached per 1 KiB page of the address space and filled
// on first execution. Pages are never freed while the cache lives (a core may
// hold a pointer into one); invalidation marks slots undecoded instead. One
// cache may be shared by cores that see the same code at the same addresses
// (the cores of a cluster): it is single-threaded by construction (all cores
// of a group run in one SystemC thread).
#include <algorithm>
#include <array>
#include <cstddef>
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
  static_assert(sizeof(Flow) == sizeof(Slot), "flow_of() steps like a slot");
  // Two sentinel slots follow the page: sequential execution steps onto one
  // of them (after a 2- or 4-byte instruction) and the executor looks up the
  // next page there, so it never bounds-checks the pc on straight-line code.
  struct Page {
    std::array<Slot, kSlots + 2> slot;
    std::array<Flow, kSlots + 2> flow{};  // at the same index as slot
    std::array<Op, kSlots + 2> op;        // what was last decoded there (kUndecoded: never)
    explicit Page(const Handlers& h) {
      for (Slot& s : slot) s = {h.undecoded, 0, kZeroSink, 0, 0, 2};
      slot[kSlots].handler = slot[kSlots + 1].handler = h.page_cross;
      op.fill(Op::kUndecoded);
    }
  };
  // The flow counters of a slot of a page (at a fixed distance from it).
  static Flow& flow_of(Slot* s) {
    return *reinterpret_cast<Flow*>(reinterpret_cast<char*>(s) + (offsetof(Page, flow) - offsetof(Page, slot)));
  }
  // Records the operation decoded into slot `s` of `p`.
  static void set_op(Page* p, const Slot* s, Op op) { p->op[static_cast<size_t>(s - p->slot.data())] = op; }
  // A stop before the instruction at `addr` (the executor leaving, or a core
  // halted there).
  // Out of line: inlined, its hash lookup costs the executor's hot loop
  // registers (bench_iss rv32imc: 6 % fewer MIPS).
  __attribute__((noinline)) void cut_at(uint32_t addr) {
    --flow_of(&page(addr)->slot[(addr & (kPageBytes - 1)) >> 1]).arrive;
  }

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
      const Page& p = *pages_.at(pn);
      for (uint32_t i = 0; i < kSlots; ++i) {
        uint32_t target = 0;
        const uint32_t pc = (pn << kPageBits) + 2 * i;
        if (p.flow[i].exit && p.op[i] != Op::kUndecoded && direct_target(p.op[i], p.slot[i], pc, target)) {
          auto& l = landed[target >> kPageBits];
          if (l.empty()) l.resize(kSlots, 0);
          l[(target & (kPageBytes - 1)) >> 1] += p.flow[i].exit;
        }
      }
    }
    int64_t carry[2] = {0, 0};
    for (size_t k = 0; k < pns.size(); ++k) {
      if (k && pns[k] != pns[k - 1] + 1) carry[0] = carry[1] = 0;
      const Page& p = *pages_.at(pns[k]);
      const auto lp = landed.find(pns[k]);
      const int64_t* land = lp == landed.end() ? nullptr : lp->second.data();
      std::array<int64_t, kSlots + 2> in{};
      in[0] = carry[0], in[1] = carry[1];
      for (uint32_t i = 0; i < kSlots; ++i) {
        int64_t ran = in[i] + p.flow[i].arrive;
        if (land) ran += land[i];
        if (p.op[i] == Op::kUndecoded || ran <= 0) continue;
        n[static_cast<size_t>(p.op[i])] += static_cast<uint64_t>(ran);
        in[i + ((p.slot[i].len & 6u) >> 1)] += ran - p.flow[i].exit;
      }
      carry[0] = in[kSlots] + p.flow[kSlots].arrive;
      carry[1] = in[kSlots + 1] + p.flow[kSlots + 1].arrive;
    }
  }

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

  // The slot of the instruction at `addr` if it is decoded as `op` and runs
  // its own handler (not a hardware loop's end), else null. Creates nothing.
  Slot* decoded_as(uint32_t addr, Op op) {
    auto it = pages_.find(addr >> kPageBits);
    if (it == pages_.end()) return nullptr;
    const size_t i = (addr & (kPageBytes - 1)) >> 1;
    Slot& s = it->second->slot[i];
    if (it->second->op[i] != op || s.handler == handlers_.undecoded || s.handler == handlers_.hwloop) return nullptr;
    return &s;
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
