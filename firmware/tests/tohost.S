/* riscv-tests style exit through the tohost word: (CODE << 1) | 1. Also
 * leaves a signature for --signature. */
    .section .text.init, "ax", @progbits
    .globl _start
_start:
    la t0, begin_signature
    li t1, 0xdeadbeef
    sw t1, 0(t0)
    li t1, 0x00c0ffee
    sw t1, 4(t0)
    la t0, tohost
    li t1, (CODE << 1) | 1
    sw t1, 0(t0)
1:  j 1b
    .section .tohost, "aw", @progbits
    .balign 64
    .globl tohost
tohost: .dword 0
    .data
    .balign 16
    .globl begin_signature, end_signature
begin_signature: .word 0, 0, 0x12345678
end_signature:
