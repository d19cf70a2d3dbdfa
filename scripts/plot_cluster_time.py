#!/usr/bin/python3
"""Per-cluster time breakdown from vp-run --stats, as CSV and as a PNG in the
manner of Fig. 5B-D of Bruschi et al.

A dataflow job's stats (vp-run --network ..., a `dataflow` key): one stacked
bar per cluster the mapping uses, ordered by layer: computation (green when
the cluster is analog-bound, red when digital-bound), communication,
synchronization and idle, over the boot (hatched), the average core's time up to the cluster's exit
(definitions: docs/results.md); the time the average core slept is marked.
Any other manycore run: for each cluster, the average core's time split into
active and asleep, and the IMA's busy time beside it.

usage: scripts/plot_cluster_time.py STATS.json OUT.png [--csv OUT.csv] [--skip-boot]
(Debian's python3 with python3-matplotlib; the shebang names /usr/bin/python3.)
"""
import argparse
import csv
import json
import sys


def rows(stats):
    clock = stats["platform"]["clock_hz"]
    for c in stats["results"].get("per_cluster", []):
        cores = c.get("cores", 16) or 1
        active = c["core_active_cycles"] / clock * 1e6 / cores
        asleep = c["core_sleep_cycles"] / clock * 1e6 / cores
        yield {
            "cluster": c["cluster"],
            "core_active_us": active,
            "core_asleep_us": asleep,
            "ima_busy_us": c["ima_compute_ns"] / 1e3,
            "dma_bytes": c["dma_bytes"],
            "instructions": c["instructions"],
            "exit_us": c.get("exit_ns", 0.0) / 1e3,
        }


# The columns of vp-run --breakdown (platform/dataflow_job/job_report.cpp).
DATAFLOW_COLUMNS = ["cluster", "layer", "layer_name", "role", "replica", "bound", "end_ns", "boot_ns", "compute_ns",
                    "ima_wait_ns", "communication_ns", "synchronization_ns", "idle_ns", "asleep_ns", "active_ns",
                    "ima_busy_ns", "images_marked", "dwconv_wait_ns"]


def plot_dataflow(stats, png, skip_boot=False):
    """Fig. 5B-D: a stacked bar per used cluster, in layer order."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    d = stats["dataflow"]
    rows = d["breakdown"]["clusters"]
    x = list(range(len(rows)))
    us = lambda k: [r[k] / 1e3 for r in rows]
    comp = [(r["compute_ns"] + r["ima_wait_ns"] + r.get("dwconv_wait_ns", 0.0)) / 1e3 for r in rows]
    colour = ["#1a9641" if r["bound"] == "analog" else "#d7191c" for r in rows]
    width = max(6.0, min(24.0, len(rows) * 0.05 + 6)) + 2.5  # room for the legend on the right
    fig, ax = plt.subplots(figsize=(width, 4.8))
    bar = 0.85 if len(rows) <= 64 else 1.0
    # The paper programs the weights before the run: --skip-boot starts each bar at the cluster's first mark.
    boot = [0.0] * len(rows) if skip_boot else us("boot_ns")
    if not skip_boot:
        ax.bar(x, boot, width=bar, color="white", edgecolor="#969696", hatch="///", linewidth=0,
               label="boot (role, weights; before the first phase mark)")
    ax.bar(x, comp, width=bar, bottom=boot, color=colour, linewidth=0)
    bottom = [b + c for b, c in zip(boot, comp)]
    for key, c, label in [("communication_ns", "#2c7bb6", "communication"),
                          ("synchronization_ns", "#fdae61", "synchronization"),
                          ("idle_ns", "#d9d9d9", "idle (halted, or after the last phase mark)")]:
        v = us(key)
        ax.bar(x, v, width=bar, bottom=bottom, color=c, linewidth=0, label=label)
        bottom = [b + w for b, w in zip(bottom, v)]
    if not skip_boot:  # the sleep counter includes the boot
        ax.plot(x, us("asleep_ns"), "_" if len(rows) <= 64 else "-", color="black", markersize=6, linewidth=0.8,
                label="asleep (average core; overlaps the bars)")
    from matplotlib.patches import Patch
    handles, labels = ax.get_legend_handles_labels()
    handles = [Patch(color="#1a9641"), Patch(color="#d7191c")] + handles
    labels = ["computation, analog-bound", "computation, digital-bound"] + labels
    ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
    # Layer boundaries: a tick at the first cluster of every layer.
    ticks, names, prev = [], [], None
    for i, r in enumerate(rows):
        if r["layer_name"] != prev:
            ticks.append(i)
            names.append(f"{r['layer_name']} ({r['cluster']})")
            prev = r["layer_name"]
    step = max(1, len(ticks) // 40)
    ax.set_xticks(ticks[::step])
    ax.set_xticklabels(names[::step], rotation=90, fontsize=6)
    ax.set_xlim(-0.5, len(rows) - 0.5)
    ax.set_xlabel("used clusters in layer order (labels: layer (first cluster id))")
    ax.set_ylabel("simulated time (us)")
    rate = d["images_per_s"]
    rate = f"{rate:.0f} images/s" if rate is not None else "images/s n/a"
    ax.set_title(f"{d['network']} on {d['platform']}, {d['mode']} mapping, batch {d['batch']}: "
                 f"{d['clusters_used']} of {d['clusters_total']} clusters, {rate}", fontsize=9)
    fig.tight_layout()
    fig.savefig(png, dpi=120)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("stats")
    ap.add_argument("png")
    ap.add_argument("--csv")
    ap.add_argument("--skip-boot", action="store_true",
                    help="dataflow job: leave the boot (role loading, weight programming) out of the bars")
    a = ap.parse_args()
    try:
        stats = json.load(open(a.stats))
        if "dataflow" in stats:
            data = stats["dataflow"]["breakdown"]["clusters"]
            if not data:
                sys.exit(f"plot_cluster_time: {a.stats}: the mapping uses no cluster")
            if a.csv:
                with open(a.csv, "w", newline="") as f:
                    w = csv.DictWriter(f, fieldnames=DATAFLOW_COLUMNS, extrasaction="ignore", lineterminator="\n")
                    w.writeheader()
                    w.writerows(data)
            plot_dataflow(stats, a.png, a.skip_boot)
            return
        data = list(rows(stats))
    except (OSError, ValueError, KeyError) as e:
        sys.exit(f"plot_cluster_time: {a.stats}: not vp-run --stats output of a manycore run ({e})")
    if not data:
        sys.exit(f"plot_cluster_time: {a.stats}: no clusters ran firmware")
    if a.csv:
        with open(a.csv, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(data[0].keys()))
            w.writeheader()
            w.writerows(data)

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ids = [d["cluster"] for d in data]
    active = [d["core_active_us"] for d in data]
    asleep = [d["core_asleep_us"] for d in data]
    ima = [d["ima_busy_us"] for d in data]
    width = max(6.0, min(24.0, len(ids) * 0.05 + 6))
    fig, ax = plt.subplots(figsize=(width, 4.5))
    ax.bar(ids, active, width=0.8, color="#d95f02", label="cores active (average core)")
    ax.bar(ids, asleep, width=0.8, bottom=active, color="#bdbdbd", label="cores asleep (average core)")
    ax.plot(ids, ima, "o" if len(ids) <= 64 else "-", color="#1b9e77", markersize=3, label="IMA busy (analog MVMs)")
    ax.set_xlabel("cluster")
    ax.set_ylabel("simulated time (us)")
    ax.set_title(f"{stats['platform']['name']}: time per cluster ({len(ids)} clusters)")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(a.png, dpi=120)


if __name__ == "__main__":
    main()
