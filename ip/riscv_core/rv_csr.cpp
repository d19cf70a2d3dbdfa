// Machine-mode CSRs of an M-only RV32IMC core (RISC-V Privileged ISA 20211203,
// chapter 3), as CV32E40P implements them: mcycle/minstret with mcountinhibit,
// the hpm counters and events reading zero, mtval written on traps.
#include "riscv_core.hpp"
#include "rv_csr.hpp"

namespace vp::rv {

uint64_t RiscvCore::mcycle_value() const {
  if (mcountinhibit_ & 1) return mcycle_frozen_;
  return cycles() + mcycle_adj_;
}
uint64_t RiscvCore::minstret_value() const {
  if (mcountinhibit_ & 4) return minstret_frozen_;
  return instret_ + minstret_adj_;
}
void RiscvCore::set_mcycle(uint64_t v) {
  if (mcountinhibit_ & 1)
    mcycle_frozen_ = v;
  else
    mcycle_adj_ = v - cycles();
}
void RiscvCore::set_minstret(uint64_t v) {
  if (mcountinhibit_ & 4)
    minstret_frozen_ = v;
  else
    minstret_adj_ = v - instret_;
}

bool RiscvCore::csr_is_slow(uint32_t csr) {
  // CV32E40P: 4 cycles for the CSRs whose access flushes the pipeline.
  switch (csr) {
    case csr::kMstatus: case csr::kMepc: case csr::kMtvec: case csr::kMcause:
    case csr::kMcycle: case csr::kMinstret: case csr::kMcycleh: case csr::kMinstreth:
    case csr::kMcountinhibit:
      return true;
    default:
      return (csr >= csr::kMhpmcounter3 && csr <= csr::kMhpmcounter31) ||
             (csr >= csr::kMhpmcounter3h && csr <= csr::kMhpmcounter31h) ||
             (csr >= csr::kMhpmevent3 && csr <= csr::kMhpmevent31);
  }
}

bool RiscvCore::csr_read(uint32_t c, uint32_t& v) const {
  switch (c) {
    case csr::kMstatus: v = mstatus_; return true;
    case csr::kMstatush: v = 0; return true;
    case csr::kMisa: v = csr::kMisaValue; return true;
    case csr::kMie: v = mie_; return true;
    case csr::kMtvec: v = mtvec_; return true;
    case csr::kMcountinhibit: v = mcountinhibit_; return true;
    case csr::kMscratch: v = mscratch_; return true;
    case csr::kMepc: v = mepc_; return true;
    case csr::kMcause: v = mcause_; return true;
    case csr::kMtval: v = mtval_; return true;
    case csr::kMip: v = mip_; return true;
    case csr::kMcycle: case csr::kCycle: v = uint32_t(mcycle_value()); return true;
    case csr::kMcycleh: case csr::kCycleh: v = uint32_t(mcycle_value() >> 32); return true;
    case csr::kMinstret: case csr::kInstret: v = uint32_t(minstret_value()); return true;
    case csr::kMinstreth: case csr::kInstreth: v = uint32_t(minstret_value() >> 32); return true;
    case csr::kMvendorid: v = 0; return true;
    case csr::kMarchid: v = csr::kMarchidValue; return true;
    case csr::kMimpid: v = 0; return true;
    case csr::kMhartid: v = hartid_; return true;
    case csr::kMconfigptr: v = 0; return true;
    default:
      // Hardware loop registers (xcvhwlp): read-only, written by cv.start/end/count/setup.
      if ((cfg_.isa & ext_bit(Ext::kXcvhwlp)) && c >= 0xcc0 && c <= 0xcc6 && c != 0xcc3) {
        const unsigned l = (c >> 2) & 1;
        v = (c & 3) == 0 ? lp_start_[l] : (c & 3) == 1 ? lp_end_[l] : lp_count_[l];
        return true;
      }
      // Unimplemented hpm counters and event selectors read zero (CV32E40P).
      if ((c >= csr::kMhpmcounter3 && c <= csr::kMhpmcounter31) ||
          (c >= csr::kMhpmcounter3h && c <= csr::kMhpmcounter31h) ||
          (c >= csr::kMhpmevent3 && c <= csr::kMhpmevent31) || (c >= csr::kHpmcounter3 && c <= csr::kHpmcounter31) ||
          (c >= csr::kHpmcounter3h && c <= csr::kHpmcounter31h)) {
        v = 0;
        return true;
      }
      return false;
  }
}

bool RiscvCore::csr_write(uint32_t c, uint32_t v) {
  if ((c >> 10) == 3) return false;  // read-only by encoding (csr[11:10] == 3)
  switch (c) {
    case csr::kMstatus:
      // M-only: MIE and MPIE are writable, MPP reads machine mode.
      mstatus_ = (v & (kMstatusMie | kMstatusMpie)) | kMstatusMpp;
      attention_ = true;
      return true;
    case csr::kMstatush: return true;
    case csr::kMisa: return true;  // WARL: the extensions are fixed
    case csr::kMie:
      mie_ = v;
      attention_ = true;
      return true;
    case csr::kMtvec:
      // WARL mode: direct (0) or vectored (1); reserved modes read as direct.
      mtvec_ = (v & 3) <= 1 ? v : (v & ~3u);
      return true;
    case csr::kMcountinhibit: {
      const uint64_t cyc = mcycle_value(), ins = minstret_value();
      mcountinhibit_ = v & 0xfffffffdu;  // bit 1 (time) is hardwired to zero
      mcycle_frozen_ = cyc;
      minstret_frozen_ = ins;
      set_mcycle(cyc);
      set_minstret(ins);
      return true;
    }
    case csr::kMscratch: mscratch_ = v; return true;
    case csr::kMepc: mepc_ = v & ~1u; return true;
    case csr::kMcause: mcause_ = v; return true;
    case csr::kMtval: mtval_ = v; return true;
    case csr::kMip: return true;  // lines are driven by the platform
    case csr::kMcycle: set_mcycle((mcycle_value() & ~0xffffffffull) | v); return true;
    case csr::kMcycleh: set_mcycle((mcycle_value() & 0xffffffffull) | uint64_t(v) << 32); return true;
    case csr::kMinstret: set_minstret((minstret_value() & ~0xffffffffull) | v); return true;
    case csr::kMinstreth: set_minstret((minstret_value() & 0xffffffffull) | uint64_t(v) << 32); return true;
    default:
      if ((c >= csr::kMhpmcounter3 && c <= csr::kMhpmcounter31) ||
          (c >= csr::kMhpmcounter3h && c <= csr::kMhpmcounter31h) ||
          (c >= csr::kMhpmevent3 && c <= csr::kMhpmevent31))
        return true;  // not implemented: writes ignored
      return false;
  }
}

}  // namespace vp::rv
