/* A handler whose first instruction traps again: reported as a trap loop. */
    .section .text.init, "ax", @progbits
    .globl _start
_start:
    la t0, handler
    csrw mtvec, t0
    ecall
    .balign 4
handler:
    csrw cycle, zero
