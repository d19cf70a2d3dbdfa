#!/usr/bin/python3
"""Accuracy against time of the PCM crossbar (cluster.ima.noise, docs/noise.md): the trained
Fashion-MNIST network (fashion-resnet) on mpaimc-64, N test images, with noise at drift times 1s,
1h, 1d, 1month, 1y, with and without drift compensation, for ADC resolutions 6 and 8 bits, for one
or more noise seeds. Each run is checked bit for bit against the golden model with the same noise;
the figures are its top-1 accuracy against the data set's labels (dataflow.accuracy.top1) beside
the noise-free int8 model's (ideal_top1, same ADC), the top-1 agreement of the final layer's argmax
with the noise-free model, and the last layer's mean |error| in int8 codes.

A network without a data set (--dataset none, e.g. --network resnet-tiny) gives the agreement and
errors only, on a --batch of seeded random images.

Writes OUT/noise_vs_time.csv (a row per run) and, with python3-matplotlib, OUT/noise_vs_time.png
(mean over the seeds, their range as a band).

  scripts/noise_vs_time.py                                   # 20 runs of 200 images, seed 1
  scripts/noise_vs_time.py --seeds 1,2,3 --out docs/noise    # what docs/noise.md shows
  scripts/noise_vs_time.py --from-csv docs/noise/noise_vs_time.csv --out docs/noise   # redraw only
  scripts/noise_vs_time.py --network resnet-tiny --dataset none --batch 4 --times 1s,1y --adc 8
"""
import argparse
import csv
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(vp, args, stats):
    cmd = [vp] + args + ["-q", "--stats", stats]
    print("noise_vs_time: " + " ".join(cmd), file=sys.stderr, flush=True)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0 or not os.path.exists(stats):
        sys.exit(f"noise_vs_time: exit {r.returncode}: {r.stderr.strip()}")
    return json.load(open(stats))


