#!/usr/bin/env python3
"""Differential test: random programs on vp-run and on qemu-riscv32.

For each seed: generate (gen_program.py), build for both runners, run, and
compare the final registers x1..x30 and the 512-byte buffer word by word.
Exit 1 with the first mismatching words and the kept program on failure.
"""
import argparse
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_program  # noqa: E402

CC = "riscv64-unknown-elf-gcc"


def build(src, out, defines, src_dir):
    cmd = [CC, "-march=rv32imc_zicsr", "-mabi=ilp32", "-nostdlib", "-nostartfiles", "-static",
           f"-I{src_dir}/contracts", "-T", os.path.join(HERE, "diff.ld"), "-Wl,--no-warn-rwx-segments",
           *defines, src, "-o", out]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"cannot build {src}: {r.stderr[:500]}")


def words_hex(data):
    return [f"{int.from_bytes(data[i:i + 4], 'little'):08x}" for i in range(0, len(data), 4)]


def one(seed, args, work):
    d = os.path.join(work, f"s{seed}")
    os.makedirs(d, exist_ok=True)
    src = os.path.join(d, "prog.S")
    with open(src, "w") as f:
        f.write(gen_program.program(seed, args.length))
    build(src, os.path.join(d, "qemu.elf"), ["-DQEMU"], args.src)
    build(src, os.path.join(d, "vp.elf"), [], args.src)
    q = subprocess.run([args.qemu, os.path.join(d, "qemu.elf")], capture_output=True, timeout=60)
    if q.returncode != 0:
        return f"seed {seed}: qemu failed ({q.returncode}): {q.stderr.decode()[:300]}"
    sig = os.path.join(d, "vp.sig")
    v = subprocess.run([args.vp, "--platform", "bare-rv32", "--quiet", "--elf", os.path.join(d, "vp.elf"),
                        "--signature", sig], capture_output=True, text=True, timeout=60)
    if v.returncode != 0:
        return f"seed {seed}: vp-run failed ({v.returncode}): {v.stderr[:300]}"
    want = words_hex(q.stdout)
    got = open(sig).read().split()
    if want != got:
        diffs = [f"  word {i} ({'x%d' % i if i < 32 else 'membuf+%d' % (4 * (i - 32))}): qemu {a} vp {b}"
                 for i, (a, b) in enumerate(zip(want, got)) if a != b][:8]
        return f"seed {seed}: state differs (program kept in {d}):\n" + "\n".join(diffs)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--vp", required=True)
    ap.add_argument("--src", required=True, help="source tree (for contracts/bare_io_regs.h)")
    ap.add_argument("--qemu", default="qemu-riscv32")
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--length", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--work", default=None, help="keep the programs here")
    args = ap.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="rv-diff-")
    seeds = range(args.first_seed, args.first_seed + args.count)
    with ThreadPoolExecutor(max_workers=args.jobs) as ex:
        errors = [e for e in ex.map(lambda s: one(s, args, work), seeds) if e]
    for e in errors:
        print(e)
    print(f"{args.count - len(errors)}/{args.count} programs agree with qemu (seeds {seeds.start}..{seeds.stop - 1})")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
