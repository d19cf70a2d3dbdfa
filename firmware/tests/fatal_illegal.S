/* No trap handler (mtvec = 0): the illegal instruction must stop the run
 * with a report naming core, pc, instruction and cause. */
    .section .text.init, "ax", @progbits
    .globl _start
_start:
    nop
    csrw cycle, zero
