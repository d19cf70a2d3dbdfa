#!/usr/bin/env python3
"""Seeded generator of random RV32IMC programs for differential testing.

The program initialises registers and a 512-byte buffer with random values,
runs a random body (ALU, M extension, loads/stores incl. misaligned, forward
branches and jumps, counted loops; the assembler compresses what it can),
then stores x1..x30 and the buffer between begin_signature and end_signature.
The epilogue is the only part that depends on the runner: with -DQEMU the
signature goes to stdout through Linux syscalls (qemu-riscv32 user mode),
otherwise the program writes the bare platform's exit register and vp-run
dumps the signature. Everything before the epilogue sits at the same address
in both builds, so link addresses in registers agree.
"""
import argparse
import random

# x2 and x9 are the buffer bases (x2 so c.lwsp/c.swsp appear, x9 for c.lw/c.sw),
# x30 the loop counter, x31 the epilogue's pointer: the body never writes them.
FREE = [1, 3, 4, 5, 6, 7, 8] + list(range(10, 30))
RVC_REGS = list(range(8, 16))
RVC_FREE = [r for r in RVC_REGS if r != 9]
BUF = 512

R_OPS = ["add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and",
         "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu"]
I_OPS = ["addi", "slti", "sltiu", "xori", "ori", "andi"]
SH_OPS = ["slli", "srli", "srai"]
C_R_OPS = ["sub", "xor", "or", "and", "add"]
LOADS = [("lb", 1), ("lh", 2), ("lw", 4), ("lbu", 1), ("lhu", 2)]
STORES = [("sb", 1), ("sh", 2), ("sw", 4)]
BRANCHES = ["beq", "bne", "blt", "bge", "bltu", "bgeu"]


class Gen:
    def __init__(self, rng):
        self.rng = rng
        self.label = 0
        self.out = []

    def reg(self, avoid=()):
        return self.rng.choice([r for r in FREE if r not in avoid])

    def any_src(self):
        return self.rng.choice(list(range(0, 32)))

    def emit(self, s):
        self.out.append("    " + s)

    def new_label(self):
        self.label += 1
        return f"L{self.label}"

    def mem_operand(self, size, misaligned_ok=True):
        if self.rng.random() < 0.5:
            base, span = 9, BUF
        else:
            base, span = 2, BUF // 2  # x2 points at the middle of the buffer
        off = self.rng.randrange(0, span - 4)
        if not (misaligned_ok and self.rng.random() < 0.1):
            off -= off % size
        return off, base

    def instr(self, avoid=()):
        r = self.rng.random()
        rng = self.rng
        if r < 0.25:
            self.emit(f"{rng.choice(R_OPS)} x{self.reg(avoid)}, x{self.any_src()}, x{self.any_src()}")
        elif r < 0.40:
            self.emit(f"{rng.choice(I_OPS)} x{self.reg(avoid)}, x{self.any_src()}, {rng.randint(-2048, 2047)}")
        elif r < 0.47:
            self.emit(f"{rng.choice(SH_OPS)} x{self.reg(avoid)}, x{self.any_src()}, {rng.randint(0, 31)}")
        elif r < 0.52:
            self.emit(f"{rng.choice(['lui', 'auipc'])} x{self.reg(avoid)}, {rng.randint(0, 0xfffff)}")
        elif r < 0.65:  # forms the assembler compresses: rd == rs1 in x8..x15, small immediates
            rd = rng.choice([x for x in RVC_FREE if x not in avoid])
            k = rng.random()
            if k < 0.3:
                self.emit(f"{rng.choice(C_R_OPS)} x{rd}, x{rd}, x{rng.choice(RVC_REGS)}")
            elif k < 0.5:
                self.emit(f"addi x{rd}, x{rd}, {rng.randint(-32, 31)}")
            elif k < 0.6:
                self.emit(f"andi x{rd}, x{rd}, {rng.randint(-32, 31)}")
            elif k < 0.75:
                self.emit(f"{rng.choice(SH_OPS)} x{rd}, x{rd}, {rng.randint(1, 31)}")
            elif k < 0.85:
                self.emit(f"li x{rd}, {rng.randint(-32, 31)}")
            elif k < 0.92:
                self.emit(f"mv x{rd}, x{rng.randint(1, 31)}")
            else:
                self.emit(f"addi x{rd}, x2, {4 * rng.randint(1, 60)}")  # c.addi4spn
        elif r < 0.80:
            name, size = rng.choice(LOADS)
            off, base = self.mem_operand(size)
            self.emit(f"{name} x{self.reg(avoid)}, {off}(x{base})")
        elif r < 0.84:  # c.lw / c.sw: x8..x15 with a small word offset from x9
            if rng.random() < 0.5:
                self.emit(f"lw x{rng.choice([x for x in RVC_FREE if x not in avoid])}, {4 * rng.randint(0, 31)}(x9)")
            else:
                self.emit(f"sw x{rng.choice(RVC_REGS)}, {4 * rng.randint(0, 31)}(x9)")
        elif r < 0.92:
            name, size = rng.choice(STORES)
            off, base = self.mem_operand(size)
            self.emit(f"{name} x{self.any_src()}, {off}(x{base})")
        else:
            self.emit(f"lui x{self.reg(avoid)}, {rng.randint(0, 31)}")  # c.lui range

    def block(self, n, depth=0, avoid=()):
        for _ in range(n):
            r = self.rng.random()
            if r < 0.08 and depth < 2:  # forward conditional branch
                lab = self.new_label()
                if self.rng.random() < 0.3:
                    self.emit(f"{self.rng.choice(['beqz', 'bnez'])} x{self.rng.choice(RVC_REGS)}, {lab}")
                else:
                    self.emit(f"{self.rng.choice(BRANCHES)} x{self.any_src()}, x{self.any_src()}, {lab}")
                self.block(self.rng.randint(1, 4), depth + 1, avoid)
                self.out.append(f"{lab}:")
            elif r < 0.11 and depth < 2:  # forward jump, with or without link
                lab = self.new_label()
                k = self.rng.random()
                if k < 0.4:
                    self.emit(f"j {lab}")
                elif k < 0.7:
                    self.emit(f"jal x1, {lab}")  # c.jal
                else:
                    self.emit(f"jal x{self.reg(avoid)}, {lab}")
                self.block(self.rng.randint(1, 3), depth + 1, avoid)
                self.out.append(f"{lab}:")
            elif r < 0.13 and depth < 2:  # indirect jump through a computed address
                lab = self.new_label()
                t = self.reg(avoid)
                self.emit(f"la x{t}, {lab}")
                k = self.rng.random()
                if k < 0.3:
                    self.emit(f"jalr x{self.reg(avoid + (t,))}, 0(x{t})")
                elif k < 0.6 and t != 1:
                    self.emit(f"jalr x1, 0(x{t})")  # c.jalr
                else:
                    self.emit(f"jr x{t}")
                self.block(self.rng.randint(1, 3), depth + 1, avoid)
                self.out.append(f"{lab}:")
            elif r < 0.15 and depth == 0:  # counted loop on x30
                lab = self.new_label()
                self.emit(f"li x30, {self.rng.randint(1, 6)}")
                self.out.append(f"{lab}:")
                self.block(self.rng.randint(2, 8), depth + 1, avoid)
                self.emit("addi x30, x30, -1")
                self.emit(f"bnez x30, {lab}")
            else:
                self.instr(avoid)


