// The interpreter's hot loop: decoded-instruction cache lookup, one switch
// per instruction, DMI fast path for loads and stores, cycle counting in a
// local. Nothing here calls SystemC; state goes back to members only around
// slow operations (bus access, CSR, trap).
#include <cstring>

#include "riscv_core.hpp"

#define VP_LIKELY(x) __builtin_expect(!!(x), 1)
#define VP_UNLIKELY(x) __builtin_expect(!!(x), 0)

namespace vp::rv {

namespace {
inline uint32_t clz32(uint32_t v) { return v ? static_cast<uint32_t>(__builtin_clz(v)) : 32; }
}  // namespace

void RiscvCore::execute(uint64_t limit) {
  uint32_t* const x = x_.data();
  DecodeCache& ic = *icache_;
  const CoreTiming& T = cfg_.timing;
  uint32_t pc = pc_;
  uint64_t now = now_, instret = instret_;

  constexpr uint32_t kPageMask = DecodeCache::kPageBytes - 1;
  uint32_t page_base = (pc & ~kPageMask) ^ DecodeCache::kPageBytes;  // forces a lookup
  DecodeCache::Page* page = nullptr;

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

  // Pipeline hazards of the previous instruction, checked on the next one.
  uint32_t load_rd = 0;       // destination of a load just executed (0: none)
  bool jumped = false;        // control transfer just happened
  const Decoded* prev = nullptr;

#define SYNC_OUT() (pc_ = pc, now_ = now, instret_ = instret)
#define SYNC_IN() (now = now_, refresh_dmi())
#define TRAP(cause, tval)                                       \
  do {                                                          \
    --instret;                                                  \
    SYNC_OUT();                                                 \
    pc = trap((cause), (tval), pc, e->raw);                     \
    SYNC_IN();                                                  \
    jumped = true;                                              \
    load_rd = 0;                                                \
    prev = nullptr;                                             \
    goto next;                                                  \
  } while (0)
#define ATTENTION_CHECK() \
  if (VP_UNLIKELY(attention_)) goto leave

  while (now < limit) {
    Decoded* e;
    {
      uint32_t off = pc - page_base;
      if (VP_UNLIKELY(off >= DecodeCache::kPageBytes)) {
        page = ic.page(pc);
        page_base = pc & ~kPageMask;
        off = pc - page_base;
      }
      e = &page->slot[off >> 1];
    }
    if (VP_UNLIKELY(e->op == Op::kUndecoded)) {
      uint32_t word;
      SYNC_OUT();
      const bool ok = fetch_raw(pc, word);
      SYNC_IN();
      if (!ok) {
        // No instruction to report: name the fetch address instead.
        static Decoded fault;
        fault.raw = 0;
        e = &fault;
        ++instret;
        TRAP(1, pc);
      }
      *e = decode(word);
    }
    now += 1;
    ++instret;
    if (VP_UNLIKELY(load_rd | static_cast<uint32_t>(jumped))) {
      if (load_rd && (e->rs1 == load_rd || e->rs2 == load_rd)) now += T.load_use_stall;
      if (jumped && (pc & 2) && e->len == 4) now += T.unaligned_target_penalty;
      load_rd = 0;
      jumped = false;
    }

    {
      const uint32_t rs1 = x[e->rs1], rs2 = x[e->rs2];
      const uint32_t imm = static_cast<uint32_t>(e->imm);
      uint32_t& rd = x[e->rd];
      switch (e->op) {
        case Op::kLui: rd = imm; break;
        case Op::kAuipc: rd = pc + imm; break;
        case Op::kJal:
          rd = pc + e->len;
          pc += imm;
          now += T.jump_penalty;
          jumped = true;
          prev = e;
          continue;
        case Op::kJalr: {
          const uint32_t target = (rs1 + imm) & ~1u;
          if (prev && prev->rd == e->rs1) now += T.jalr_hazard_stall;
          rd = pc + e->len;
          pc = target;
          now += T.jump_penalty;
          jumped = true;
          prev = e;
          continue;
        }
#define BRANCH(cond)                    \
  if (cond) {                           \
    pc += imm;                          \
    now += T.branch_taken_penalty;      \
    jumped = true;                      \
    prev = e;                           \
    continue;                           \
  }                                     \
  break;
        case Op::kBeq: BRANCH(rs1 == rs2)
        case Op::kBne: BRANCH(rs1 != rs2)
        case Op::kBlt: BRANCH(static_cast<int32_t>(rs1) < static_cast<int32_t>(rs2))
        case Op::kBge: BRANCH(static_cast<int32_t>(rs1) >= static_cast<int32_t>(rs2))
        case Op::kBltu: BRANCH(rs1 < rs2)
        case Op::kBgeu: BRANCH(rs1 >= rs2)
#undef BRANCH

#define LOAD(size, convert)                                                       \
  {                                                                               \
    const uint32_t a = rs1 + imm;                                                 \
    const uint64_t o = uint64_t(a) - d_lo;                                        \
    if (VP_LIKELY(o + (size) <= d_len_r && !(a & ((size)-1)))) {                  \
      uint32_t v = 0;                                                             \
      std::memcpy(&v, d_ptr + o, (size));                                         \
      rd = convert(v);                                                            \
      now += d_rd_cyc;                                                            \
    } else {                                                                      \
      if (a & ((size)-1)) {                                                       \
        if (cfg_.trap_misaligned) TRAP(4, a);                                     \
        if ((a & 3) + (size) > 4) now += T.misaligned_penalty;                    \
      }                                                                           \
      uint32_t v = 0;                                                             \
      SYNC_OUT();                                                                 \
      const bool ok = load_slow(a, (size), v);                                    \
      SYNC_IN();                                                                  \
      if (!ok) TRAP(5, a);                                                        \
      x[e->rd] = convert(v);                                                      \
      x[0] = 0;                                                                   \
      if (VP_UNLIKELY(attention_)) {                                              \
        pc += e->len;                                                             \
        goto leave;                                                               \
      }                                                                           \
    }                                                                             \
    load_rd = e->rd == kZeroSink ? 0 : e->rd;                                     \
    break;                                                                        \
  }
#define S8(v) static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(v)))
#define S16(v) static_cast<uint32_t>(static_cast<int32_t>(static_cast<int16_t>(v)))
#define U32(v) (v)
        case Op::kLb: LOAD(1, S8)
        case Op::kLh: LOAD(2, S16)
        case Op::kLw: LOAD(4, U32)
        case Op::kLbu: LOAD(1, U32)
        case Op::kLhu: LOAD(2, U32)
#undef LOAD

#define STORE(size)                                                               \
  {                                                                               \
    const uint32_t a = rs1 + imm;                                                 \
    const uint64_t o = uint64_t(a) - d_lo;                                        \
    if (VP_LIKELY(o + (size) <= d_len_w && !(a & ((size)-1)))) {                  \
      std::memcpy(d_ptr + o, &rs2, (size));                                       \
      now += d_wr_cyc;                                                            \
      ic.on_store(a, (size));                                                     \
    } else {                                                                      \
      if (a & ((size)-1)) {                                                       \
        if (cfg_.trap_misaligned) TRAP(6, a);                                     \
        if ((a & 3) + (size) > 4) now += T.misaligned_penalty;                    \
      }                                                                           \
      SYNC_OUT();                                                                 \
      const bool ok = store_slow(a, (size), rs2);                                 \
      SYNC_IN();                                                                  \
      if (!ok) TRAP(7, a);                                                        \
      if (VP_UNLIKELY(attention_)) {                                              \
        pc += e->len;                                                             \
        goto leave;                                                               \
      }                                                                           \
    }                                                                             \
    break;                                                                        \
  }
        case Op::kSb: STORE(1)
        case Op::kSh: STORE(2)
        case Op::kSw: STORE(4)
#undef STORE

        case Op::kAddi: rd = rs1 + imm; break;
        case Op::kSlti: rd = static_cast<int32_t>(rs1) < static_cast<int32_t>(imm); break;
        case Op::kSltiu: rd = rs1 < imm; break;
        case Op::kXori: rd = rs1 ^ imm; break;
        case Op::kOri: rd = rs1 | imm; break;
        case Op::kAndi: rd = rs1 & imm; break;
        case Op::kSlli: rd = rs1 << imm; break;
        case Op::kSrli: rd = rs1 >> imm; break;
        case Op::kSrai: rd = static_cast<uint32_t>(static_cast<int32_t>(rs1) >> imm); break;
        case Op::kAdd: rd = rs1 + rs2; break;
        case Op::kSub: rd = rs1 - rs2; break;
        case Op::kSll: rd = rs1 << (rs2 & 31); break;
        case Op::kSlt: rd = static_cast<int32_t>(rs1) < static_cast<int32_t>(rs2); break;
        case Op::kSltu: rd = rs1 < rs2; break;
        case Op::kXor: rd = rs1 ^ rs2; break;
        case Op::kSrl: rd = rs1 >> (rs2 & 31); break;
        case Op::kSra: rd = static_cast<uint32_t>(static_cast<int32_t>(rs1) >> (rs2 & 31)); break;
        case Op::kOr: rd = rs1 | rs2; break;
        case Op::kAnd: rd = rs1 & rs2; break;

        case Op::kMul:
          rd = rs1 * rs2;
          now += T.mul - 1;
          break;
        case Op::kMulh:
          rd = static_cast<uint32_t>((int64_t(int32_t(rs1)) * int64_t(int32_t(rs2))) >> 32);
          now += T.mulh - 1;
          break;
        case Op::kMulhsu:
          rd = static_cast<uint32_t>((int64_t(int32_t(rs1)) * int64_t(uint64_t(rs2))) >> 32);
          now += T.mulh - 1;
          break;
        case Op::kMulhu:
          rd = static_cast<uint32_t>((uint64_t(rs1) * uint64_t(rs2)) >> 32);
          now += T.mulh - 1;
          break;
        // Divider latency: div_min + leading zeros of |divisor| (35 cycles for 0).
        case Op::kDiv: {
          const int32_t a = int32_t(rs1), b = int32_t(rs2);
          now += T.div_min - 1 + clz32(b < 0 ? 0u - rs2 : rs2);
          rd = b == 0 ? ~0u : (a == INT32_MIN && b == -1) ? rs1 : uint32_t(a / b);
          break;
        }
        case Op::kDivu:
          now += T.div_min - 1 + clz32(rs2);
          rd = rs2 == 0 ? ~0u : rs1 / rs2;
          break;
        case Op::kRem: {
          const int32_t a = int32_t(rs1), b = int32_t(rs2);
          now += T.div_min - 1 + clz32(b < 0 ? 0u - rs2 : rs2);
          rd = b == 0 ? rs1 : (a == INT32_MIN && b == -1) ? 0u : uint32_t(a % b);
          break;
        }
        case Op::kRemu:
          now += T.div_min - 1 + clz32(rs2);
          rd = rs2 == 0 ? rs1 : rs1 % rs2;
          break;

        case Op::kFence: break;
        case Op::kFenceI:
          ic.flush();
          now += T.jump_penalty;
          jumped = true;
          break;
        case Op::kEcall: TRAP(11, 0);
        case Op::kEbreak: TRAP(3, 0);
        case Op::kMret:
          pc = mepc_;
          mstatus_ = (mstatus_ & ~kMstatusMie) | ((mstatus_ & kMstatusMpie) ? kMstatusMie : 0) | kMstatusMpie;
          now += T.jump_penalty;
          jumped = true;
          prev = e;
          attention_ = true;  // interrupts may be enabled again
          ATTENTION_CHECK();
          continue;
        case Op::kWfi:
          pc += e->len;
          if ((mip_ & mie_) || wake_pending_) {
            wake_pending_ = false;
            prev = e;
            continue;
          }
          sleeping_ = true;
          goto leave;

        case Op::kCsrrw:
        case Op::kCsrrs:
        case Op::kCsrrc:
        case Op::kCsrrwi:
        case Op::kCsrrsi:
        case Op::kCsrrci: {
          const uint32_t csr = imm & 0xfff;
          const bool imm_form = e->op >= Op::kCsrrwi;
          const uint32_t src = imm_form ? e->uimm : rs1;
          const bool is_rw = e->op == Op::kCsrrw || e->op == Op::kCsrrwi;
          // csrrs/csrrc with x0 / zero uimm do not write (so they work on read-only CSRs).
          const bool write = is_rw || (imm_form ? e->uimm != 0 : e->rs1 != 0);
          SYNC_OUT();
          uint32_t old = 0;
          bool ok = csr_read(csr, old);
          if (ok && write) {
            const uint32_t v = is_rw ? src : (e->op == Op::kCsrrs || e->op == Op::kCsrrsi) ? (old | src) : (old & ~src);
            ok = csr_write(csr, v);
          }
          SYNC_IN();
          if (!ok) TRAP(2, e->raw);
          x[e->rd] = old;
          x[0] = 0;
          if (csr_is_slow(csr)) now += T.csr_slow - 1;
          pc += e->len;
          prev = e;
          ATTENTION_CHECK();
          continue;
        }

        case Op::kIllegal: TRAP(2, e->raw);
        case Op::kUndecoded:
        case Op::kCount: TRAP(2, e->raw);
      }
    }
    pc += e->len;
    prev = e;
  next:;
  }
leave:
  SYNC_OUT();
#undef SYNC_OUT
#undef SYNC_IN
#undef TRAP
#undef ATTENTION_CHECK
}

}  // namespace vp::rv
