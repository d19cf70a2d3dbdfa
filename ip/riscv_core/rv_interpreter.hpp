#pragma once
// The interpreter's hot loop, direct-threaded: every handler ends with its
// own indirect jump to the next instruction's handler (GNU labels as values),
// which the host's branch predictor learns per site. Straight-line code steps
// through the decode-cache page with no pc checks (sentinel slots end each
// page); the time limit is checked on control transfers only, so a core may
// overshoot its quantum by at most one page of straight-line code. Nothing
// here calls SystemC; state goes back to members only around slow operations
// (bus access, CSR, trap).
//
// One loop for every ISA (a core.isa without an extension never decodes its
// operations). It is compiled twice: execute<false> is the fast path;
// execute<true> (the debug step path, core_debug.hpp) leaves after each
// instruction and records its data access. Its extra code is discarded at
// compile time from the fast path. Each is instantiated in a translation unit
// of its own (rv_execute_xcv.cpp, rv_execute_step.cpp): with two in one, GCC
// allocates the fast loop's registers worse (5-7 % fewer MIPS). A separate
// RV32IMC-only loop was faster until session 6; since the changes of issue 20
// it is the one GCC allocates worse (bench_iss: 465 against 488 MIPS).

#include <cstring>
#include <stdexcept>

#include "riscv_core.hpp"
#include "rv_sem_xcv.hpp"
#include "rv_sem_xcvsimd.hpp"

#define VP_LIKELY(x) __builtin_expect(!!(x), 1)
#define VP_UNLIKELY(x) __builtin_expect(!!(x), 0)

namespace vp::rv {

namespace {
inline uint32_t clz32(uint32_t v) { return v ? static_cast<uint32_t>(__builtin_clz(v)) : 32; }
inline uint32_t sx8(uint32_t v) { return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(v))); }
inline uint32_t sx16(uint32_t v) { return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int16_t>(v))); }
inline uint32_t same(uint32_t v) { return v; }

}  // namespace

// A slot's length is the stride to the next slot (len * 8 bytes) with no
// masking: the step from one slot to the next is the dispatch's critical
// dependency chain. Whether an operation reads rd (a CORE-V accumulator, for
// the load-use stall) is looked up from the page's op array, only when the
// previous instruction was a load.
#define SLOT_LEN(s) ((s)->len)
// Each handler steps by a constant: the decoder gives a 2-byte (compressed)
// instruction the handler compiled with STRIDE 2 (opc_*, RV_C_STEPPING) and
// every other one the handler compiled with STRIDE 4. The next slot's address
// then depends on no load: the slot's len left the dispatch's critical
// dependency chain (load len -> next slot -> load handler), which bound the
// loop at about one instruction per load latency. Handlers that do not step
// to the next slot (jumps, traps) read len where they need it.
#define STRIDE 4
#define STEP_E() (e = reinterpret_cast<Slot*>(reinterpret_cast<char*>(e) + STRIDE * (sizeof(Slot) / 2)))
#define READS_LOADED_RD(s, r) \
  ((s)->rd == (r) && (info(page->op[static_cast<size_t>((s) - page->slot.data())]).flags & kRdRd))

