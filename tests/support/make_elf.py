#!/usr/bin/env python3
"""Writes a small RV32 ELF executable with chosen program headers, for the
hostile-input tests: the loader must check every size against the file and
the platform before it allocates.

  make_elf.py OUT [--entry A] [--segment ADDR:MEMSZ[:FILESZ[:OFFSET]]]... [--truncate N]

Segments are PT_LOAD; file bytes are `j .` (0x0000006f) repeated. OFFSET
defaults to just after the headers; FILESZ to 4 (at most MEMSZ)."""
import argparse
import struct


def num(s):
    return int(s, 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--entry", type=num, default=0x80000000)
    ap.add_argument("--segment", action="append", default=[])
    ap.add_argument("--truncate", type=num, default=None)
    ap.add_argument("--machine", type=num, default=243)  # EM_RISCV
    a = ap.parse_args()
    segs = []
    for s in a.segment:
        f = [num(x) for x in s.split(":")]
        addr, memsz = f[0], f[1]
        filesz = f[2] if len(f) > 2 else min(4, memsz)
        segs.append([addr, memsz, filesz, f[3] if len(f) > 3 else None])
    ehsize, phentsize = 52, 32
    data_off = ehsize + phentsize * len(segs)
    body = b""
    for seg in segs:
        if seg[3] is None:
            seg[3] = data_off + len(body)
            body += (b"\x6f\x00\x00\x00" * (seg[2] // 4 + 1))[: seg[2]]
    ident = b"\x7fELF" + bytes([1, 1, 1, 0]) + bytes(8)  # 32-bit, little-endian, version 1
    eh = ident + struct.pack("<HHIIIIIHHHHHH", 2, a.machine, 1, a.entry, ehsize if segs else 0, 0, 0, ehsize,
                             phentsize, len(segs), 40, 0, 0)
    ph = b"".join(struct.pack("<IIIIIIII", 1, off, addr, addr, filesz, memsz, 7, 4) for addr, memsz, filesz, off in segs)
    data = eh + ph + body
    if a.truncate is not None:
        data = data[: a.truncate]
    with open(a.out, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
