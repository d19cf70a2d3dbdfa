/* Memory-heavy loop: each core walks its own 4 KiB slice of a buffer with
 * word loads and stores (10 instructions per iteration, 4 of them memory
 * accesses, one load-use stall), ITERATIONS iterations, then exit. */
#include "bare_io_regs.h"
    .section .text.init, "ax", @progbits
    .globl _start
_start:
    csrr t2, mhartid
    andi t2, t2, 31
    slli t2, t2, 12
    la s0, buffer
    add s0, s0, t2               /* this core's slice */
    li s1, 4096 - 8
    li t0, ITERATIONS
    li a1, 0
    .balign 4
1:  add t3, s0, a1
    lw a2, 0(t3)
    lw a3, 4(t3)
    add a2, a2, a3
    sw a2, 4(t3)
    sw a3, 0(t3)
    addi a1, a1, 8
    and a1, a1, s1               /* wrap within the slice */
    addi t0, t0, -1
    bnez t0, 1b
    li t1, VP_BARE_HOST_IO_BASE
    sw zero, VP_BARE_EXIT(t1)
2:  j 2b
    .bss
    .balign 4096
buffer: .fill 16 * 4096, 1, 0
