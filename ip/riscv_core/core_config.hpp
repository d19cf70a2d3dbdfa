#pragma once
// The core's parameters (platform/params binds them from the `core:` section
// and `clock_hz` of the platform YAML). Cycle figures follow the CV32E40P user manual, section
// "Pipeline Details", table "Cycle counts per instruction type".
#include <cstdint>

#include <systemc>

#include "rv_isa.hpp"

namespace vp::rv {

struct CoreTiming {
  uint32_t load_use_stall = 1;          // next instruction reads the loaded register
  uint32_t jalr_hazard_stall = 1;       // jalr reads the register written just before
  uint32_t branch_taken_penalty = 2;    // taken branch: 3 cycles in all
  uint32_t jump_penalty = 1;            // jal/jalr/mret/fence.i/trap entry: 2 cycles
  uint32_t unaligned_target_penalty = 1;  // jump or branch to a non-word-aligned 32-bit instruction
  uint32_t mul = 1;
  uint32_t mulh = 5;
  uint32_t div_min = 3;                 // div/rem: div_min + leading zeros of |divisor| (35 for 0)
  uint32_t csr_slow = 4;                // CSRs that flush the pipeline (mstatus, mepc, counters, ...)
  uint32_t misaligned_penalty = 1;      // access split into two bus transactions
  uint32_t elw = 4;                     // cv.elw whose event is there (plus the access's wait states)
};

struct CoreConfig {
  CoreTiming timing;
  uint32_t isa = kIsaRv32imc;           // enabled extensions (`core.isa`), a mask of ext_bit()
  bool trap_misaligned = false;         // false: perform misaligned accesses (CV32E40P), true: trap
  sc_core::sc_time cycle = sc_core::sc_time(1, sc_core::SC_NS);
};

}  // namespace vp::rv
