/* Compute-bound loop: 10 instructions per iteration (ALU, shifts, mul,
 * a taken branch), ITERATIONS iterations per core, then exit. */
#include "bare_io_regs.h"
    .section .text.init, "ax", @progbits
    .globl _start
_start:
    li t0, ITERATIONS
    li a0, 1
    li a1, 3
    .balign 4
1:  add a2, a0, a1
    xor a3, a2, a0
    slli a4, a3, 3
    srli a5, a4, 2
    mul a0, a5, a1
    or a1, a2, a3
    sub a2, a4, a5
    andi a3, a0, 255
    addi t0, t0, -1
    bnez t0, 1b
    li t1, VP_BARE_HOST_IO_BASE
    sw zero, VP_BARE_EXIT(t1)
2:  j 2b
