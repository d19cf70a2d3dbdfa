/* Every RV32I instruction, with edge operands. */
#include "rvtest.h"
    TEST_PROLOGUE
test_main:
    TEST_RR 1, add, 0x7fffffff, 1, 0x80000000
    TEST_RR 2, sub, 0, 1, 0xffffffff
    TEST_RR 3, sll, 1, 31, 0x80000000
    TEST_RR 4, sll, 1, 33, 2                  /* only rs2[4:0] counts */
    TEST_RR 5, slt, 0xffffffff, 0, 1
    TEST_RR 6, sltu, 0xffffffff, 0, 0
    TEST_RR 7, xor, 0xff00ff00, 0x0ff00ff0, 0xf0f0f0f0
    TEST_RR 8, srl, 0x80000000, 31, 1
    TEST_RR 9, sra, 0x80000000, 31, 0xffffffff
    TEST_RR 10, or, 0xf0000000, 0x0000000f, 0xf000000f
    TEST_RR 11, and, 0xff00ff00, 0x0ff00ff0, 0x0f000f00
    TEST_RI 12, addi, 5, -6, 0xffffffff
    TEST_RI 13, slti, 0xfffffffe, -1, 1
    TEST_RI 14, sltiu, 5, -1, 1               /* -1 compares as 0xffffffff */
    TEST_RI 15, xori, 0x0f, -1, 0xfffffff0
    TEST_RI 16, ori, 0x100, 0x0ff, 0x1ff
    TEST_RI 17, andi, 0xffffffff, 0x7ff, 0x7ff
    TEST_RI 18, slli, 3, 30, 0xc0000000
    TEST_RI 19, srli, 0xc0000000, 30, 3
    TEST_RI 20, srai, 0xc0000000, 30, 0xffffffff
    lui a0, 0xfffff
    CHECK_REG 21, a0, 0xfffff000
1:  auipc a0, 1
    la a1, 1b
    sub a0, a0, a1
    CHECK_REG 22, a0, 0x1000
    /* jal / jalr: link and target, jalr clears bit 0 */
    jal ra, 2f
3:  j 4f
2:  la a1, 3b
    beq ra, a1, 3b
    li a0, 23
    j test_fail
4:  la a1, 5f
    addi a1, a1, 1
    jalr a2, 0(a1)
    li a0, 24
    j test_fail
5:  /* branches: taken and not taken, signed and unsigned */
    li a1, -1
    li a2, 1
    beq a1, a2, bad
    bne a1, a1, bad
    blt a2, a1, bad
    bge a1, a2, bad
    bltu a1, a2, bad
    bgeu a2, a1, bad
    beq a1, a1, 6f
    j bad
6:  blt a1, a2, 7f
    j bad
7:  bltu a2, a1, 8f
    j bad
8:  bge a2, a1, 9f
    j bad
9:  bgeu a1, a2, 10f
    j bad
10: /* loads and stores of every width, sign extension */
    la a1, data
    li a2, 0x8081fe7f
    sw a2, 0(a1)
    lw a0, 0(a1)
    CHECK_REG 25, a0, 0x8081fe7f
    lb a0, 0(a1)
    CHECK_REG 26, a0, 0x7f
    lb a0, 1(a1)
    CHECK_REG 27, a0, 0xfffffffe
    lbu a0, 1(a1)
    CHECK_REG 28, a0, 0xfe
    lh a0, 2(a1)
    CHECK_REG 29, a0, 0xffff8081
    lhu a0, 2(a1)
    CHECK_REG 30, a0, 0x8081
    li a2, 0x55
    sb a2, 3(a1)
    li a2, 0x1234
    sh a2, 0(a1)
    lw a0, 0(a1)
    CHECK_REG 31, a0, 0x55811234
    sw zero, -4(a1)                       /* negative offsets */
    lw a0, -4(a1)
    CHECK_REG 32, a0, 0
    /* misaligned accesses are performed (core.misaligned = emulate) */
    li a2, 0xa1b2c3d4
    sw a2, 5(a1)
    lw a0, 5(a1)
    CHECK_REG 33, a0, 0xa1b2c3d4
    lhu a0, 7(a1)
    CHECK_REG 34, a0, 0xa1b2
    /* x0 stays zero */
    li a2, 7
    add x0, a2, a2
    lw x0, 0(a1)
    CHECK_REG 35, x0, 0
    fence
    .word 0x0000100f                     /* fence.i (Zifencei) */
    PASS
bad:
    li a0, 99
    j test_fail

    .data
    .word 0
data: .word 0, 0, 0
