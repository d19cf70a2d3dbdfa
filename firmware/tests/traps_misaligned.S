/* Run with --set core.misaligned=trap: misaligned loads and stores trap
 * with the address in mtval. */
#include "rvtest.h"
    TEST_PROLOGUE
test_main:
    la a1, buf
    lw a0, 1(a1)
    addi t2, a1, 1
    lw t5, trap_cause
    CHECK_REG 1, t5, 4
    lw t5, trap_tval
    bne t5, t2, bad
    sh a0, 3(a1)
    addi t2, a1, 3
    lw t5, trap_cause
    CHECK_REG 2, t5, 6
    lw t5, trap_tval
    bne t5, t2, bad
    lw a0, 4(a1)                         /* aligned: no trap */
    sw zero, trap_cause, t5
    lw a0, 0(a1)
    lw t5, trap_cause
    CHECK_REG 3, t5, 0
    PASS
bad:
    li a0, 99
    j test_fail
    .data
    .balign 4
buf: .word 1, 2, 3
