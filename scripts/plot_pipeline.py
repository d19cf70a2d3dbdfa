#!/usr/bin/python3
"""The pipeline diagnosis of a dataflow run (vp-run --stats, `dataflow.pipeline`) as a PNG:
one bar per stage, in pipeline order, its core 0's time after the boot split into
busy, waiting for producers and waiting for consumers' credit; beside it the
verdict and the busy time per image, with the slowest replica's (and its cluster)
when the stage has several, since that one sets the stage's pace; the bottleneck
and the critical chain marked (docs/dataflow.md, "Where the time goes").

usage: scripts/plot_pipeline.py STATS.json OUT.png
(Debian's python3 with python3-matplotlib.)
"""
import json
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-2])
    stats = json.load(open(sys.argv[1]))
    p = stats.get("dataflow", {}).get("pipeline")
    if not p or not p.get("stages"):
        sys.exit(f"{sys.argv[1]}: no pipeline diagnosis (a dataflow job's --stats)")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    stages = p["stages"]
    names = [f"{s['stage']} ({s['clusters']})" for s in stages]
    busy = [100 * s["busy_share"] for s in stages]
    wi = [100 * s["wait_input_share"] for s in stages]
    wc = [100 * s["wait_credit_share"] for s in stages]
    fig, ax = plt.subplots(figsize=(12, 0.35 * len(stages) + 1.6))
    y = range(len(stages))
    ax.barh(y, busy, color="#55a868", label="busy (compute, IMA, DMA, own barriers)")
    ax.barh(y, wi, left=busy, color="#4c72b0", label="waiting for producers")
    ax.barh(y, wc, left=[b + i for b, i in zip(busy, wi)], color="#c44e52", label="waiting for consumers' credit")
    chain = set(p["critical_chain"])
    for i, s in enumerate(stages):
        mark = "  (critical chain)" if s["stage"] in chain and s["stage"] != p["bottleneck"] else ""
        busy_us = f"{s['measured_ns'] / 1e3:.1f} us"
        if s["clusters"] > 1 and "max_measured_ns" in s:
            busy_us += f", slowest replica {s['max_measured_ns'] / 1e3:.1f} (cluster {s['slowest_cluster']})"
        ax.text(101, i, f"{s['verdict']}, busy {busy_us}{mark}", va="center", fontsize=7)
    ax.set_yticks(list(y), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 175)
    ax.set_xticks(range(0, 101, 20))
    ax.set_xlabel("% of core 0's time after its boot (busy per image: mean over the stage's replicas)")
    d = stats["dataflow"]
    ax.set_title(f"{d['network']} ({d['mode']}) on {d['platform']}: bottleneck {p['bottleneck']}", fontsize=10)
    ax.legend(loc="lower right", fontsize=7)
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=110)


if __name__ == "__main__":
    main()