template <bool kStep>
void RiscvCore::execute(uint64_t limit) {
  // One label per operation of rv_insn.def, in enum order.
  static const void* const kLabels[] = {
#define RV_INSN(ID, ...) &&op_##ID,
#include "rv_insn.def"
#undef RV_INSN
  };
  static_assert(sizeof(kLabels) / sizeof(kLabels[0]) == static_cast<size_t>(Op::kCount), "one label per op");
  // Every handler, per operation and length (decoded_slot.hpp make_slot):
  // the lazy decode below and code decoded ahead (SharedCode) use this one table.
  static const HandlerTable kTable = ({
    HandlerTable t;
    t.special = {&&op_Undecoded, &&op_PageCross, &&op_HwLoop};
    for (size_t i = 0; i < t.op.size(); ++i) t.op[i] = kLabels[i];
#define RV_C_LABEL(ID) t.op_c[static_cast<size_t>(Op::k##ID)] = &&opc_##ID;
    RV_C_STEPPING(RV_C_LABEL)
#undef RV_C_LABEL
#define RV_C_SAME(ID) t.op_c[static_cast<size_t>(Op::k##ID)] = kLabels[static_cast<size_t>(Op::k##ID)];
    RV_C_NONSTEPPING(RV_C_SAME)  // they read len themselves
#undef RV_C_SAME
    t;
  });
  if (VP_UNLIKELY(handlers_out_ != nullptr)) {  // fast_handlers(): the table only
    *handlers_out_ = kTable;
    return;
  }

  uint32_t* const x = x_.data();
  DecodeCache& ic = kStep ? *step_icache_ : *icache_;
  using Slot = DecodeCache::Slot;
  const void* const h_undecoded = &&op_Undecoded;
  const void* const h_page_cross = &&op_PageCross;
  const void* const h_hwloop = &&op_HwLoop;
  ic.set_handlers(kTable.special);
  const CoreTiming T = cfg_.timing;
  const bool trap_misaligned = cfg_.trap_misaligned;
  // Per instruction only `instret` counts: the local time is instret + bias
  // (NOW()), and a stall or penalty adds to bias. An instruction undone
  // (page cross, decode, hardware-loop slot, deferred access) takes back its
  // count and with it its cycle. Modulo 2^64, so bias may wrap.
  uint64_t instret = instret_, bias = now_ - instret_;
  constexpr uint32_t kPageMask = DecodeCache::kPageBytes - 1;
  DecodeCache::Page* page = nullptr;
  uint32_t page_base = 0;
  Slot* e = nullptr;
  // From a slot to its flow counters (DecodeCache::Where): the page's slots
  // may be shared by many caches, each with its own counters. Used on
  // control transfers only.
  uintptr_t flow_off = 0;
  // The pc is not kept per instruction: it follows from the slot (PC()). A
  // sentinel slot gives the next page's first address (or the one after).
  uint32_t leave_pc = 0;  // where a leave_accounted exit resumes
#define NOW() (instret + bias)
#define PC() (page_base + static_cast<uint32_t>((reinterpret_cast<const char*>(e) - reinterpret_cast<const char*>(page)) >> 3))
  static_assert(offsetof(DecodeCache::Page, slot) == 0 && sizeof(Slot) == 16, "PC() assumes slots at the page's start, 8 bytes per halfword");

  // The most recently granted DMI range, in locals for the fast path.
  uint64_t d_lo = 0, d_len_r = 0, d_len_w = 0;
  uint8_t* d_ptr = nullptr;
  uint32_t d_rd_cyc = 0, d_wr_cyc = 0;
  auto refresh_dmi = [&] {
    d_len_r = d_len_w = 0;
    if (dmi_count_ == 0) return;
    const DmiRange& r = dmi_[0];
    d_lo = r.lo;
    d_ptr = r.ptr;
    d_len_r = r.rd ? r.hi - r.lo + 1 : 0;
    d_len_w = r.wr ? r.hi - r.lo + 1 : 0;
    d_rd_cyc = r.rd_cycles;
    d_wr_cyc = r.wr_cycles;
  };
  refresh_dmi();

  // Pipeline hazards of the previous instruction, applied to the next one;
  // kept across calls so that cycle counts do not depend on the quantum.
  // hz: the destination of a load just executed (0: none) in its low byte,
  // kHzJumped if a control transfer just happened: one test per instruction.
  constexpr uint32_t kHzJumped = 0x100;
  uint32_t hz = hz_load_rd_ | (hz_jumped_ ? kHzJumped : 0u);
  const Slot* prev = hz_prev_;      // for the jalr hazard

  // Edge profiling (DecodeCache::Flow): the only per-instruction-class
  // bookkeeping, paid on control transfers.
#define FLOW_OF(s) (*reinterpret_cast<DecodeCache::Flow*>(reinterpret_cast<uintptr_t>(s) + flow_off))
#define FLOW_ARRIVE(s) (++FLOW_OF(s).arrive)
#define FLOW_CUT(s) (--FLOW_OF(s).arrive)
#define FLOW_EXIT(s) (++FLOW_OF(s).exit)
#define SYNC_OUT() \
  (pc_ = PC(), now_ = NOW(), instret_ = instret, hz_load_rd_ = hz & 0xffu, hz_jumped_ = (hz & kHzJumped) != 0, hz_prev_ = prev)
#define SYNC_IN() (bias = now_ - instret, refresh_dmi())
#define LOCATE_IN(at, lookup)                                                        \
  do {                                                                               \
    const uint32_t at_ = (at);                                                       \
    const DecodeCache::Where w_ = ic.lookup(at_);                                    \
    page = w_.code;                                                                  \
    flow_off = reinterpret_cast<uintptr_t>(w_.flow) - reinterpret_cast<uintptr_t>(w_.code); \
    page_base = at_ & ~kPageMask;                                                    \
    e = &page->slot[(at_ - page_base) >> 1];                                         \
  } while (0)
#define LOCATE(at) LOCATE_IN(at, page)
  // Before the executor writes the slot at e: its page is this cache's own.
#define OWN_PAGE()                     \
  do {                                 \
    if (VP_UNLIKELY(page->shared)) {   \
      const uint32_t own_at_ = PC();   \
      LOCATE_IN(own_at_, own_page);    \
    }                                  \
  } while (0)
  // Charges the instruction at e, applies pending hazards, jumps to its handler.
  // Only loads, control transfers and the slots that are not instructions
  // (which pass hazards on) can leave a hazard: every other handler ends with
  // NEXT(), whose dispatch has no hazard test (hz is 0 there). Its fast path
  // is then a plain indirect jump per handler (with the test in every
  // dispatch and the hazard state in one word, GCC merged all handlers' jumps
  // into one shared `jmp *`).
#define STEP_CUT(h)                                                                 \
  do {                                                                              \
    if constexpr (kStep) {                                                          \
      if ((h) != h_undecoded && (h) != h_page_cross && (h) != h_hwloop) {           \
        if (stepped) {                                                              \
          step_cut_ = true;                                                         \
          goto leave;                                                               \
        }                                                                           \
        stepped = true;                                                             \
      }                                                                             \
    }                                                                               \
  } while (0)
#define DISPATCH() DISPATCH_TO(e->handler)
#define DISPATCH_TO(h_)                                                             \
  do {                                                                              \
    const void* const h = (h_);                                                     \
    STEP_CUT(h);                                                                    \
    ++instret;                                                                      \
    if (VP_UNLIKELY(hz) && h != h_undecoded && h != h_page_cross && h != &&op_HwLoop) { \
      const uint32_t load_rd = hz & 0xffu;                                          \
      if (load_rd && (e->rs1 == load_rd || e->rs2 == load_rd || READS_LOADED_RD(e, load_rd))) \
        bias += T.load_use_stall;                                                   \
      if ((hz & kHzJumped) && (PC() & 2) && SLOT_LEN(e) == 4) bias += T.unaligned_target_penalty; \
      hz = 0;                                                                       \
    }                                                                               \
    goto* h;                                                                        \
  } while (0)
#define NEXT()          \
  do {                  \
    prev = e;           \
    STEP_E();           \
    const void* const h = e->handler; \
    STEP_CUT(h);        \
    ++instret;          \
    goto* h;            \
  } while (0)
  // After a load: the next instruction may wait for its result.
#define NEXT_HZ()       \
  do {                  \
    prev = e;           \
    STEP_E();           \
    DISPATCH();         \
  } while (0)
  // A direct transfer (branch, jal, fence.i: the target follows from the
  // slot, DecodeCache::direct_target) counts its exit only; an indirect one
  // (jalr, mret) its arrival too.
#define JUMP_(target, indirect)                               \
  do {                                                        \
    prev = e;                                                 \
    FLOW_EXIT(e);                                             \
    const uint32_t to_ = (target);                            \
    hz |= kHzJumped;                                          \
    const uint32_t off_ = to_ - page_base;                    \
    if (VP_LIKELY(off_ < DecodeCache::kPageBytes))            \
      e = &page->slot[off_ >> 1];                             \
    else                                                      \
      LOCATE(to_);                                            \
    if (indirect) FLOW_ARRIVE(e);                             \
    if (VP_UNLIKELY(NOW() >= limit)) goto leave;              \
    DISPATCH();                                               \
  } while (0)
#define JUMP(target) JUMP_(target, false)
#define JUMP_INDIRECT(target) JUMP_(target, true)
#define TRAP(cause, tval, insn)                     \
  do {                                              \
    --instret;                                      \
    ++bias; /* the count only: the time stays */    \
    FLOW_CUT(e);                                    \
    SYNC_OUT();                                     \
    const uint32_t to_ = trap((cause), (tval), PC(), (insn)); \
    SYNC_IN();                                      \
    hz = kHzJumped;                                 \
    prev = nullptr;                                 \
    if (VP_UNLIKELY(halted_)) {                     \
      leave_pc = to_;                               \
      goto leave_accounted; /* fatal */             \
    }                                               \
    LOCATE(to_);                                    \
    FLOW_ARRIVE(e);                                 \
    if (VP_UNLIKELY(NOW() >= limit)) goto leave;    \
    DISPATCH();                                     \
  } while (0)
  // A bus access deferred (RiscvCore::Exchange::kDefer): undo the instruction's
  // start (its count and issue cycle; hazards stay charged and cleared), so
  // that running it later gives the same cycles as running it now.
#define DEFER(now0)        \
  do {                     \
    --instret;             \
    bias = (now0) - 1 - instret; \
    goto leave;            \
  } while (0)
  // After a slow operation: leave if a halt, sleep or interrupt needs the host.
#define ATTENTION_NEXT_(next)     \
  do {                            \
    if (VP_UNLIKELY(attention_)) { \
      prev = e;                   \
      STEP_E();                   \
      goto leave;                 \
    }                             \
    next();                       \
  } while (0)
#define ATTENTION_NEXT() ATTENTION_NEXT_(NEXT)
#define ATTENTION_NEXT_HZ() ATTENTION_NEXT_(NEXT_HZ)

  // The step path resuming where it cut straight-line code goes on as the
  // fast path would: the limit is checked on control transfers only.
  bool stepped = false;
  (void)stepped;
  if constexpr (kStep) {
    const bool resume_cut = step_cut_;
    step_cut_ = false;
    LOCATE(pc_);
    FLOW_ARRIVE(e);
    if (NOW() >= limit && !resume_cut) goto leave;
    DISPATCH();
  } else {
    LOCATE(pc_);
    FLOW_ARRIVE(e);
    if (NOW() >= limit) goto leave;
    DISPATCH();
  }

op_PageCross:  // not an instruction: find the next page
  --instret;
  LOCATE(PC());
  if (VP_UNLIKELY(NOW() >= limit)) goto leave;
  DISPATCH();

op_Undecoded: {  // first execution (or after a store over it): decode
  --instret;
  uint32_t word = 0;
  SYNC_OUT();
  const bool ok = fetch_raw(PC(), word);
  SYNC_IN();
  if (VP_UNLIKELY(!ok && deferred_)) goto leave;  // fetched later, from the bus
  if (!ok) {
    ++instret;
    --bias; /* the count only: TRAP takes it back */
    TRAP(1, PC(), 0);
  }
  const Decoded d = decode(word, cfg_.isa);
  const Slot slot = make_slot(d, kTable);
  OWN_PAGE();  // a shared page is copied before it changes
  *e = slot;
  page->op[static_cast<size_t>(e - page->slot.data())] = d.op;
  if (VP_UNLIKELY(ic.is_loop_end(PC()))) ic.mark_loop_end(PC());  // keeps the handler aside
  DISPATCH();
}

op_Lui: x[e->rd] = static_cast<uint32_t>(e->imm); NEXT();
#undef STRIDE
#define STRIDE 2
opc_Lui: x[e->rd] = static_cast<uint32_t>(e->imm); NEXT();
#undef STRIDE
#define STRIDE 4
op_Auipc: x[e->rd] = PC() + static_cast<uint32_t>(e->imm); NEXT();
op_Jal: {
  const uint32_t pc = PC();
  x[e->rd] = pc + SLOT_LEN(e);
  bias += T.jump_penalty;
  JUMP(pc + static_cast<uint32_t>(e->imm));
}
op_Jalr: {
  const uint32_t target = (x[e->rs1] + static_cast<uint32_t>(e->imm)) & ~1u;
  if (prev && prev->rd == e->rs1) bias += T.jalr_hazard_stall;
  x[e->rd] = PC() + SLOT_LEN(e);
  bias += T.jump_penalty;
  JUMP_INDIRECT(target);
}

#define BRANCH(label, cond)                                  \
  label : {                                                  \
    const uint32_t a = x[e->rs1], b = x[e->rs2];             \
    (void)a;                                                 \
    (void)b;                                                 \
    if (cond) {                                              \
      bias += T.branch_taken_penalty;                        \
      JUMP(PC() + static_cast<uint32_t>(e->imm));            \
    }                                                        \
    NEXT();                                                  \
  }
  BRANCH(op_Beq, a == b)
  BRANCH(op_Bne, a != b)
  BRANCH(op_Blt, static_cast<int32_t>(a) < static_cast<int32_t>(b))
  BRANCH(op_Bge, static_cast<int32_t>(a) >= static_cast<int32_t>(b))
  BRANCH(op_Bltu, a < b)
  BRANCH(op_Bgeu, a >= b)
#undef STRIDE
#define STRIDE 2
  BRANCH(opc_Beq, a == b)
  BRANCH(opc_Bne, a != b)
#undef STRIDE
#define STRIDE 4
#undef BRANCH

// ADDR: the address from base = x[rs1]; POST: the post-increment (after the access).
#define LOAD_AT(label, size, convert, ADDR, POST)                               \
  label : {                                                                     \
    const uint32_t base = x[e->rs1];                                            \
    (void)base;                                                                 \
    const uint32_t a = (ADDR);                                                  \
    if constexpr (kStep) step_mem_addr_ = a, step_mem_size_ = (size), step_mem_store_ = false; \
    const uint64_t o = uint64_t(a) - d_lo;                                      \
    if (VP_LIKELY(o + (size) <= d_len_r && !(a & ((size)-1)))) {                \
      uint32_t v = 0;                                                           \
      std::memcpy(&v, d_ptr + o, (size));                                       \
      POST;                                                                     \
      x[e->rd] = convert(v);                                                    \
      bias += d_rd_cyc;                                                         \
      hz = e->rd == kZeroSink ? 0 : e->rd;                                 \
      NEXT_HZ();                                                                \
    }                                                                           \
    const uint64_t now0 = NOW();                                                \
    if (a & ((size)-1)) {                                                       \
      if (trap_misaligned) TRAP(4, a, 0);                                  \
      if ((a & 3) + (size) > 4) bias += T.misaligned_penalty;                   \
    }                                                                           \
    uint32_t v = 0;                                                             \
    SYNC_OUT();                                                                 \
    const bool ok = load_slow(a, (size), v);                                    \
    SYNC_IN();                                                                  \
    if (!ok) {                                                                  \
      if (VP_UNLIKELY(deferred_)) DEFER(now0);                                  \
      TRAP(5, a, 0);                                                            \
    }                                                                           \
    POST;                                                                       \
    x[e->rd] = convert(v);                                                      \
    hz = e->rd == kZeroSink ? 0 : e->rd;                                   \
    ATTENTION_NEXT_HZ();                                                        \
  }
#define IMM_ADDR base + static_cast<uint32_t>(e->imm)
  LOAD_AT(op_Lb, 1, sx8, IMM_ADDR, (void)0)
  LOAD_AT(op_Lh, 2, sx16, IMM_ADDR, (void)0)
  LOAD_AT(op_Lw, 4, same, IMM_ADDR, (void)0)
  LOAD_AT(op_Lbu, 1, same, IMM_ADDR, (void)0)
  LOAD_AT(op_Lhu, 2, same, IMM_ADDR, (void)0)
  // xcvmem. Post-increment: the address register is written before rd, so
  // with rd == rs1 the loaded value wins (as the manual defines); x0 stays 0.
#define POST_IMM (e->rs1 ? (void)(x[e->rs1] = base + static_cast<uint32_t>(e->imm)) : (void)0)
#define POST_REG (e->rs1 ? (void)(x[e->rs1] = base + x[e->rs2]) : (void)0)
  LOAD_AT(op_CvLbPostI, 1, sx8, base, POST_IMM)
  LOAD_AT(op_CvLbuPostI, 1, same, base, POST_IMM)
  LOAD_AT(op_CvLhPostI, 2, sx16, base, POST_IMM)
  LOAD_AT(op_CvLhuPostI, 2, same, base, POST_IMM)
  LOAD_AT(op_CvLwPostI, 4, same, base, POST_IMM)
  LOAD_AT(op_CvLbPostR, 1, sx8, base, POST_REG)
  LOAD_AT(op_CvLbuPostR, 1, same, base, POST_REG)
  LOAD_AT(op_CvLhPostR, 2, sx16, base, POST_REG)
  LOAD_AT(op_CvLhuPostR, 2, same, base, POST_REG)
  LOAD_AT(op_CvLwPostR, 4, same, base, POST_REG)
  LOAD_AT(op_CvLbRR, 1, sx8, base + x[e->rs2], (void)0)
  LOAD_AT(op_CvLbuRR, 1, same, base + x[e->rs2], (void)0)
  LOAD_AT(op_CvLhRR, 2, sx16, base + x[e->rs2], (void)0)
  LOAD_AT(op_CvLhuRR, 2, same, base + x[e->rs2], (void)0)
  LOAD_AT(op_CvLwRR, 4, same, base + x[e->rs2], (void)0)
#undef STRIDE
#define STRIDE 2
  LOAD_AT(opc_Lw, 4, same, IMM_ADDR, (void)0)
#undef STRIDE
#define STRIDE 4
#undef LOAD_AT

#define STORE_AT(label, size, ADDR, POST)                                       \
  label : {                                                                     \
    const uint32_t base = x[e->rs1];                                            \
    (void)base;                                                                 \
    const uint32_t a = (ADDR);                                                  \
    const uint32_t v = x[e->rs2];                                               \
    if constexpr (kStep) step_mem_addr_ = a, step_mem_size_ = (size), step_mem_store_ = true; \
    const uint64_t o = uint64_t(a) - d_lo;                                      \
    if (VP_LIKELY(o + (size) <= d_len_w && !(a & ((size)-1)))) {                \
      std::memcpy(d_ptr + o, &v, (size));                                       \
      bias += d_wr_cyc;                                                         \
      if (VP_UNLIKELY(ic.on_store(a, (size)))) LOCATE(PC()); /* into a copy of a shared page */ \
      if constexpr (kStep) icache_->on_store(a, (size)); /* the fast path's cache too */ \
      POST;                                                                     \
      NEXT();                                                                   \
    }                                                                           \
    const uint64_t now0 = NOW();                                                \
    if (a & ((size)-1)) {                                                       \
      if (trap_misaligned) TRAP(6, a, 0);                                  \
      if ((a & 3) + (size) > 4) bias += T.misaligned_penalty;                   \
    }                                                                           \
    if constexpr (kStep) ic.on_store(a, (size)); /* store_slow does the shared one */ \
    SYNC_OUT();                                                                 \
    const bool ok = store_slow(a, (size), v);                                   \
    SYNC_IN();                                                                  \
    if (VP_UNLIKELY(page->shared)) LOCATE(PC()); /* store_slow may have copied it */ \
    if (!ok) {                                                                  \
      if (VP_UNLIKELY(deferred_)) DEFER(now0);                                  \
      TRAP(7, a, 0);                                                            \
    }                                                                           \
    POST;                                                                       \
    ATTENTION_NEXT();                                                           \
  }
  STORE_AT(op_Sb, 1, IMM_ADDR, (void)0)
  STORE_AT(op_Sh, 2, IMM_ADDR, (void)0)
  STORE_AT(op_Sw, 4, IMM_ADDR, (void)0)
  // Register stores keep the offset register (rs3) in the slot's imm.
#define POST_RS3 (e->rs1 ? (void)(x[e->rs1] = base + x[e->imm]) : (void)0)
  STORE_AT(op_CvSbPostI, 1, base, POST_IMM)
  STORE_AT(op_CvShPostI, 2, base, POST_IMM)
  STORE_AT(op_CvSwPostI, 4, base, POST_IMM)
  STORE_AT(op_CvSbPostR, 1, base, POST_RS3)
  STORE_AT(op_CvShPostR, 2, base, POST_RS3)
  STORE_AT(op_CvSwPostR, 4, base, POST_RS3)
  STORE_AT(op_CvSbRR, 1, base + x[e->imm], (void)0)
  STORE_AT(op_CvShRR, 2, base + x[e->imm], (void)0)
  STORE_AT(op_CvSwRR, 4, base + x[e->imm], (void)0)
#undef STRIDE
#define STRIDE 2
  STORE_AT(opc_Sw, 4, IMM_ADDR, (void)0)
#undef STRIDE
#define STRIDE 4
#undef STORE_AT
#undef IMM_ADDR
#undef POST_IMM
#undef POST_REG
#undef POST_RS3

#define ALU_I(label, expr)                                           \
  label : {                                                          \
    const uint32_t a = x[e->rs1], i = static_cast<uint32_t>(e->imm); \
    (void)i;                                                         \
    x[e->rd] = (expr);                                               \
    NEXT();                                                          \
  }
  ALU_I(op_Addi, a + i)
  ALU_I(op_Slti, static_cast<int32_t>(a) < static_cast<int32_t>(i))
  ALU_I(op_Sltiu, a < i)
  ALU_I(op_Xori, a ^ i)
  ALU_I(op_Ori, a | i)
  ALU_I(op_Andi, a & i)
  ALU_I(op_Slli, a << i)
  ALU_I(op_Srli, a >> i)
  ALU_I(op_Srai, static_cast<uint32_t>(static_cast<int32_t>(a) >> i))
#undef STRIDE
#define STRIDE 2
  ALU_I(opc_Addi, a + i)
  ALU_I(opc_Andi, a & i)
  ALU_I(opc_Slli, a << i)
  ALU_I(opc_Srli, a >> i)
  ALU_I(opc_Srai, static_cast<uint32_t>(static_cast<int32_t>(a) >> i))
#undef STRIDE
#define STRIDE 4
#undef ALU_I

#define ALU_R(label, expr, extra)                       \
  label : {                                             \
    const uint32_t a = x[e->rs1], b = x[e->rs2];        \
    x[e->rd] = (expr);                                  \
    bias += (extra);                                    \
    NEXT();                                             \
  }
  ALU_R(op_Add, a + b, 0)
  ALU_R(op_Sub, a - b, 0)
  ALU_R(op_Sll, a << (b & 31), 0)
  ALU_R(op_Slt, static_cast<int32_t>(a) < static_cast<int32_t>(b), 0)
  ALU_R(op_Sltu, a < b, 0)
  ALU_R(op_Xor, a ^ b, 0)
  ALU_R(op_Srl, a >> (b & 31), 0)
  ALU_R(op_Sra, static_cast<uint32_t>(static_cast<int32_t>(a) >> (b & 31)), 0)
  ALU_R(op_Or, a | b, 0)
  ALU_R(op_And, a & b, 0)
  ALU_R(op_Mul, a * b, T.mul - 1)
  ALU_R(op_Mulh, static_cast<uint32_t>((int64_t(int32_t(a)) * int64_t(int32_t(b))) >> 32), T.mulh - 1)
  ALU_R(op_Mulhsu, static_cast<uint32_t>((int64_t(int32_t(a)) * int64_t(uint64_t(b))) >> 32), T.mulh - 1)
  ALU_R(op_Mulhu, static_cast<uint32_t>((uint64_t(a) * uint64_t(b)) >> 32), T.mulh - 1)
  // Divider: div_min + leading zeros of |divisor| cycles (35 for a zero divisor).
  ALU_R(op_Div,
        b == 0 ? ~0u : (int32_t(a) == INT32_MIN && int32_t(b) == -1) ? a : uint32_t(int32_t(a) / int32_t(b)),
        T.div_min - 1 + clz32(int32_t(b) < 0 ? 0u - b : b))
  ALU_R(op_Divu, b == 0 ? ~0u : a / b, T.div_min - 1 + clz32(b))
  ALU_R(op_Rem, b == 0 ? a : (int32_t(a) == INT32_MIN && int32_t(b) == -1) ? 0u : uint32_t(int32_t(a) % int32_t(b)),
        T.div_min - 1 + clz32(int32_t(b) < 0 ? 0u - b : b))
  ALU_R(op_Remu, b == 0 ? a : a % b, T.div_min - 1 + clz32(b))
#undef STRIDE
#define STRIDE 2
  ALU_R(opc_Add, a + b, 0)
  ALU_R(opc_Sub, a - b, 0)
  ALU_R(opc_Xor, a ^ b, 0)
  ALU_R(opc_Or, a | b, 0)
  ALU_R(opc_And, a & b, 0)
#undef STRIDE
#define STRIDE 4
#undef ALU_R

op_Fence: NEXT();
op_FenceI: {
  const uint32_t pc = PC();
  ic.flush();
  if constexpr (kStep) icache_->flush();
  LOCATE(pc);  // the page may be a copy now (DecodeCache::flush)
  bias += T.jump_penalty;
  JUMP(pc + SLOT_LEN(e));
}
op_Ecall: TRAP(11, 0, 0);
op_Ebreak: TRAP(3, 0, 0);
op_Illegal: TRAP(2, static_cast<uint32_t>(e->imm), static_cast<uint32_t>(e->imm));
op_Mret:
  mstatus_ = (mstatus_ & ~kMstatusMie) | ((mstatus_ & kMstatusMpie) ? kMstatusMie : 0) | kMstatusMpie;
  bias += T.jump_penalty;
  if (interrupt_pending()) {  // re-enabled interrupts are taken by the host loop
    prev = e;
    FLOW_EXIT(e);
    leave_pc = mepc_;
    hz |= kHzJumped;
    goto leave_accounted;
  }
  JUMP_INDIRECT(mepc_);
op_Wfi:
  if ((mip_ & mie_) || wake_pending_) {
    if (!wake_pending_) {
      SYNC_OUT();
      sleep_until_irq();
      SYNC_IN();
    }
    wake_pending_ = false;
    ATTENTION_NEXT();  // an enabled interrupt now due is taken after the wfi
  }
  sleeping_ = true;
  prev = e;
  e = reinterpret_cast<Slot*>(reinterpret_cast<char*>(e) + SLOT_LEN(e) * (sizeof(Slot) / 2));
  goto leave;

  // xcvelw. Held by its target (the event unit, nothing pending): undone as a
  // deferred access is, the core sleeps (riscv_core.cpp elw_sleep) and runs it
  // again when its event line rises. Done: core.timing.elw cycles plus the
  // access's wait states; the pipeline restarts after it, so no load-use stall.
op_CvElw: {
  const uint32_t a = x[e->rs1] + static_cast<uint32_t>(e->imm);
  if constexpr (kStep) step_mem_addr_ = a, step_mem_size_ = 4, step_mem_store_ = false;
  const uint64_t now0 = NOW();
  if (a & 3) {
    if (trap_misaligned) TRAP(4, a, 0);
    bias += T.misaligned_penalty;
  }
  uint32_t v = 0;
  SYNC_OUT();
  const ElwResult r = event_load(a, v);
  SYNC_IN();
  if (VP_UNLIKELY(r != ElwResult::kDone)) {
    if (r == ElwResult::kFault) {
      if (VP_UNLIKELY(deferred_)) DEFER(now0);
      TRAP(5, a, 0);
    }
    --instret;
    bias = now0 - 1 - instret;
    SYNC_OUT();
    elw_sleep();
    SYNC_IN();
    goto leave;
  }
  x[e->rd] = v;
  bias += T.elw - 1;
  ATTENTION_NEXT();
}

#define CSR_OP(label, is_rw, is_set, imm_form)                                                   \
  label : {                                                                                      \
    const uint32_t csr = static_cast<uint32_t>(e->imm) & 0xfff;                                  \
    const uint32_t uimm = (static_cast<uint32_t>(e->imm) >> 12) & 31;                            \
    const uint32_t src = (imm_form) ? uimm : x[e->rs1];                                          \
    /* csrrs/csrrc with x0 or a zero uimm do not write (so they work on read-only CSRs) */       \
    const bool write = (is_rw) || ((imm_form) ? uimm != 0 : e->rs1 != 0);                        \
    SYNC_OUT();                                                                                  \
    uint32_t old = 0;                                                                            \
    bool ok = csr_read(csr, old);                                                                \
    if (ok && write) ok = csr_write(csr, (is_rw) ? src : (is_set) ? (old | src) : (old & ~src)); \
    SYNC_IN();                                                                                   \
    if (!ok) {                                                                                   \
      uint32_t w = 0; /* mtval: the instruction word, read back */                               \
      SYNC_OUT();                                                                                \
      fetch_report(PC(), w);                                                                     \
      SYNC_IN();                                                                                 \
      TRAP(2, w, w);                                                                             \
    }                                                                                            \
    x[e->rd] = old;                                                                              \
    if (csr_is_slow(csr)) bias += T.csr_slow - 1;                                                \
    ATTENTION_NEXT();                                                                            \
  }
  CSR_OP(op_Csrrw, true, false, false)
  CSR_OP(op_Csrrs, false, true, false)
  CSR_OP(op_Csrrc, false, false, false)
  CSR_OP(op_Csrrwi, true, false, true)
  CSR_OP(op_Csrrsi, false, true, true)
  CSR_OP(op_Csrrci, false, false, true)
#undef CSR_OP

  // ---- xcvbi ----
  // The slot's imm is offset << 5 | imm5 (decoded_slot.hpp slot_imm).
#define BRANCH_IMM(label, cond)                                                  \
  label : {                                                                      \
    const int32_t i5 = (e->imm & 31) - ((e->imm & 16) << 1);                     \
    if (x[e->rs1] cond static_cast<uint32_t>(i5)) {                              \
      bias += T.branch_taken_penalty;                                            \
      JUMP(PC() + static_cast<uint32_t>(e->imm >> 5));                           \
    }                                                                            \
    NEXT();                                                                      \
  }
  BRANCH_IMM(op_CvBeqimm, ==)
  BRANCH_IMM(op_CvBneimm, !=)
#undef BRANCH_IMM

  // ---- xcvhwlp: the slot's imm is value | value2 << 16 | L << 31 ----
#define HWL_L (static_cast<uint32_t>(e->imm) >> 31)
#define HWL_V (static_cast<uint32_t>(e->imm) & 0xffff)
#define HWL_V2 ((static_cast<uint32_t>(e->imm) >> 16) & 0x7fff)
  // Marking a loop end may copy a shared page (DecodeCache::mark_loop_end),
  // perhaps this one: run on in the copy.
#define RELOCATE()                     \
  do {                                 \
    if (VP_UNLIKELY(page->shared)) {   \
      const uint32_t re_at_ = PC();    \
      LOCATE(re_at_);                  \
    }                                  \
  } while (0)
op_CvStarti: lp_start_[HWL_L] = PC() + HWL_V; NEXT();
op_CvStart: lp_start_[HWL_L] = x[e->rs1] & ~3u; NEXT();
op_CvEndi: set_loop_end(HWL_L, PC() + HWL_V); RELOCATE(); NEXT();
op_CvEnd: set_loop_end(HWL_L, x[e->rs1] & ~3u); RELOCATE(); NEXT();
  // Enabling a loop (count > 0) checks what the manual's constraints allow to check here.
#define HWL_CHECK()                                                                                    \
  do {                                                                                                 \
    const unsigned l_ = HWL_L;                                                                         \
    if (VP_UNLIKELY(lp_count_[l_] && (((lp_start_[l_] | lp_end_[l_]) & 3) || lp_end_[l_] <= lp_start_[l_]))) { \
      SYNC_OUT();                                                                                      \
      hwloop_violation(l_, PC()); /* records the fault and halts the core */                            \
      goto leave;                                                                                      \
    }                                                                                                  \
  } while (0)
op_CvCounti: lp_count_[HWL_L] = HWL_V; HWL_CHECK(); NEXT();
op_CvCount: lp_count_[HWL_L] = x[e->rs1]; HWL_CHECK(); NEXT();
op_CvSetupi:
  lp_start_[HWL_L] = PC() + 4;
  set_loop_end(HWL_L, PC() + HWL_V2);
  RELOCATE();
  lp_count_[HWL_L] = HWL_V;
  HWL_CHECK();
  NEXT();
op_CvSetup:
  lp_start_[HWL_L] = PC() + 4;
  set_loop_end(HWL_L, PC() + HWL_V2);
  RELOCATE();
  lp_count_[HWL_L] = x[e->rs1];
  HWL_CHECK();
  NEXT();
#undef HWL_CHECK
#undef RELOCATE
#undef HWL_L
#undef HWL_V
#undef HWL_V2
op_HwLoop: {  // the slot at a loop's end address: not an instruction
  --instret;
  const uint32_t pc = PC();
  for (unsigned l = 0; l < 2; ++l) {  // loop 0 (inner) first
    if (lp_count_[l] && pc == lp_end_[l]) {
      if (--lp_count_[l]) {  // back to the start, at no cost
        FLOW_CUT(e);
        LOCATE(lp_start_[l]);
        FLOW_ARRIVE(e);
        if (VP_UNLIKELY(NOW() >= limit)) goto leave;
        DISPATCH();
      }
      break;
    }
  }
  DISPATCH_TO(ic.loop_end_handler(pc));  // the instruction at the end address
}

  // ---- generic CORE-V operations: rd = sem::ID(rs1, rs2, rd, imm) ----
#define RV_HANDLER_own(ID)
#define RV_HANDLER_gen(ID)                                                              \
  op_##ID : {                                                                           \
    x[e->rd] = sem::ID(x[e->rs1], x[e->rs2], e->rd == kZeroSink ? 0u : x[e->rd], e->imm); \
    NEXT();                                                                             \
  }