def runs(a, vp, out):
    rows = []
    for comp in a.compensation.split(","):
        if comp not in ("on", "off", "global", "per_crossbar"):
            sys.exit(f"noise_vs_time: --compensation {comp}: not on, off, global or per_crossbar")
    labelled = a.dataset != "none"
    work = ["--dataset", a.dataset, "--images", str(a.images)] if labelled else ["--batch", str(a.batch)]
    seeds = [int(x) for x in a.seeds.split(",")]
    for adc, comp, t, seed in [(adc, comp, t, seed) for adc in [int(b) for b in a.adc.split(",")]
                               for comp in a.compensation.split(",") for t in a.times.split(",") for seed in seeds]:
        stats = os.path.join(out, f"adc{adc}-{comp}-{t}-seed{seed}.json")
        s = run(vp, ["--network", a.network, "--platform", a.platform, *work,
                     "--set", "cluster.ima.noise.enabled=true", "--set", f"cluster.ima.noise.seed={seed}",
                     "--set", f"cluster.ima.noise.drift_time={t}",
                     "--set", f"cluster.ima.noise.compensation={'false' if comp == 'off' else 'true'}",
                     *(["--set", f"cluster.ima.noise.compensation_method={comp}"]
                       if comp in ("global", "per_crossbar") else []),
                     "--set", f"cluster.ima.adc_bits={adc}"], stats)
        d = s["dataflow"]
        if d["output_check"]["mismatches"] != 0:
            sys.exit(f"noise_vs_time: {stats}: outputs differ from the golden model")
        n = d["noise"]
        acc = d.get("accuracy", {})
        if labelled and "top1" not in acc:
            sys.exit(f"noise_vs_time: {stats}: no dataflow.accuracy.top1")
        rows.append({"adc_bits": adc, "compensation": comp, "drift_time": t, "seed": seed,
                     "images": n["images"], "top1": acc.get("top1", ""), "ideal_top1": acc.get("ideal_top1", ""),
                     "top1_agreement": n["top1_agreement"],
                     "last_layer_mean_abs_error": n["last_layer_mean_abs_error"],
                     "last_layer_max_abs_error": n["last_layer_max_abs_error"]})
    with open(os.path.join(out, "noise_vs_time.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return rows, labelled, seeds


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--network", default="fashion-resnet")
    ap.add_argument("--dataset", default="fashion-mnist", help="vp-run --dataset, or none")
    ap.add_argument("--images", type=int, default=200, help="test images (with a data set)")
    ap.add_argument("--batch", type=int, default=4, help="random images (without a data set)")
    ap.add_argument("--platform", default="mpaimc-64")
    ap.add_argument("--times", default="1s,1h,1d,1month,1y")
    ap.add_argument("--adc", default="6,8", help="ADC resolutions in bits")
    ap.add_argument("--compensation", default="on,off",
                    help="drift compensations to run: on (the platform's method, per_crossbar by default), "
                         "per_crossbar, global, off")
    ap.add_argument("--seeds", default="1", help="cluster.ima.noise.seed values, comma separated")
    ap.add_argument("--out", help="output folder (default BUILD/noise-vs-time)")
    ap.add_argument("--vp", help="vp-run binary (default BUILD/bin/vp-run)")
    ap.add_argument("--from-csv", help="no runs: print the table and draw the PNG (into --out) from this CSV")
    a = ap.parse_args()
    build = os.environ.get("BUILD_DIR", os.path.join(ROOT, "build"))
    vp = a.vp or os.path.join(build, "bin", "vp-run")
    out = a.out or os.path.join(build, "noise-vs-time")
    if not a.from_csv and not os.access(vp, os.X_OK):
        sys.exit(f"noise_vs_time: {vp} not found (build first: scripts/build.sh)")
    os.makedirs(out, exist_ok=True)
    if a.from_csv:
        rows = list(csv.DictReader(open(a.from_csv)))
        if not rows:
            sys.exit(f"noise_vs_time: {a.from_csv}: no rows")
        for r in rows:
            r["adc_bits"] = int(r["adc_bits"])
        labelled = rows[0]["top1"] != ""
        seeds = list(dict.fromkeys(r["seed"] for r in rows))
        times = list(dict.fromkeys(r["drift_time"] for r in rows))
        comps = list(dict.fromkeys(r["compensation"] for r in rows))
    else:
        rows, labelled, seeds = runs(a, vp, out)
        times, comps = a.times.split(","), a.compensation.split(",")
    groups = {}
    for r in rows:
        groups.setdefault((r["adc_bits"], r["compensation"], r["drift_time"]), []).append(r)

    def mean(key, rs):
        return sum(float(r[key]) for r in rs) / len(rs)

    cols = ["ADC bits", "compensation", "drift time"] + (["top-1 (%)", "noise-free top-1 (%)"] if labelled else []) \
        + ["top-1 agreement (%)", "last layer mean abs error"]
    print(f"{len(seeds)} seed(s), {rows[0]['images']} images per run; mean over the seeds"
          + (" (min-max of top-1 in brackets)" if labelled and len(seeds) > 1 else ""))
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for (adc, comp, t), rs in groups.items():
        cells = [str(adc), comp, t]
        if labelled:
            top = [100 * float(r["top1"]) for r in rs]
            cells += [f"{sum(top) / len(top):.1f}" + (f" ({min(top):.1f}-{max(top):.1f})" if len(rs) > 1 else ""),
                      f"{100 * mean('ideal_top1', rs):.1f}"]
        cells += [f"{100 * mean('top1_agreement', rs):.1f}", f"{mean('last_layer_mean_abs_error', rs):.2f}"]
        print("| " + " | ".join(cells) + " |")
    try:
        import matplotlib
    except ImportError:
        print("noise_vs_time: python3-matplotlib missing: no PNG", file=sys.stderr)
        return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.3))
    key, name = ("top1", "top-1 accuracy (%)") if labelled else ("top1_agreement", "top-1 agreement with the noise-free model (%)")
    for i, adc in enumerate(sorted({r["adc_bits"] for r in rows})):
        for comp in comps:
            if any((adc, comp, t) not in groups for t in times):
                continue   # not run for this ADC (a CSV of several sweeps)
            gs = [groups[(adc, comp, t)] for t in times]
            label = f"ADC {adc} bits, compensation {comp}"
            y = [100 * mean(key, g) for g in gs]
            line, = ax1.plot(range(len(times)), y, marker="o", label=label)
            if len(seeds) > 1:
                ax1.fill_between(range(len(times)), [100 * min(float(r[key]) for r in g) for g in gs],
                                 [100 * max(float(r[key]) for r in g) for g in gs], color=line.get_color(), alpha=0.12)
            ax2.plot(range(len(times)), [mean("last_layer_mean_abs_error", g) for g in gs], marker="o", label=label)
        if labelled:
            ax1.axhline(100 * mean("ideal_top1", [r for r in rows if r["adc_bits"] == adc]), ls="--", lw=1,
                        color=f"C{7 + i}", label=f"noise-free int8 model, ADC {adc} bits")
    for ax, yl in ((ax1, name), (ax2, "last layer mean |error| (int8 codes)")):
        ax.set_xticks(range(len(times)))
        ax.set_xticklabels(times)
        ax.set_xlabel("drift time after t0")
        ax.set_ylabel(yl)
        ax.grid(alpha=0.3)
    ax1.set_ylim(0, max(100 * float(r[key if not labelled else "ideal_top1"]) for r in rows) + 8)
    ax1.legend(fontsize=7)
    what = f"{rows[0]['images']} images" + (f" of {a.dataset}" if labelled else "")
    fig.suptitle(f"{a.network} on {a.platform}, {what}, PCM noise (aihwkit model), "
                 f"{len(seeds)} seed(s)" + (": mean and range" if len(seeds) > 1 else ""))
    fig.tight_layout()
    fig.savefig(os.path.join(out, "noise_vs_time.png"), dpi=110)


if __name__ == "__main__":
    main()
