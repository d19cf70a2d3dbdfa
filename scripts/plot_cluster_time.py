#!/usr/bin/python3
"""Per-cluster time breakdown from vp-run --stats, as CSV and as a PNG in the
manner of Fig. 5B-D of Bruschi et al.: for each cluster, the average core's
time split into active and asleep, and the IMA's busy time beside it.

usage: scripts/plot_cluster_time.py STATS.json OUT.png [--csv OUT.csv]
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


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("stats")
    ap.add_argument("png")
    ap.add_argument("--csv")
    a = ap.parse_args()
    try:
        stats = json.load(open(a.stats))
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
