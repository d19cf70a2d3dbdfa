#include "shared_code.hpp"

#include <algorithm>

namespace vp::rv {

SharedCode::SharedCode(const uint8_t* image, uint32_t base, uint32_t size, const void* source, uint32_t isa,
                       const HandlerTable& handlers, const std::vector<std::pair<uint64_t, uint64_t>>& code)
    : source_(source), base_(base), size_(size), isa_(isa), handlers_(handlers.special) {
  const uint64_t end = uint64_t(base) + size;
  // The halfword at `a` as the core's fetch reads it (RiscvCore::fetch_raw).
  auto half = [&](uint64_t a) { return uint32_t(image[a - base]) | uint32_t(image[a - base + 1]) << 8; };
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (const auto& [lo, hi] : code) {
    const uint64_t a = std::max<uint64_t>(lo, base), b = std::min<uint64_t>(hi, end);
    if (a < b) ranges.push_back({a & ~uint64_t(1), b});
  }
  for (const auto& [lo, hi] : ranges) {
    for (uint64_t pn = lo >> kPageBits; pn <= (hi - 1) >> kPageBits; ++pn) {
      auto& p = pages_[uint32_t(pn)];
      if (p) continue;
      p = std::make_unique<CodePage>(handlers_);
      p->shared = true;
      const uint64_t page_base = pn << kPageBits;
      lo_ = std::min(lo_, page_base);
      hi_ = std::max(hi_, page_base + kPageBytes);
      for (uint32_t i = 0; i < kPageSlots; ++i) {
        const uint64_t a = page_base + 2 * i;
        if (a < base || a + 2 > end) continue;
        uint32_t word = half(a);
        if (!is_compressed(word)) {
          if (a + 4 > end) continue;  // its fetch would fault, or read past the image
          word |= half(a + 2) << 16;
        }
        const Decoded d = decode(word, isa);
        p->slot[i] = make_slot(d, handlers);
        p->op[i] = d.op;
      }
    }
  }
  // Hardware-loop ends, on a linear sweep (where an instruction starts).
  for (const auto& [lo, hi] : ranges) {
    for (uint64_t a = lo; a < hi;) {
      const CodePage& p = *pages_.at(uint32_t(a >> kPageBits));
      const size_t i = (a & (kPageBytes - 1)) >> 1;
      uint32_t at = 0;
      if (p.op[i] != Op::kUndecoded && static_loop_end(p.op[i], p.slot[i], uint32_t(a), at) && !(at & 3)) {
        auto it = pages_.find(at >> kPageBits);
        if (it != pages_.end()) {
          Slot& s = it->second->slot[(at & (kPageBytes - 1)) >> 1];
          if (s.handler != handlers_.undecoded && s.handler != handlers_.hwloop) {
            loop_ends_[at] = s.handler;
            s.handler = handlers_.hwloop;
          }
        }
      }
      a += p.op[i] == Op::kUndecoded ? 2 : p.slot[i].len;
    }
  }
}

}  // namespace vp::rv
