#!/usr/bin/python3
"""The MobileNetV2 bottleneck layer on hetero-cluster-8 in its three versions (firmware/bottleneck/:
all on the 8 cores; IMA + cores; IMA + depthwise accelerator), beside Garofalo et al. (JETCAS 2022):
11.5x faster and 9.5x more energy-efficient than the cores alone.

Runs build/firmware/bottleneck_{setup,cores,ima,dwconv}.elf with vp-run; each version checks its
output bit for bit against the host reference (exit code 0). Cycles are the layer's (timed by the
firmware); energy is the run's (energy model, docs/energy.md) less the setup program's (copying the
data into L1 and programming the crossbar, the same in every version). Prints a Markdown table.

  scripts/bottleneck.py [--build build] [--set KEY=VALUE ...]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINE = re.compile(r"bottleneck (\S+): (\d+) cores, (\d+) cycles \(expansion (\d+), depthwise (\d+), projection (\d+)\), "
                  r"mismatches (\d+)")


def run(build, name, sets, tmp):
    vp = os.path.join(build, "bin", "vp-run")
    elf = os.path.join(build, "firmware", f"bottleneck_{name}.elf")
    stats = os.path.join(tmp, name + ".json")
    cmd = [vp, "-q", "--platform", "hetero-cluster-8", "--elf", elf, "--stats", stats]
    for s in sets:
        cmd += ["--set", s]
    print("bottleneck: " + " ".join(cmd), file=sys.stderr, flush=True)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"bottleneck: {name} failed (exit {r.returncode}):\n{r.stdout}{r.stderr}")
    with open(stats) as f:
        energy = json.load(f)["energy"]
    m = LINE.search(r.stdout)
    if name != "setup" and not m:
        sys.exit(f"bottleneck: {name}: no result line in its output:\n{r.stdout}")
    return m, energy


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--set", action="append", default=[], help="platform override passed to vp-run")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        _, setup = run(a.build, "setup", a.set, tmp)
        rows = [(n,) + run(a.build, n, a.set, tmp) for n in ("cores", "ima", "dwconv")]
    base_cycles = int(rows[0][1].group(3))
    base_uj = (rows[0][2]["total_mj"] - setup["total_mj"]) * 1e3
    print("| version | cycles | expansion | depthwise | projection | speed-up | energy (uJ) | of which cores / IMA / "
          "dwconv | energy gain | output |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, m, e in rows:
        cycles = int(m.group(3))
        uj = (e["total_mj"] - setup["total_mj"]) * 1e3
        c = e["components_mj"]
        parts = " / ".join(f"{c[k] * 1e3:.1f}" for k in ("cores", "ima", "dwconv"))
        check = "bit-exact" if m.group(7) == "0" else f"{m.group(7)} mismatches"
        print(f"| {m.group(1)} | {cycles:,} | {int(m.group(4)):,} | {int(m.group(5)):,} | {int(m.group(6)):,} | "
              f"{base_cycles / cycles:.2f}x | {uj:.1f} | {parts} | {base_uj / uj:.2f}x | {check} |")
    print(f"\nsetup program (subtracted): {setup['total_mj'] * 1e3:.2f} uJ; paper: 11.5x faster, 9.5x more "
          "energy-efficient (IMA + depthwise accelerator against the cores)")


if __name__ == "__main__":
    main()
