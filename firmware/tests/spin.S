/* Spins forever: stopped only by --max-time. */
    .section .text.init, "ax", @progbits
    .globl _start
_start:
    j _start
