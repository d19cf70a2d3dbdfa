#!/usr/bin/python3
"""Fig. 6 of Bruschi et al. from runs: where the throughput goes between the analog peak and the
measured rate. Steps, in images/s of the network:

  peak, all clusters    every cluster's IMA doing one MVM (rows x cols MACs) per mvm_ns
  peak, clusters used   the same for the clusters the mapping uses       (loss: clusters left unused)
  ideal stage balance   the mapper's cost model (slowest stage, no network; loss: static mapping)
  ideal interconnect    a run with zero latency and 4 KiB/cycle at every level and the HBM
                        (loss: executing the self-timed pipeline: coupling, synchronization, digital work)
  measured              the run on the platform as it is                 (loss: topology and communication)

Writes OUT/fig6.md, OUT/fig6.csv, OUT/fig6.png (waterfall) and the runs' stats
OUT/{real,ideal}.json.

  scripts/fig6.py                                          # resnet18, full, mpaimc-512: two runs
  scripts/fig6.py --platform mpaimc-512-gvsoc --real build/fig5a-mpaimc-512-gvsoc/full.json
"""
import argparse
import csv
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The network with no cost: 4 KiB per cycle is the schema's largest width.
IDEAL_WIDTH, IDEAL_HBM_RATE = 4096, 65536


def run(vp, args, stats, sets):
    cmd = [vp] + args + ["-q", "--stats", stats]
    for s in sets:
        cmd += ["--set", s]
    print("fig6: " + " ".join(cmd), file=sys.stderr, flush=True)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode == 2 or not os.path.exists(stats):
        sys.exit(f"fig6: {r.stderr.strip()}")
    if r.returncode != 0:
        print(f"fig6: exit {r.returncode}: {(r.stderr.strip().splitlines() or [''])[0]}", file=sys.stderr)
    return json.load(open(stats))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--network", default="resnet18")
    ap.add_argument("--platform", default="mpaimc-512")
    ap.add_argument("--mode", default="full", help="mapping mode")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--real", help="stats of the measured run to reuse (same network, platform, mode, batch)")
    ap.add_argument("--ideal", help="stats of the ideal-interconnect run to reuse (a previous OUT/ideal.json)")
    ap.add_argument("--out", help="output folder (default BUILD/fig6-PLATFORM)")
    ap.add_argument("--vp", help="vp-run binary (default BUILD/bin/vp-run)")
    a = ap.parse_args()
    build = os.environ.get("BUILD_DIR", os.path.join(ROOT, "build"))
    vp = a.vp or os.path.join(build, "bin", "vp-run")
    out = a.out or os.path.join(build, "fig6-" + os.path.basename(a.platform).replace(".yaml", ""))
    if not os.access(vp, os.X_OK):
        sys.exit(f"fig6: {vp} not found (build first: scripts/build.sh)")
    plat = subprocess.run([vp, "--platform", a.platform, "--print-platform"], capture_output=True, text=True)
    if plat.returncode != 0:
        sys.exit(f"fig6: {plat.stderr.strip()}")
    import yaml
    p = yaml.safe_load(plat.stdout)
    levels = len(p["noc"]["levels"])
    ima = p["cluster"]["ima"]
    clusters_total = int(p["cluster"]["count"])
    os.makedirs(out, exist_ok=True)

    job = ["--network", a.network, "--platform", a.platform, "--mapping-mode", a.mode, "--batch", str(a.batch)]
    real = json.load(open(a.real)) if a.real else run(vp, job, os.path.join(out, "real.json"), [])
    ideal_sets = [f"noc.latency_cycles=[{','.join(['0'] * levels)}]",
                  f"noc.width_bytes=[{','.join([str(IDEAL_WIDTH)] * levels)}]",
                  f"noc.latency_mode=[{','.join(['pipelined'] * levels)}]",
                  "hbm.latency_cycles=0", f"hbm.bandwidth_bytes_per_cycle={IDEAL_HBM_RATE}"]
    ideal = json.load(open(a.ideal)) if a.ideal else run(vp, job, os.path.join(out, "ideal.json"), ideal_sets)
    rd, idl = real.get("dataflow", {}), ideal.get("dataflow", {})
    for name, d in (("measured", rd), ("ideal interconnect", idl)):
        if d.get("mode") != a.mode or d.get("images_per_s") is None:
            sys.exit(f"fig6: the {name} run has no rate for mode {a.mode}: {d.get('images_per_s_note', 'no dataflow stats')}")

    macs = float(rd["macs_per_image"])
    per_ima = ima["rows"] * ima["cols"] / (ima["mvm_ns"] * 1e-9)  # MACs per second of one IMA
    used = int(rd["clusters_used"])
    steps = [
        ("peak, all clusters", clusters_total * per_ima / macs, f"{clusters_total} IMAs x {ima['rows']}x{ima['cols']} MACs / {ima['mvm_ns']} ns"),
        ("peak, clusters used", used * per_ima / macs, f"{used} of {clusters_total} clusters hold the mapping"),
        ("ideal stage balance", float(rd["cost_model_images_per_s"]), "the mapper's cost model: slowest stage, no network"),
        ("ideal interconnect", float(idl["images_per_s"]), "run: zero latency, 4 KiB/cycle links and HBM"),
        ("measured", float(rd["images_per_s"]), f"run on {a.platform}"),
    ]
    losses = ["", "clusters left unused", "static mapping (crossbar fill, stage imbalance)",
              "executing the pipeline (coupling, sync, digital work)", "topology and communication"]
    rows = []
    for i, (name, rate, how) in enumerate(steps):
        prev = steps[i - 1][1] if i else None
        rows.append({"step": name, "images_per_s": rate, "loss_vs_previous": losses[i],
                     "factor_vs_previous": prev / rate if prev else None,
                     "fraction_of_peak": rate / steps[0][1], "how": how})
    with open(os.path.join(out, "fig6.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    lines = [f"Fig. 6: {a.network}, {a.mode} mapping, batch {a.batch} on {a.platform} (scripts/fig6.py --network {a.network} --platform {a.platform})", "",
             "| step | images/s | x lost vs previous | lost to | % of peak | how |", "|---|---|---|---|---|---|"]
    for r in rows:
        fac = "" if r["factor_vs_previous"] is None else f"{r['factor_vs_previous']:.2f}x"
        lines.append(f"| {r['step']} | {r['images_per_s']:.0f} | {fac} | {r['loss_vs_previous']} | "
                     f"{100 * r['fraction_of_peak']:.2f} | {r['how']} |")
    text = "\n".join(lines) + "\n"
    open(os.path.join(out, "fig6.md"), "w").write(text)
    print(text, end="")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7.2, 4.2))
    names = [r["step"] for r in rows]
    vals = [r["images_per_s"] for r in rows]
    for i, v in enumerate(vals):
        # What is left, and the drop from the previous step above it.
        ax.bar(i, v, color="#2c7bb6" if i in (0, len(vals) - 1) else "#abd9e9")
        if i:
            ax.bar(i, max(vals[i - 1] - v, 0), bottom=v, color="#d7191c", alpha=0.6)
        ax.text(i, v, f"{v:.0f}", ha="center", va="bottom", fontsize=7)
    ax.set_yscale("log")
    ax.set_ylim(bottom=min(vals) / 2)
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels([n.replace(", ", ",\n").replace(" ", "\n", 1) for n in names], fontsize=7)
    ax.set_ylabel("images/s (log)")
    ax.set_title(f"{a.network}, {a.mode}, batch {a.batch} on {a.platform}: red = lost at that step", fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "fig6.png"), dpi=120)


if __name__ == "__main__":
    main()
