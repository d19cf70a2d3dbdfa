/* Macros of the self-checking ISA test programs (assembly). A program
 * defines `test_main`, checks results with CHECK / CHECK_REG, and ends with
 * PASS; a failed check exits with the check's number (vp-run: firmware-exit N).
 * A trap handler records mcause/mepc/mtval in trap_cause/trap_epc/trap_tval and
 * resumes after the trapping instruction, or at `trap_resume` when set. */
#include "bare_io_regs.h"

#define HOST_EXIT (VP_BARE_HOST_IO_BASE + VP_BARE_EXIT)

/* CHECK_REG n, reg, value: fails with n unless reg == value (uses t6). */
.macro CHECK_REG n, reg, value
    li t6, \value
    beq \reg, t6, 1001f
    li a0, \n
    j test_fail
1001:
.endm

/* TEST n, expected, instructions...: runs the instructions (result in a0). */
.macro TEST_RR n, op, a, b, expected
    li a1, \a
    li a2, \b
    \op a0, a1, a2
    CHECK_REG \n, a0, \expected
.endm
.macro TEST_RI n, op, a, imm, expected
    li a1, \a
    \op a0, a1, \imm
    CHECK_REG \n, a0, \expected
.endm

/* EXPECT_TRAP n, cause, tval: the last trap had this cause and mtval. */
.macro EXPECT_TRAP n, cause, tval
    lw t5, trap_cause
    CHECK_REG \n, t5, \cause
    lw t5, trap_tval
    CHECK_REG \n, t5, \tval
    sw zero, trap_cause, t5
.endm

.macro PASS
    li t0, HOST_EXIT
    sw zero, 0(t0)
1002: j 1002b
.endm

.macro TEST_PROLOGUE
    .section .text.init, "ax", @progbits
    .globl _start
_start:
    la sp, __stack_top
    la t0, trap_handler
    csrw mtvec, t0
    j test_main

    .balign 4
trap_handler:
    csrw mscratch, t0
    csrr t0, mcause
    sw t0, trap_cause, t6
    csrr t0, mepc
    sw t0, trap_epc, t6
    csrr t0, mtval
    sw t0, trap_tval, t6
    lw t0, trap_resume
    beqz t0, 1f
    sw zero, trap_resume, t6
    j 3f
1:  csrr t0, mepc                 /* step over the instruction: 2 or 4 bytes */
    lhu t6, 0(t0)
    andi t6, t6, 3
    addi t0, t0, 2
    li a7, 3
    bne t6, a7, 3f
    addi t0, t0, 2
3:  csrw mepc, t0
    csrr t0, mscratch
    mret

test_fail:
    li t0, HOST_EXIT
    sw a0, 0(t0)
1:  j 1b

    .data
    .balign 4
    .globl trap_cause, trap_epc, trap_tval, trap_resume
trap_cause: .word 0
trap_epc: .word 0
trap_tval: .word 0
trap_resume: .word 0
    .text
.endm
