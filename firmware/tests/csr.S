/* Machine-mode CSRs: read/write/set/clear forms, identification, counters
 * and mcountinhibit, illegal accesses. */
#include "rvtest.h"
    TEST_PROLOGUE
test_main:
    li a1, 0x1234
    csrw mscratch, a1
    csrr a0, mscratch
    CHECK_REG 1, a0, 0x1234
    li a1, 0xf0
    csrrs a0, mscratch, a1
    CHECK_REG 2, a0, 0x1234
    csrr a0, mscratch
    CHECK_REG 3, a0, 0x12f4
    li a1, 0x1200
    csrrc a0, mscratch, a1
    csrr a0, mscratch
    CHECK_REG 4, a0, 0xf4
    csrrwi a0, mscratch, 5
    CHECK_REG 5, a0, 0xf4
    csrrsi a0, mscratch, 0x18
    csrrci a0, mscratch, 1
    csrr a0, mscratch
    CHECK_REG 6, a0, 0x1c
    csrr a0, misa
    CHECK_REG 7, a0, 0x40001104          /* RV32 I M C */
    csrr a0, mhartid
    CHECK_REG 8, a0, 0
    csrr a0, marchid
    CHECK_REG 9, a0, 4                   /* CV32E40P */
    csrr a0, mstatus
    li a1, 0x1800
    and a0, a0, a1
    CHECK_REG 10, a0, 0x1800             /* MPP reads machine mode */
    /* minstret counts retired instructions exactly */
    csrr a0, minstret
    nop; nop; nop; nop; nop; nop; nop; nop; nop; nop
    csrr a1, minstret
    sub a0, a1, a0
    CHECK_REG 11, a0, 11
    /* mcycle: 4 cycles for the csrr of mcycle (CV32E40P), 1 per nop */
    csrr a0, mcycle
    nop; nop; nop; nop; nop; nop; nop; nop; nop; nop
    csrr a1, mcycle
    sub a0, a1, a0
    CHECK_REG 12, a0, 14
    /* user-level aliases */
    rdinstret a0
    rdinstret a1
    sub a0, a1, a0
    CHECK_REG 13, a0, 1
    /* mcountinhibit freezes the counters */
    csrwi mcountinhibit, 5
    csrr a0, mcycle
    csrr a2, minstret
    nop
    csrr a1, mcycle
    csrr a3, minstret
    bne a0, a1, bad
    bne a2, a3, bad
    csrwi mcountinhibit, 0
    csrr a1, mcycle
    beq a0, a1, bad
    /* writing the counters */
    csrw mcycle, zero
    csrw mcycleh, zero
    csrr a0, mcycleh
    CHECK_REG 14, a0, 0
    csrr a0, mcycle
    li a1, 20
    bgeu a0, a1, bad
    csrw minstret, zero
    csrr a0, minstret
    CHECK_REG 15, a0, 1
    /* hpm counters and events read zero */
    csrr a0, mhpmcounter3
    CHECK_REG 16, a0, 0
    /* writing a read-only CSR and reading an unknown one are illegal */
    csrw mhartid, zero
    EXPECT_TRAP 17, 2, 0xf1401073
    .word 0x7c002573                     /* csrr a0, 0x7c0 */
    EXPECT_TRAP 18, 2, 0x7c002573
    csrr a0, time                        /* CV32E40P has no time CSR */
    EXPECT_TRAP 19, 2, 0xc0102573
    PASS
bad:
    li a0, 99
    j test_fail
