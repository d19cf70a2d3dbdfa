/* Sleeps with nothing to wake it: the run ends with a stall report. */
    .section .text.init, "ax", @progbits
    .globl _start
_start:
    wfi
    j _start
