/* Every RV32C form, written with its c. mnemonic so the assembler cannot
 * choose otherwise (RISC-V Unprivileged ISA, chapter 16). */
#include "rvtest.h"
    TEST_PROLOGUE
    .option rvc
test_main:
    la sp, cstack + 64
    c.addi4spn s0, sp, 8
    la t0, cstack + 72
    bne s0, t0, bad
    li a5, 0x11223344
    c.sw a5, 4(s0)
    c.lw a4, 4(s0)
    CHECK_REG 2, a4, 0x11223344
    c.nop
    li a0, 10
    c.addi a0, -3
    CHECK_REG 3, a0, 7
    c.li a1, -32
    CHECK_REG 4, a1, 0xffffffe0
    mv t1, sp
    c.addi16sp sp, -64
    sub t1, t1, sp
    CHECK_REG 5, t1, 64
    c.addi16sp sp, 64
    c.lui a2, 0xfffff
    CHECK_REG 6, a2, 0xfffff000
    li s1, 0x80000010
    c.srli s1, 4
    CHECK_REG 7, s1, 0x08000001
    li s1, 0x80000010
    c.srai s1, 4
    CHECK_REG 8, s1, 0xf8000001
    li s1, 0xff
    c.andi s1, 0x0f
    CHECK_REG 9, s1, 0x0f
    li s0, 10
    li s1, 3
    c.sub s0, s1
    CHECK_REG 10, s0, 7
    c.xor s0, s1
    CHECK_REG 11, s0, 4
    c.or s0, s1
    CHECK_REG 12, s0, 7
    c.and s0, s1
    CHECK_REG 13, s0, 3
    c.j 1f
    li a0, 14
    j test_fail
1:  c.jal 2f                          /* links ra = address of the next instruction */
3:  c.j 4f
2:  la t0, 3b
    beq ra, t0, 3b
    li a0, 15
    j test_fail
4:  li s0, 0
    c.beqz s0, 5f
    li a0, 16
    j test_fail
5:  c.bnez s0, bad
    li s0, 1
    c.bnez s0, 6f
    j bad
6:  c.beqz s0, bad
    li a3, 3
    c.slli a3, 30
    CHECK_REG 17, a3, 0xc0000000
    li a3, 0x5a5a
    c.swsp a3, 12(sp)
    c.lwsp a4, 12(sp)
    CHECK_REG 18, a4, 0x5a5a
    la t0, 7f
    c.jr t0
    j bad
7:  la t0, 8f
    c.jalr t0
9:  j 10f
8:  la t1, 9b
    bne ra, t1, bad
    c.jr ra
10: li a4, 0x1234
    c.mv a5, a4
    CHECK_REG 19, a5, 0x1234
    c.add a5, a4
    CHECK_REG 20, a5, 0x2468
    c.ebreak
    EXPECT_TRAP 21, 3, 0
    PASS
bad:
    li a0, 99
    j test_fail
    .data
    .balign 4
cstack: .fill 32, 4, 0
