#!/usr/bin/python3
"""Where a dataflow run's network time goes, from vp-run --stats files: per level of the AXI tree
the traffic, the summed waits and the busiest link channels (booked time / run time), and per
layer the clusters' mean communication and synchronization time. Several files are printed side
by side (e.g. the same job on two platforms or latency modes).

  scripts/noc_report.py build/fig5a-mpaimc-512-gvsoc/replicate.json build/fig5a-mpaimc-512-gvsoc/full.json
"""
import json
import sys
from collections import OrderedDict


def load(path):
    s = json.load(open(path))
    d, noc = s.get("dataflow", {}), s.get("results", {}).get("noc", {})
    if not noc:
        sys.exit(f"noc_report: {path} has no network statistics")
    return s, d, noc


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        sys.exit(0 if len(sys.argv) > 1 else 2)
    runs = [(p, *load(p)) for p in sys.argv[1:]]
    for path, s, d, noc in runs:
        print(f"## {path}: {d.get('network')} {d.get('mode')} on {d.get('platform')}, "
              f"{d.get('images_per_s', 0) or 0:.0f} images/s, simulated {s.get('simulated_ns', 0) / 1e6:.3f} ms\n")
        print("| level | transactions | MB | mean burst (B) | summed waits (Mcycles) | busiest link channels (busy % of the run) |")
        print("|---|---|---|---|---|---|")
        for l in noc["levels"]:
            busiest = ", ".join(f"{b['link']} {b['channel']} {100 * b['busy_fraction']:.1f} %" for b in l.get("busiest_links", []))
            mean = l["bytes"] / l["transactions"] if l["transactions"] else 0
            print(f"| {l['level']} | {l['transactions']} | {l['bytes'] / 1e6:.1f} | {mean:.0f} | "
                  f"{l['contention_cycles'] / 1e6:.1f} | {busiest} |")
        h = noc["hbm"]
        print(f"| HBM | {h['reads'] + h['writes']} | {(h['bytes_read'] + h['bytes_written']) / 1e6:.1f} | | "
              f"{h['contention_cycles'] / 1e6:.1f} | |\n")
    # Per layer, the mean per cluster over its clusters, one column pair per run.
    tables = []
    for path, s, d, noc in runs:
        t = OrderedDict()
        for c in d.get("breakdown", {}).get("clusters", []):
            t.setdefault(c["layer_name"], []).append(c)
        tables.append(t)
    layers = list(OrderedDict.fromkeys(k for t in tables for k in t))
    head = " | ".join(f"run {i + 1} comm. us | run {i + 1} sync. us" for i in range(len(runs)))
    print("Per layer, mean per cluster: " + ", ".join(f"run {i + 1} = {p}" for i, (p, *_ ) in enumerate(runs)) + "\n")
    print(f"| layer | clusters | {head} |")
    print("|---|---|" + "---|---|" * len(runs))
    for name in layers:
        cells = []
        n = max(len(t.get(name, [])) for t in tables)
        for t in tables:
            cs = t.get(name, [])
            if cs:
                cells += [f"{sum(c['communication_ns'] for c in cs) / len(cs) / 1e3:.0f}",
                          f"{sum(c['synchronization_ns'] for c in cs) / len(cs) / 1e3:.0f}"]
            else:
                cells += ["-", "-"]
        print(f"| {name} | {n} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
