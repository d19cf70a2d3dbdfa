#!/usr/bin/env python3
"""Every instruction of the given ELFs must disassemble, with the ISS's
disassembler, to the mnemonic and operands `objdump -d` prints.
Normalised: objdump's symbol annotations (<sym+off>), comments (# ...) and
whitespace. Data that objdump shows inside code (.word, .short) is skipped.
usage: disasm_vs_objdump.py DISASM_TOOL OBJDUMP ELF..."""
import re
import subprocess
import sys

tool, objdump, elfs = sys.argv[1], sys.argv[2], sys.argv[3:]
line_re = re.compile(r"^\s*([0-9a-f]+):\s+([0-9a-f]{4}|[0-9a-f]{8})\s+\t(\S+)(?:\t(.*))?$")

def norm(text):
    text = re.sub(r"\s*<[^>]*>", "", text)
    text = re.sub(r"\s*#.*$", "", text)
    return " ".join(text.split())

failures, total = 0, 0
for elf in elfs:
    dump = subprocess.run([objdump, "-d", elf], check=True, capture_output=True, text=True).stdout
    want = []
    for line in dump.splitlines():
        m = line_re.match(line)
        if not m or m.group(3).startswith("."):
            continue
        want.append((m.group(1), m.group(2), norm(m.group(3) + " " + (m.group(4) or ""))))
    if not want:
        print(f"{elf}: objdump listed no instructions")
        sys.exit(1)
    got = subprocess.run([tool], input="".join(f"{a} {w}\n" for a, w, _ in want), check=True,
                         capture_output=True, text=True).stdout.splitlines()
    if len(got) != len(want):
        print(f"{elf}: {len(want)} instructions, tool printed {len(got)} lines")
        sys.exit(1)
    bad = 0
    for (addr, word, ref), out in zip(want, got):
        mine = norm(out.split("\t", 1)[1])
        total += 1
        if mine != ref:
            bad += 1
            if bad <= 20:
                print(f"{elf}: {addr}: {word}: objdump '{ref}', ISS '{mine}'")
    failures += bad
    print(f"{elf}: {len(want)} instructions, {bad} different")
print(f"{total} instructions compared, {failures} different")
sys.exit(1 if failures else 0)