#define RV_INSN(ID, NAME, DIS, MATCH, MASK, FMT, MEM, FLAGS, TIMING, EXT, SHAPE) RV_HANDLER_##SHAPE(ID)
#include "rv_insn.def"
#undef RV_INSN
#undef RV_HANDLER_own
#undef RV_HANDLER_gen

leave:
  leave_pc = PC();
  ic.cut_at(leave_pc);  // stopped before the instruction at leave_pc (execution resumes with an arrival)
leave_accounted:  // the stop is already accounted for (a fatal trap, an mret to the host)
  SYNC_OUT();
  pc_ = leave_pc;
#undef FLOW_ARRIVE
#undef FLOW_CUT
#undef FLOW_EXIT
#undef SYNC_OUT
#undef SYNC_IN
#undef NOW
#undef PC
#undef LOCATE
#undef LOCATE_IN
#undef OWN_PAGE
#undef FLOW_OF
#undef DISPATCH
#undef DISPATCH_TO
#undef SLOT_LEN
#undef STRIDE
#undef STEP_E
#undef READS_LOADED_RD
#undef NEXT
#undef NEXT_HZ
#undef STEP_CUT
#undef ATTENTION_NEXT_
#undef ATTENTION_NEXT_HZ
#undef JUMP
#undef JUMP_
#undef JUMP_INDIRECT
#undef TRAP
#undef ATTENTION_NEXT
#undef DEFER
}

}  // namespace vp::rv
