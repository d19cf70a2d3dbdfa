#!/usr/bin/python3
"""The HBM bandwidth crossover (issue 15): from which root-link bandwidth keeping the residuals
on chip pays. Sweeps the root link's width (noc.width_bytes.0: the root node's links, towards the
HBM) and the latency mode of every level for the `replicate` mapping (residuals in HBM rings) and
`full` (residuals in free clusters' L1); one vp-run dataflow job per point.

Writes OUT/crossover.csv (one row per point), OUT/crossover.md (table), OUT/crossover.png and the
runs' stats OUT/<mapping>-<mode>-<width>.json.

  scripts/hbm_crossover.py                                   # resnet18 on mpaimc-512-gvsoc, 20 runs
  scripts/hbm_crossover.py --network resnet-tiny --platform mpaimc-64 --widths 8,64
"""
import argparse
import csv
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--network", default="resnet18")
    ap.add_argument("--platform", default="mpaimc-512-gvsoc")
    ap.add_argument("--widths", default="4,8,16,32,64", help="root-link widths, bytes/cycle")
    ap.add_argument("--modes", default="pipelined,serialized", help="latency modes (all levels)")
    ap.add_argument("--mappings", default="replicate,full")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--out", help="output folder (default BUILD/crossover-PLATFORM)")
    ap.add_argument("--vp", help="vp-run binary (default BUILD/bin/vp-run)")
    ap.add_argument("--reuse", action="store_true", help="keep the stats of points already run")
    a = ap.parse_args()
    build = os.environ.get("BUILD_DIR", os.path.join(ROOT, "build"))
    vp = a.vp or os.path.join(build, "bin", "vp-run")
    out = a.out or os.path.join(build, "crossover-" + os.path.basename(a.platform).replace(".yaml", ""))
    if not os.access(vp, os.X_OK):
        sys.exit(f"hbm_crossover: {vp} not found (build first: scripts/build.sh)")
    widths = [int(w) for w in a.widths.split(",")]
    modes = a.modes.split(",")
    mappings = a.mappings.split(",")
    for m in modes:
        if m not in ("pipelined", "serialized"):
            sys.exit(f"hbm_crossover: unknown latency mode '{m}'")
    # The number of levels, for one latency-mode word per level.
    plat = subprocess.run([vp, "--platform", a.platform, "--print-platform"], capture_output=True, text=True)
    if plat.returncode != 0:
        sys.exit(f"hbm_crossover: {plat.stderr.strip()}")
    import yaml
    levels = len(yaml.safe_load(plat.stdout)["noc"]["levels"])
    os.makedirs(out, exist_ok=True)

    rows = []
    for mapping in mappings:
        for mode in modes:
            for w in widths:
                stats = os.path.join(out, f"{mapping}-{mode}-{w}.json")
                sets = [f"noc.width_bytes.0={w}", "noc.latency_mode=[" + ",".join([mode] * levels) + "]"]
                cmd = [vp, "--network", a.network, "--platform", a.platform, "--mapping-mode", mapping,
                       "--batch", str(a.batch), "-q", "--stats", stats]
                for s in sets:
                    cmd += ["--set", s]
                if not (a.reuse and os.path.exists(stats)):
                    print("hbm_crossover: " + " ".join(cmd), file=sys.stderr, flush=True)
                    r = subprocess.run(cmd, capture_output=True, text=True)
                    if r.returncode == 2:  # usage error: no stats written
                        sys.exit(r.stderr.strip())
                    if r.returncode != 0:
                        print(f"hbm_crossover: {mapping} {mode} {w}: exit {r.returncode}: "
                              f"{(r.stderr.strip().splitlines() or [''])[0]}", file=sys.stderr)
                s = json.load(open(stats))
                d = s.get("dataflow", {})
                noc = s.get("results", {}).get("noc", {})
                root = (noc.get("levels") or [{}])[0]
                hbm = noc.get("hbm", {})
                check = d.get("output_check", {})
                rows.append({"network": a.network, "platform": a.platform, "mapping": mapping,
                             "latency_mode": mode, "root_width_bytes": w, "status": s.get("status"),
                             "images_per_s": d.get("images_per_s"), "clusters_used": d.get("clusters_used"),
                             "mismatches": check.get("mismatches") if isinstance(check, dict) else None,
                             "hbm_bytes": (hbm.get("bytes_read", 0) + hbm.get("bytes_written", 0)) if hbm else None,
                             "root_contention_cycles": root.get("contention_cycles"),
                             "simulated_ns": s.get("simulated_ns")})

    fields = list(rows[0].keys())
    with open(os.path.join(out, "crossover.csv"), "w", newline="") as f:
        wr = csv.DictWriter(f, fieldnames=fields)
        wr.writeheader()
        wr.writerows(rows)

    def rate(mapping, mode, w):
        for r in rows:
            if (r["mapping"], r["latency_mode"], r["root_width_bytes"]) == (mapping, mode, w):
                return r["images_per_s"]
        return None

    fmt = lambda v: "n/a" if v is None else f"{v:.0f}"
    head = f"HBM crossover: {a.network} on {a.platform}, batch {a.batch}, root-link width swept (scripts/hbm_crossover.py)"
    cols = [f"{m} {mode}" for mode in modes for m in mappings]
    lines = [head, "", "| root link (B/cycle) | " + " | ".join(c + " images/s" for c in cols) +
             (" | " + " | ".join(f"full / replicate, {mode}" for mode in modes) if set(mappings) >= {"full", "replicate"} else "") + " |",
             "|---" * (1 + len(cols) + (len(modes) if set(mappings) >= {"full", "replicate"} else 0)) + "|"]
    for w in widths:
        cells = [fmt(rate(m, mode, w)) for mode in modes for m in mappings]
        if set(mappings) >= {"full", "replicate"}:
            for mode in modes:
                f, r = rate("full", mode, w), rate("replicate", mode, w)
                cells.append("n/a" if not f or not r else f"{f / r:.2f}x")
        lines.append(f"| {w} | " + " | ".join(cells) + " |")
    text = "\n".join(lines) + "\n"
    open(os.path.join(out, "crossover.md"), "w").write(text)
    print(text, end="")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    colors = {"replicate": "#d7191c", "full": "#2c7bb6"}
    styles = {"pipelined": "-", "serialized": "--"}
    for m in mappings:
        for mode in modes:
            ys = [rate(m, mode, w) for w in widths]
            pts = [(w, y) for w, y in zip(widths, ys) if y is not None]
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], styles.get(mode, ":"), marker="o",
                        color=colors.get(m), label=f"{m} ({'residuals in HBM' if m == 'replicate' else 'residuals in L1' if m == 'full' else m}), {mode}")
    ax.set_xscale("log", base=2)
    ax.set_xticks(widths)
    ax.set_xticklabels([str(w) for w in widths])
    ax.set_xlabel("root link (to the HBM), bytes/cycle")
    ax.set_ylabel("images/s (steady state)")
    ax.set_title(f"{a.network} on {a.platform}, batch {a.batch}", fontsize=9)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "crossover.png"), dpi=120)


if __name__ == "__main__":
    main()
