// Code decoded once for many decode caches (SharedCode): cores whose cache
// uses it run as cores with a cache of their own do, cycle for cycle, with
// the same per-operation counts, and the cache copies a shared page only
// when it must change it (fence.i, a loop end not marked ahead, a store over
// code). Cores 0 and 1 have a cache of their own, cores 2 and 3 one that
// uses shared code; all four run the same program from the same memory.
#include <catch2/catch.hpp>

#include "core_debug.hpp"
#include "core_fixture.hpp"
#include "shared_code.hpp"
#include "xcv_asm.hpp"

namespace {
uint32_t bne(uint32_t rs1, uint32_t rs2, int32_t off) {
  const uint32_t o = uint32_t(off);
  return (((o >> 12) & 1) << 31) | (((o >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (1u << 12) |
         (((o >> 1) & 0xf) << 8) | (((o >> 11) & 1) << 7) | 0x63;
}
uint32_t mul(uint32_t rd, uint32_t rs1, uint32_t rs2) { return (1u << 25) | (rs2 << 20) | (rs1 << 15) | (rd << 7) | 0x33; }
constexpr uint32_t kFenceI = 0x0000100f;

struct NopHook : CoreDebugHook {
  bool enter(RiscvCore&) override { return true; }
  void before(RiscvCore&) override {}
  void after(RiscvCore&, const StepInfo&) override {}
};

struct Run {
  Fixture f{4, sc_time(3, SC_NS), kBase, kIsaRv32imcXcv};  // quanta of 3 cycles: runs stop inside loops
  std::shared_ptr<DecodeCache> own = std::make_shared<DecodeCache>(), with_shared = std::make_shared<DecodeCache>();
  std::shared_ptr<const SharedCode> code;
  NopHook hook;

  explicit Run(const std::vector<uint32_t>& program, bool step = false) {
    f.ram.put(kBase, program);
    // A core running shared code fetches nothing: it gets its DMI pointer on
    // its first load, through the bus. Same timing either way (as a real target).
    f.ram.dmi_latency = sc_time(2, SC_NS);
    code = std::make_shared<const SharedCode>(f.ram.mem.data(), kBase, uint32_t(f.ram.mem.size()), nullptr,
                                              kIsaRv32imcXcv, f.cores[2]->fast_handlers(),
                                              std::vector<std::pair<uint64_t, uint64_t>>{{kBase, kBase + 4 * program.size()}});
    with_shared->share(code);
    for (unsigned i = 0; i < 4; ++i) f.cores[i]->set_decode_cache(i < 2 ? own : with_shared);
    if (step) f.cores[2]->add_debug_hook(&hook);
    sc_core::sc_start(2000, SC_NS);
    REQUIRE(!f.group->error());
  }
  static std::vector<uint64_t> counts(const DecodeCache& c, const RiscvCore& a, const RiscvCore& b) {
    std::vector<uint64_t> n;
    c.op_counts(n);
    for (const RiscvCore* core : {&a, &b})
      if (core->step_decode_cache()) core->step_decode_cache()->op_counts(n);
    return n;
  }
  // Cores 2 and 3 ran as cores 0 and 1, and counted the same operations.
  void check_same() {
    for (unsigned i = 0; i < 2; ++i) {
      const RiscvCore &a = *f.cores[i], &b = *f.cores[i + 2];
      CHECK(a.sleeping());
      CHECK(b.instret() == a.instret());
      CHECK(b.now_cycles() == a.now_cycles());
      CHECK(b.pc() == a.pc());
      for (unsigned r = 1; r < 32; ++r) CHECK(b.reg(r) == a.reg(r));
    }
    const auto n_own = counts(*own, *f.cores[0], *f.cores[1]), n_shared = counts(*with_shared, *f.cores[2], *f.cores[3]);
    CHECK(n_shared == n_own);
    uint64_t sum = 0;
    for (uint64_t v : n_shared) sum += v;
    CHECK(sum == f.cores[2]->instret() + f.cores[3]->instret());
  }
};

// A loop (load, multiply, store, branch), a jump, a hardware loop whose end
// is marked ahead (cv.setupi), wfi.
const std::vector<uint32_t> kLoops = {
    addi(1, 0, 3), lui(3, 2),                                     // 0x00
    lw(2, 3, 0), mul(4, 2, 1), sw(4, 3, 4), addi(1, 1, -1),       // 0x08: loop
    bne(1, 0, -16),                                               // 0x18
    jal(0, 8), kIllegal,                                          // 0x1c
    xcv::setupi(0, 4, 12), xcv::simd(0, 0, 1, 5, 5, 6), addi(7, 7, 1),  // 0x24: hardware loop
    addi(8, 7, 5), kWfi};                                         // 0x30
}  // namespace

TEST_CASE("shared code: the same cycles, registers and operation counts as a cache of its own, nothing copied") {
  Run r(kLoops);
  r.check_same();
  CHECK(r.with_shared->copied_pages() == 0);  // the loop's end was marked ahead
  CHECK(r.code->loop_end_handler(kBase + 0x30) != nullptr);
  CHECK(r.f.cores[0]->reg(7) == 4);
  // Every slot the lazy decode filled is the one decoded ahead.
  for (uint32_t a = kBase; a < kBase + 4 * kLoops.size(); a += 4) {
    const Op op = decode(kLoops[(a - kBase) / 4], kIsaRv32imcXcv).op;
    const DecodeCache::Slot* lazy = r.own->decoded_as(a, op);
    if (!lazy || r.own->is_loop_end(a)) continue;
    const DecodeCache::Slot& ahead = r.code->page(a)->slot[(a & (kPageBytes - 1)) >> 1];
    INFO("address 0x" << std::hex << a);
    CHECK(ahead.handler == lazy->handler);
    CHECK(ahead.imm == lazy->imm);
    CHECK((ahead.rd == lazy->rd && ahead.rs1 == lazy->rs1 && ahead.rs2 == lazy->rs2 && ahead.len == lazy->len));
  }
}

TEST_CASE("shared code: the debug step path beside it counts the same") {
  Run r(kLoops, true);
  r.check_same();
}

TEST_CASE("shared code: a loop end from a register and fence.i copy the pages they change") {
  const std::vector<uint32_t> program = {
      lui(6, 1), addi(5, 6, 0x24), addi(6, 6, 0x1c), addi(7, 0, 5),   // 0x00: end 0x1024, start 0x101c
      xcv::start(0, 6), xcv::end(0, 5), xcv::count(0, 7),            // 0x10
      addi(8, 8, 1), addi(9, 9, 2),                                  // 0x1c: body
      kFenceI, addi(10, 9, 7), kWfi};                                // 0x24: end
  Run r(program);
  r.check_same();
  CHECK(r.f.cores[2]->reg(9) == 10);
  CHECK(r.with_shared->copied_pages() == 1);
  CHECK(r.with_shared->shared() == nullptr);  // fence.i: decoded again from memory from then on
}

TEST_CASE("shared code: a store over code is seen by the cache that made it") {
  const std::vector<uint32_t> program = {
      lui(3, 1), lw(4, 3, 0x1c), sw(4, 3, 0x14), addi(0, 0, 0), addi(0, 0, 0),  // 0x00
      addi(9, 0, 1),                                                          // 0x14: overwritten
      kWfi, addi(9, 0, 42)};                                                  // 0x18
  Run r(program);
  r.check_same();
  CHECK(r.f.cores[2]->reg(9) == 42);
  CHECK(r.with_shared->copied_pages() == 1);
}