def program(seed, length):
    rng = random.Random(seed)
    g = Gen(rng)
    lines = [f"/* random program, seed {seed}, {length} body steps: gen_program.py */",
             '#include "bare_io_regs.h"',
             "    .option rvc",
             "    .data",
             "    .globl begin_signature, end_signature",
             "    .balign 64",
             "begin_signature:",
             "regdump: .fill 32, 4, 0",
             "membuf:"]
    for _ in range(BUF // 4):
        lines.append(f"    .word 0x{rng.getrandbits(32):08x}")
    lines += ["end_signature:",
              "    .text",
              "    .globl _start",
              "_start:"]
    g.out = lines
    for r in range(1, 32):
        if r in (2, 9):
            continue
        special = [0, 1, 0xffffffff, 0x80000000, 0x7fffffff]
        v = rng.choice(special) if rng.random() < 0.2 else rng.getrandbits(32)
        g.emit(f"li x{r}, 0x{v:08x}")
    g.emit("la x9, membuf")
    g.emit(f"addi x2, x9, {BUF // 2}")
    g.block(length)
    g.emit("la x31, regdump")
    for r in range(1, 31):
        g.emit(f"sw x{r}, {4 * r}(x31)")
    g.out += ["#ifdef QEMU",
              "    li a7, 64", "    li a0, 1", "    la a1, begin_signature",
              f"    li a2, {32 * 4 + BUF}", "    ecall",
              "    li a7, 93", "    li a0, 0", "    ecall",
              "#else",
              "    li t0, VP_BARE_HOST_IO_BASE", "    sw zero, VP_BARE_EXIT(t0)",
              "#endif",
              "1:  j 1b", ""]
    return "\n".join(g.out)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--length", type=int, default=200)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    with open(a.out, "w") as f:
        f.write(program(a.seed, a.length))
