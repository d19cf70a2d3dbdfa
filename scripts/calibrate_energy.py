#!/usr/bin/python3
"""Calibrate the cores' energy figures on the paper's configuration (docs/energy.md).

The method: run the paper's configuration (vp-run's default job: ResNet-18, batch 16, full
mapping on mpaimc-512, CORE-V cores, unused clusters power-gated), charge its cores' counts
(instructions by class, active and sleeping core-cycles) with the figures before calibration
(Horowitz's 45 nm per-operation energies x 0.2, docs/energy.md): the cores' part C; the rest R
is the batch's energy less the cores' (IMA, HBM, network, L1, DMA, leakage: figures from
published sources, not calibrated). Every core figure is scaled by the one factor k that makes
the batch cost the paper's 15 mJ:  R + k C = 15 mJ.  The counts do not depend on the energy
figures, so one run with any figures (the current ones) gives k exactly.

Prints the arithmetic and the calibrated figures; --write puts them into the schema's defaults
(platform/schema/energy.yaml: every platform of the paper's technology inherits them) and into
mpaimc-512's energy section (platform/configs/mpaimc-512.yaml), where their sources are written.

  scripts/calibrate_energy.py                  # one headline run (minutes), prints k
  scripts/calibrate_energy.py --write          # and updates the two files
  scripts/calibrate_energy.py --stats s.json   # reuse a headline run: build/bin/vp-run --stats s.json
"""
import argparse
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA = os.path.join(ROOT, "platform", "schema", "energy.yaml")
PLATFORM = os.path.join(ROOT, "platform", "configs", "mpaimc-512.yaml")

# The figures before calibration, pJ (docs/energy.md, "Where the defaults come from"): a
# common 10 pJ per instruction plus the class's operation at 45 nm (Horowitz, ISSCC 2014),
# scaled to 5 nm by 0.2; per active and per sleeping core-cycle.
UNCALIBRATED = {
    "core_alu_pj": 2.02, "core_mul_pj": 2.62, "core_div_pj": 2.32, "core_load_pj": 3.0,
    "core_store_pj": 3.0, "core_branch_pj": 2.04, "core_jump_pj": 2.04, "core_csr_pj": 2.1,
    "core_simd_pj": 2.18, "core_hwloop_pj": 2.02,
    "core_active_pj_per_cycle": 0.4, "core_sleep_pj_per_cycle": 0.02,
}
PAPER_MJ_PER_BATCH = 15.0   # Bruschi et al., DATE 2023: 15 mJ for the batch of 16 (section V)


def sig4(x):
    return float(f"{x:.4g}")


def write_schema(figures):
    text = open(SCHEMA).read()
    for key, v in figures.items():
        text, n = re.subn(rf"(\n    {key}:\n(?:      .*\n)*?      default: )[-0-9.e+]+", rf"\g<1>{v}", text)
        if n != 1:
            sys.exit(f"calibrate_energy: {SCHEMA}: no default for energy.{key}")
    open(SCHEMA, "w").write(text)


