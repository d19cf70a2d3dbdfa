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
// The same loop is compiled twice: execute<false> is the fast path;
// execute<true> (the debug step path, core_debug.hpp) leaves after each
// instruction and records its data access. Its extra code is discarded at
// compile time from the fast path. Each is instantiated in a translation
// unit of its own (rv_execute.cpp, rv_execute_step.cpp): with both in one,
// GCC allocates the fast loop's registers worse (5-7 % fewer MIPS).
#include <cstring>

#include "riscv_core.hpp"

#define VP_LIKELY(x) __builtin_expect(!!(x), 1)
#define VP_UNLIKELY(x) __builtin_expect(!!(x), 0)

namespace vp::rv {

namespace {
inline uint32_t clz32(uint32_t v) { return v ? static_cast<uint32_t>(__builtin_clz(v)) : 32; }
inline uint32_t sx8(uint32_t v) { return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(v))); }
inline uint32_t sx16(uint32_t v) { return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int16_t>(v))); }
inline uint32_t same(uint32_t v) { return v; }
}  // namespace

template <bool kStep>
void RiscvCore::execute(uint64_t limit) {
  // One label per Op, in enum order.
  static const void* const kLabels[] = {
      &&op_undecoded, &&op_illegal, &&op_lui, &&op_auipc, &&op_jal, &&op_jalr,
      &&op_beq, &&op_bne, &&op_blt, &&op_bge, &&op_bltu, &&op_bgeu,
      &&op_lb, &&op_lh, &&op_lw, &&op_lbu, &&op_lhu, &&op_sb, &&op_sh, &&op_sw,
      &&op_addi, &&op_slti, &&op_sltiu, &&op_xori, &&op_ori, &&op_andi, &&op_slli, &&op_srli, &&op_srai,
      &&op_add, &&op_sub, &&op_sll, &&op_slt, &&op_sltu, &&op_xor, &&op_srl, &&op_sra, &&op_or, &&op_and,
      &&op_mul, &&op_mulh, &&op_mulhsu, &&op_mulhu, &&op_div, &&op_divu, &&op_rem, &&op_remu,
      &&op_fence, &&op_fence_i, &&op_ecall, &&op_ebreak, &&op_mret, &&op_wfi,
      &&op_csrrw, &&op_csrrs, &&op_csrrc, &&op_csrrwi, &&op_csrrsi, &&op_csrrci, &&op_page_cross};
  static_assert(sizeof(kLabels) / sizeof(kLabels[0]) == static_cast<size_t>(Op::kCount), "one label per op");

  uint32_t* const x = x_.data();
  DecodeCache& ic = kStep ? *step_icache_ : *icache_;
  using Slot = DecodeCache::Slot;
  const void* const h_undecoded = &&op_undecoded;
  const void* const h_page_cross = &&op_page_cross;
  ic.set_handlers({h_undecoded, h_page_cross});
  const CoreTiming T = cfg_.timing;
  const bool trap_misaligned = cfg_.trap_misaligned;
  uint32_t pc = pc_;
  uint64_t now = now_, instret = instret_;
  constexpr uint32_t kPageMask = DecodeCache::kPageBytes - 1;
  DecodeCache::Page* page = nullptr;
  uint32_t page_base = 0;
  Slot* e = nullptr;

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
  uint32_t load_rd = hz_load_rd_;  // destination of a load just executed (0: none)
  bool jumped = hz_jumped_;         // a control transfer just happened
  const Slot* prev = hz_prev_;      // for the jalr hazard

#define SYNC_OUT() (pc_ = pc, now_ = now, instret_ = instret, hz_load_rd_ = load_rd, hz_jumped_ = jumped, hz_prev_ = prev)
#define SYNC_IN() (now = now_, refresh_dmi())
#define LOCATE()                                          \
  do {                                                    \
    page = ic.page(pc);                                   \
    page_base = pc & ~kPageMask;                          \
    e = &page->slot[(pc - page_base) >> 1];               \
  } while (0)
  // Charges the instruction at e, applies pending hazards, jumps to its handler.
#define DISPATCH()                                                                  \
  do {                                                                              \
    if constexpr (kStep) {                                                          \
      if (e->handler != h_undecoded && e->handler != h_page_cross) {                \
        if (stepped) {                                                              \
          step_cut_ = true;                                                         \
          goto leave;                                                               \
        }                                                                           \
        stepped = true;                                                             \
      }                                                                             \
    }                                                                               \
    now += 1;                                                                       \
    ++instret;                                                                      \
    if (VP_UNLIKELY(load_rd | static_cast<uint32_t>(jumped)) && e->handler != h_undecoded && \
        e->handler != h_page_cross) {                                               \
      if (load_rd && (e->rs1 == load_rd || e->rs2 == load_rd)) now += T.load_use_stall; \
      if (jumped && (pc & 2) && e->len == 4) now += T.unaligned_target_penalty;     \
      load_rd = 0;                                                                  \
      jumped = false;                                                               \
    }                                                                               \
    goto* e->handler;                                                               \
  } while (0)
#define NEXT()          \
  do {                  \
    prev = e;           \
    pc += e->len;       \
    e = reinterpret_cast<Slot*>(reinterpret_cast<char*>(e) + e->len * (sizeof(Slot) / 2)); \
    DISPATCH();         \
  } while (0)
#define JUMP(target)                                          \
  do {                                                        \
    prev = e;                                                 \
    pc = (target);                                            \
    jumped = true;                                            \
    const uint32_t off_ = pc - page_base;                     \
    if (VP_LIKELY(off_ < DecodeCache::kPageBytes))            \
      e = &page->slot[off_ >> 1];                             \
    else                                                      \
      LOCATE();                                               \
    if (VP_UNLIKELY(now >= limit)) goto leave;                \
    DISPATCH();                                               \
  } while (0)
#define TRAP(cause, tval, insn)                     \
  do {                                              \
    --instret;                                      \
    SYNC_OUT();                                     \
    pc = trap((cause), (tval), pc, (insn));         \
    SYNC_IN();                                      \
    load_rd = 0;                                    \
    jumped = true;                                  \
    prev = nullptr;                                 \
    LOCATE();                                       \
    if (VP_UNLIKELY(now >= limit)) goto leave;      \
    DISPATCH();                                     \
  } while (0)
  // After a slow operation: leave if a halt, sleep or interrupt needs the host.
#define ATTENTION_NEXT()          \
  do {                            \
    if (VP_UNLIKELY(attention_)) { \
      prev = e;                   \
      pc += e->len;               \
      goto leave;                 \
    }                             \
    NEXT();                       \
  } while (0)

  // The step path resuming where it cut straight-line code goes on as the
  // fast path would: the limit is checked on control transfers only.
  bool stepped = false;
  (void)stepped;
  if constexpr (kStep) {
    const bool resume_cut = step_cut_;
    step_cut_ = false;
    LOCATE();
    if (now >= limit && !resume_cut) goto leave;
    DISPATCH();
  } else {
    LOCATE();
    if (now >= limit) goto leave;
    DISPATCH();
  }

op_page_cross:  // not an instruction: find the next page
  now -= 1;
  --instret;
  LOCATE();
  if (VP_UNLIKELY(now >= limit)) goto leave;
  DISPATCH();

op_undecoded: {  // first execution (or after a store over it): decode
  now -= 1;
  --instret;
  uint32_t word = 0;
  SYNC_OUT();
  const bool ok = fetch_raw(pc, word);
  SYNC_IN();
  if (!ok) {
    ++instret;
    TRAP(1, pc, 0);
  }
  // The slot keeps the handler instead of the operation; imm carries the
  // instruction word for an illegal one and csr | uimm << 12 for CSR operations.
  const Decoded d = decode(word);
  int32_t imm = d.imm;
  if (d.op == Op::kIllegal) imm = static_cast<int32_t>(d.raw);
  if (d.op >= Op::kCsrrw && d.op <= Op::kCsrrci) imm = (d.imm & 0xfff) | (int32_t(d.uimm) << 12);
  *e = {kLabels[static_cast<unsigned>(d.op)], imm, d.rd, d.rs1, d.rs2, d.len};
  DISPATCH();
}

op_lui: x[e->rd] = static_cast<uint32_t>(e->imm); NEXT();
op_auipc: x[e->rd] = pc + static_cast<uint32_t>(e->imm); NEXT();
op_jal:
  x[e->rd] = pc + e->len;
  now += T.jump_penalty;
  JUMP(pc + static_cast<uint32_t>(e->imm));
op_jalr: {
  const uint32_t target = (x[e->rs1] + static_cast<uint32_t>(e->imm)) & ~1u;
  if (prev && prev->rd == e->rs1) now += T.jalr_hazard_stall;
  x[e->rd] = pc + e->len;
  now += T.jump_penalty;
  JUMP(target);
}

#define BRANCH(label, cond)                                  \
  label : {                                                  \
    const uint32_t a = x[e->rs1], b = x[e->rs2];             \
    (void)a;                                                 \
    (void)b;                                                 \
    if (cond) {                                              \
      now += T.branch_taken_penalty;                         \
      JUMP(pc + static_cast<uint32_t>(e->imm));              \
    }                                                        \
    NEXT();                                                  \
  }
  BRANCH(op_beq, a == b)
  BRANCH(op_bne, a != b)
  BRANCH(op_blt, static_cast<int32_t>(a) < static_cast<int32_t>(b))
  BRANCH(op_bge, static_cast<int32_t>(a) >= static_cast<int32_t>(b))
  BRANCH(op_bltu, a < b)
  BRANCH(op_bgeu, a >= b)
#undef BRANCH

#define LOAD(label, size, convert)                                              \
  label : {                                                                     \
    const uint32_t a = x[e->rs1] + static_cast<uint32_t>(e->imm);               \
    if constexpr (kStep) step_mem_addr_ = a, step_mem_size_ = (size), step_mem_store_ = false; \
    const uint64_t o = uint64_t(a) - d_lo;                                      \
    if (VP_LIKELY(o + (size) <= d_len_r && !(a & ((size)-1)))) {                \
      uint32_t v = 0;                                                           \
      std::memcpy(&v, d_ptr + o, (size));                                       \
      x[e->rd] = convert(v);                                                    \
      now += d_rd_cyc;                                                          \
      load_rd = e->rd == kZeroSink ? 0 : e->rd;                                 \
      NEXT();                                                                   \
    }                                                                           \
    if (a & ((size)-1)) {                                                       \
      if (trap_misaligned) TRAP(4, a, 0);                                  \
      if ((a & 3) + (size) > 4) now += T.misaligned_penalty;                    \
    }                                                                           \
    uint32_t v = 0;                                                             \
    SYNC_OUT();                                                                 \
    const bool ok = load_slow(a, (size), v);                                    \
    SYNC_IN();                                                                  \
    if (!ok) TRAP(5, a, 0);                                                \
    x[e->rd] = convert(v);                                                      \
    load_rd = e->rd == kZeroSink ? 0 : e->rd;                                   \
    ATTENTION_NEXT();                                                           \
  }
  LOAD(op_lb, 1, sx8)
  LOAD(op_lh, 2, sx16)
  LOAD(op_lw, 4, same)
  LOAD(op_lbu, 1, same)
  LOAD(op_lhu, 2, same)
#undef LOAD

#define STORE(label, size)                                                      \
  label : {                                                                     \
    const uint32_t a = x[e->rs1] + static_cast<uint32_t>(e->imm);               \
    const uint32_t v = x[e->rs2];                                               \
    if constexpr (kStep) step_mem_addr_ = a, step_mem_size_ = (size), step_mem_store_ = true; \
    const uint64_t o = uint64_t(a) - d_lo;                                      \
    if (VP_LIKELY(o + (size) <= d_len_w && !(a & ((size)-1)))) {                \
      std::memcpy(d_ptr + o, &v, (size));                                       \
      now += d_wr_cyc;                                                          \
      ic.on_store(a, (size));                                                   \
      if constexpr (kStep) icache_->on_store(a, (size)); /* the fast path's cache too */ \
      NEXT();                                                                   \
    }                                                                           \
    if (a & ((size)-1)) {                                                       \
      if (trap_misaligned) TRAP(6, a, 0);                                  \
      if ((a & 3) + (size) > 4) now += T.misaligned_penalty;                    \
    }                                                                           \
    if constexpr (kStep) ic.on_store(a, (size)); /* store_slow does the shared one */ \
    SYNC_OUT();                                                                 \
    const bool ok = store_slow(a, (size), v);                                   \
    SYNC_IN();                                                                  \
    if (!ok) TRAP(7, a, 0);                                                \
    ATTENTION_NEXT();                                                           \
  }
  STORE(op_sb, 1)
  STORE(op_sh, 2)
  STORE(op_sw, 4)
#undef STORE

#define ALU_I(label, expr)                                           \
  label : {                                                          \
    const uint32_t a = x[e->rs1], i = static_cast<uint32_t>(e->imm); \
    (void)i;                                                         \
    x[e->rd] = (expr);                                               \
    NEXT();                                                          \
  }
  ALU_I(op_addi, a + i)
  ALU_I(op_slti, static_cast<int32_t>(a) < static_cast<int32_t>(i))
  ALU_I(op_sltiu, a < i)
  ALU_I(op_xori, a ^ i)
  ALU_I(op_ori, a | i)
  ALU_I(op_andi, a & i)
  ALU_I(op_slli, a << i)
  ALU_I(op_srli, a >> i)
  ALU_I(op_srai, static_cast<uint32_t>(static_cast<int32_t>(a) >> i))
#undef ALU_I

#define ALU_R(label, expr, extra)                       \
  label : {                                             \
    const uint32_t a = x[e->rs1], b = x[e->rs2];        \
    x[e->rd] = (expr);                                  \
    now += (extra);                                     \
    NEXT();                                             \
  }
  ALU_R(op_add, a + b, 0)
  ALU_R(op_sub, a - b, 0)
  ALU_R(op_sll, a << (b & 31), 0)
  ALU_R(op_slt, static_cast<int32_t>(a) < static_cast<int32_t>(b), 0)
  ALU_R(op_sltu, a < b, 0)
  ALU_R(op_xor, a ^ b, 0)
  ALU_R(op_srl, a >> (b & 31), 0)
  ALU_R(op_sra, static_cast<uint32_t>(static_cast<int32_t>(a) >> (b & 31)), 0)
  ALU_R(op_or, a | b, 0)
  ALU_R(op_and, a & b, 0)
  ALU_R(op_mul, a * b, T.mul - 1)
  ALU_R(op_mulh, static_cast<uint32_t>((int64_t(int32_t(a)) * int64_t(int32_t(b))) >> 32), T.mulh - 1)
  ALU_R(op_mulhsu, static_cast<uint32_t>((int64_t(int32_t(a)) * int64_t(uint64_t(b))) >> 32), T.mulh - 1)
  ALU_R(op_mulhu, static_cast<uint32_t>((uint64_t(a) * uint64_t(b)) >> 32), T.mulh - 1)
  // Divider: div_min + leading zeros of |divisor| cycles (35 for a zero divisor).
  ALU_R(op_div,
        b == 0 ? ~0u : (int32_t(a) == INT32_MIN && int32_t(b) == -1) ? a : uint32_t(int32_t(a) / int32_t(b)),
        T.div_min - 1 + clz32(int32_t(b) < 0 ? 0u - b : b))
  ALU_R(op_divu, b == 0 ? ~0u : a / b, T.div_min - 1 + clz32(b))
  ALU_R(op_rem, b == 0 ? a : (int32_t(a) == INT32_MIN && int32_t(b) == -1) ? 0u : uint32_t(int32_t(a) % int32_t(b)),
        T.div_min - 1 + clz32(int32_t(b) < 0 ? 0u - b : b))
  ALU_R(op_remu, b == 0 ? a : a % b, T.div_min - 1 + clz32(b))
#undef ALU_R

op_fence: NEXT();
op_fence_i:
  ic.flush();
  if constexpr (kStep) icache_->flush();
  now += T.jump_penalty;
  JUMP(pc + e->len);
op_ecall: TRAP(11, 0, 0);
op_ebreak: TRAP(3, 0, 0);
op_illegal: TRAP(2, static_cast<uint32_t>(e->imm), static_cast<uint32_t>(e->imm));
op_mret:
  mstatus_ = (mstatus_ & ~kMstatusMie) | ((mstatus_ & kMstatusMpie) ? kMstatusMie : 0) | kMstatusMpie;
  now += T.jump_penalty;
  if (interrupt_pending()) {  // re-enabled interrupts are taken by the host loop
    prev = e;
    pc = mepc_;
    jumped = true;
    goto leave;
  }
  JUMP(mepc_);
op_wfi:
  if ((mip_ & mie_) || wake_pending_) {
    wake_pending_ = false;
    NEXT();
  }
  sleeping_ = true;
  prev = e;
  pc += e->len;
  goto leave;

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
      fetch_raw(pc, w);                                                                          \
      SYNC_IN();                                                                                 \
      TRAP(2, w, w);                                                                             \
    }                                                                                            \
    x[e->rd] = old;                                                                              \
    if (csr_is_slow(csr)) now += T.csr_slow - 1;                                                 \
    ATTENTION_NEXT();                                                                            \
  }
  CSR_OP(op_csrrw, true, false, false)
  CSR_OP(op_csrrs, false, true, false)
  CSR_OP(op_csrrc, false, false, false)
  CSR_OP(op_csrrwi, true, false, true)
  CSR_OP(op_csrrsi, false, true, true)
  CSR_OP(op_csrrci, false, false, true)
#undef CSR_OP

leave:
  SYNC_OUT();
#undef SYNC_OUT
#undef SYNC_IN
#undef LOCATE
#undef DISPATCH
#undef NEXT
#undef JUMP
#undef TRAP
#undef ATTENTION_NEXT
}

}  // namespace vp::rv
