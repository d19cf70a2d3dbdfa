/* The M extension, including the spec's division corner cases
 * (RISC-V Unprivileged ISA, table 7.1). */
#include "rvtest.h"
    TEST_PROLOGUE
test_main:
    TEST_RR 1, mul, 0x12345678, 0x10, 0x23456780
    TEST_RR 2, mul, 0xffffffff, 0xffffffff, 1
    TEST_RR 3, mulh, 0x80000000, 0x80000000, 0x40000000
    TEST_RR 4, mulh, 0xffffffff, 1, 0xffffffff
    TEST_RR 5, mulhu, 0xffffffff, 0xffffffff, 0xfffffffe
    TEST_RR 6, mulhsu, 0xffffffff, 0xffffffff, 0xffffffff
    TEST_RR 7, mulhsu, 2, 0x80000000, 1
    TEST_RR 8, div, 20, 6, 3
    TEST_RR 9, div, -20, 6, -3                 /* rounds toward zero */
    TEST_RR 10, div, 7, 0, 0xffffffff          /* by zero: all ones */
    TEST_RR 11, div, 0x80000000, -1, 0x80000000 /* overflow */
    TEST_RR 12, divu, 0xffffffff, 2, 0x7fffffff
    TEST_RR 13, divu, 7, 0, 0xffffffff
    TEST_RR 14, rem, -20, 6, -2                /* sign of the dividend */
    TEST_RR 15, rem, 7, 0, 7                   /* by zero: the dividend */
    TEST_RR 16, rem, 0x80000000, -1, 0         /* overflow */
    TEST_RR 17, remu, 0xffffffff, 10, 5
    TEST_RR 18, remu, 7, 0, 7
    PASS
