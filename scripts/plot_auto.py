#!/usr/bin/python3
"""The iterations of vp-run --mapping-mode auto (its --stats, `dataflow.auto`) as a PNG:
per run, the measured images/s beside the calibrated cost model's, with the clusters
used and the bottleneck stage; the run kept marked (docs/dataflow.md, "Mode auto").

usage: scripts/plot_auto.py STATS.json OUT.png
(Debian's python3 with python3-matplotlib.)
"""
import json
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-2])
    stats = json.load(open(sys.argv[1]))
    d = stats.get("dataflow", {})
    a = d.get("auto")
    if not a or not a.get("iterations"):
        sys.exit(f"{sys.argv[1]}: no auto iterations (the --stats of vp-run --mapping-mode auto)")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    its = [i for i in a["iterations"] if not i.get("failed")]
    x = [i["iteration"] for i in its]
    measured = [i["images_per_s"] for i in its]
    model = [i["cost_model_images_per_s"] for i in its]
    fig, ax = plt.subplots(figsize=(7, 4))
    w = 0.38
    ax.bar([v - w / 2 for v in x], measured, w, color="#55a868", label="measured (VP)")
    ax.bar([v + w / 2 for v in x], model, w, color="#bbbbbb", label="cost model (calibrated by the runs before)")
    for i, it in enumerate(its):
        kept = " (kept)" if it["iteration"] == a["kept"] else ""
        ax.text(x[i] - w / 2, measured[i], f"{measured[i]:.0f}{kept}\n{it['clusters_used']} clusters\n"
                f"{it['batch_latency_ns'] * 1e-6:.2f} ms\n{it['bottleneck']}", ha="center", va="bottom", fontsize=7)
    ax.set_xticks(x, [f"run {v}" for v in x])
    ax.set_ylabel("images/s")
    ax.set_ylim(0, 1.35 * max(measured + model))
    ax.set_title(f"{d['network']} batch {d['batch']} on {d['platform']}: --mapping-mode auto", fontsize=10)
    ax.legend(loc="upper right", fontsize=7)
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=110)


if __name__ == "__main__":
    main()