def write_platform(figures):
    text = open(PLATFORM).read()
    for key, v in figures.items():
        # The number's column and its comment's stay where they are.
        text, n = re.subn(rf"(\n  {key}: *)([-0-9.e+]+)( *)",
                          lambda m: m[1] + f"{v}".ljust(len(m[2]) + len(m[3]) - 1) + (" " if m[3] else ""), text)
        if n != 1:
            sys.exit(f"calibrate_energy: {PLATFORM}: no energy.{key} line")
    open(PLATFORM, "w").write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vp", help="vp-run binary (default BUILD/bin/vp-run)")
    ap.add_argument("--stats", help="use this --stats file of the paper's configuration instead of running")
    ap.add_argument("--target-mj", type=float, default=PAPER_MJ_PER_BATCH, help="energy per batch to land on")
    ap.add_argument("--write", action="store_true", help="write the figures into the schema and mpaimc-512.yaml")
    ap.add_argument("vp_args", nargs="*", help="extra vp-run arguments (after --)")
    a = ap.parse_args()
    if a.stats:
        s = json.load(open(a.stats))
    else:
        build = os.environ.get("BUILD_DIR", os.path.join(ROOT, "build"))
        vp = a.vp or os.path.join(build, "bin", "vp-run")
        if not os.access(vp, os.X_OK):
            sys.exit(f"calibrate_energy: {vp} not found (build first: scripts/build.sh)")
        stats = os.path.join(build, "calibrate_energy.json")
        if os.path.exists(stats):
            os.remove(stats)
        cmd = [vp, "-q", "--stats", stats] + a.vp_args
        print("calibrate_energy: " + " ".join(cmd), file=sys.stderr, flush=True)
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0 or not os.path.exists(stats):
            sys.exit(f"calibrate_energy: vp-run exit {r.returncode}: {r.stderr.strip()}")
        s = json.load(open(stats))
    d, e = s.get("dataflow"), s.get("energy")
    if not d or not e or "mj_per_batch" not in e:
        sys.exit("calibrate_energy: not the stats of a dataflow job with energy figures")
    if d["output_check"]["mismatches"] != 0:
        sys.exit("calibrate_energy: the run's outputs are not bit-exact")
    fig = s["platform"]["energy"]
    ins = e["instructions_by_class"]
    cm = e["cores_mj"]
    cycles = {}
    for part, key in (("active_cycles", "core_active_pj_per_cycle"), ("sleep_cycles", "core_sleep_pj_per_cycle")):
        if fig[key] <= 0:
            sys.exit(f"calibrate_energy: the run has energy.{key} = 0: its cycles cannot be recovered")
        cycles[part] = cm[part] * 1e9 / fig[key]   # mJ / pJ
    total = e["mj_per_batch"]
    rest = total - e["components_mj"]["cores"]
    instr = sum(n * UNCALIBRATED[f"core_{c}_pj"] for c, n in ins.items()) * 1e-9
    cores = (instr + cycles["active_cycles"] * UNCALIBRATED["core_active_pj_per_cycle"] * 1e-9
             + cycles["sleep_cycles"] * UNCALIBRATED["core_sleep_pj_per_cycle"] * 1e-9)
    if cores <= 0 or rest >= a.target_mj:
        sys.exit(f"calibrate_energy: cannot land on {a.target_mj} mJ: the rest alone is {rest:.3f} mJ")
    k = (a.target_mj - rest) / cores
    figures = {key: sig4(v * k) for key, v in UNCALIBRATED.items()}
    paper = (d["network"], d["platform"], d["mode"], d["batch"], s["platform"]["energy"]["unused_clusters"])
    if paper != ("resnet18", "mpaimc-512", "full", 16, "power_gated"):
        print(f"calibrate_energy: warning: not the paper's configuration (resnet18, mpaimc-512, full, 16, "
              f"power_gated): {paper}", file=sys.stderr)
    n = sum(ins.values())
    print(f"run: {d['network']} batch {d['batch']}, {d['mode']} mapping on {d['platform']}, "
          f"{d['clusters_used']} clusters used, {d['batch_latency_ns'] / 1e6:.3f} ms first-in to last-out, "
          f"{d['images_per_s']:.1f} images/s, bit-exact")
    print("instructions by class (M): " + ", ".join(f"{c} {ins[c] / 1e6:.1f}" for c in sorted(ins, key=lambda c: -ins[c]))
          + f"; {n / 1e6:.1f} M in all")
    print(f"before calibration: {rest + cores:.3f} mJ per batch = cores {cores:.3f} mJ (instructions {instr:.3f}, "
          f"{cycles['active_cycles']:.4g} active core-cycles {cycles['active_cycles'] * 0.4e-9:.3f}, "
          f"{cycles['sleep_cycles']:.4g} sleeping {cycles['sleep_cycles'] * 0.02e-9:.3f}) + the rest {rest:.3f} mJ")
    print(f"calibration: {rest:.3f} + {cores:.3f} k = {a.target_mj:g}, k = {k:.4f}")
    print(f"calibrated: {rest + k * cores:.3f} mJ per batch ({(rest + k * cores) / d['batch']:.4f} mJ per image)")
    for key, v in figures.items():
        print(f"  energy.{key}: {v}")
    if a.write:
        write_schema(figures)
        write_platform(figures)
        print(f"calibrate_energy: wrote {os.path.relpath(SCHEMA, ROOT)} and {os.path.relpath(PLATFORM, ROOT)}")


if __name__ == "__main__":
    main()
