/* Each synchronous trap cause with its mcause, mepc and mtval. */
#include "rvtest.h"
    TEST_PROLOGUE
test_main:
    .option norvc
    csrw cycle, zero                     /* write to a read-only CSR */
    EXPECT_TRAP 1, 2, 0xc0001073
    .word 0xffffffff                     /* reserved >32-bit encoding */
    EXPECT_TRAP 2, 2, 0xffffffff
1:  ecall
    EXPECT_TRAP 3, 11, 0
    lw t0, trap_epc
    la t1, 1b
    bne t0, t1, bad
    ebreak
    EXPECT_TRAP 4, 3, 0
    lw a0, 0(zero)                       /* nothing mapped at 0 */
    EXPECT_TRAP 5, 5, 0
    li a1, 0x100
    sw a0, 4(a1)
    EXPECT_TRAP 6, 7, 0x104
    li a1, VP_BARE_HOST_IO_BASE + 0x10   /* a hole in the host I/O block */
    lw a0, 0(a1)
    EXPECT_TRAP 7, 5, VP_BARE_HOST_IO_BASE + 0x10
    la t0, 2f                            /* fetch from nowhere, resume at 2 */
    sw t0, trap_resume, t1
    li t0, 0x200
    jr t0
2:  EXPECT_TRAP 8, 1, 0x200
    lw t0, trap_epc
    CHECK_REG 9, t0, 0x200
    /* mret re-enables interrupts from MPIE; the handler ran with MIE clear */
    csrr a0, mstatus
    andi a0, a0, 0x88
    CHECK_REG 10, a0, 0x80
    PASS
bad:
    li a0, 99
    j test_fail
