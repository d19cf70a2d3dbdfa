/* Start-up code of a bare-metal program on the VP: set gp, sp and tp
 * (picolibc keeps errno in thread-local storage), clear .bss, run main,
 * exit with its return value. mtvec stays 0, so a trap the program does not
 * handle stops the simulation with a report (no silent handler loop). */
    .section .text.init, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    la sp, __stack_top
    la tp, __tls_base
    la a0, __bss_start
    la a1, __bss_end
1:  bgeu a0, a1, 2f
    sw zero, 0(a0)
    addi a0, a0, 4
    j 1b
2:  li a0, 0
    li a1, 0
    call main
    tail exit
    .size _start, . - _start
