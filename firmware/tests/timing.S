/* Cycle counts of the CV32E40P figures in platform/schema/core.yaml
 * (defaults), measured with mcycle. Each window costs its csrr of mcycle
 * (4 cycles, a slow CSR) plus the instructions between BEGIN and END. */
#include "rvtest.h"
    TEST_PROLOGUE
.macro BEGIN
    .balign 4
    csrr s2, mcycle
.endm
.macro END n, expected
    csrr s3, mcycle
    sub s3, s3, s2
    CHECK_REG \n, s3, \expected
.endm
test_main:
    .option norvc
    la s0, word
    li s1, 1
    BEGIN                                /* 4 + 1 */
    addi a0, a0, 1
    END 1, 5
    BEGIN                                /* load-use stall: 4 + 1 + 1 + 1 */
    lw a1, 0(s0)
    addi a1, a1, 1
    END 2, 7
    BEGIN                                /* no hazard: 4 + 1 + 1 */
    lw a1, 0(s0)
    addi a2, a2, 1
    END 3, 6
    BEGIN                                /* taken branch: 4 + 3 */
    beq zero, zero, 1f
    nop
1:  END 4, 7
    BEGIN                                /* not taken: 4 + 1 + 1 */
    bne zero, zero, 1f
    nop
1:  END 5, 6
    BEGIN                                /* jal: 4 + 2 */
    jal zero, 1f
1:  END 6, 6
    BEGIN                                /* mul: 4 + 1 */
    mul a0, s1, s1
    END 7, 5
    BEGIN                                /* mulh: 4 + 5 */
    mulh a0, s1, s1
    END 8, 9
    BEGIN                                /* divisor 1 (31 leading zeros): 4 + 3 + 31 */
    divu a0, s1, s1
    END 9, 38
    BEGIN                                /* divisor 0: 4 + 35 */
    divu a0, s1, zero
    END 10, 39
    li s4, 0x80000000
    BEGIN                                /* no leading zero: 4 + 3 */
    divu a0, s1, s4
    END 11, 7
    BEGIN                                /* misaligned word, two transactions: 4 + 2 */
    lw a1, 2(s0)
    END 12, 6
    BEGIN                                /* other CSR: 4 + 1 */
    csrr a0, mscratch
    END 13, 5
    BEGIN                                /* slow CSR: 4 + 4 */
    csrr a0, mstatus
    END 14, 8
    la s5, 1f
    BEGIN                                /* jalr: 4 + 2 */
    jalr zero, 0(s5)
1:  END 15, 6
    la s5, 1f
    BEGIN                                /* jalr hazard on s5: 4 + 1 + 2 + 1 */
    addi s5, s5, 0
    jr s5
1:  END 16, 8
    la s5, 1f
    BEGIN                                /* jump to a 32-bit instruction at pc % 4 == 2: 4 + 2 + 1 */
    jalr zero, 0(s5)
    .option rvc
    c.nop
1:  END 17, 7
    PASS
    .data
    .balign 4
word: .word 7, 8
