#!/usr/bin/env python3
"""One Markdown row per vp-run --stats file of the guideline runs (docs/results.md):
label, clusters used / total (per class on a heterogeneous platform), images/s,
batch latency, area, GOPS/mm2, mJ per batch, TOPS/W, output check.

usage: table.py LABEL=STATS.json ...
"""
import collections
import json
import sys


def row(label, path):
    s = json.load(open(path))
    d, e = s["dataflow"], s["dataflow"]["energy"]
    used = {r["cluster"] for r in d["breakdown"]["clusters"]}
    classes = s["platform"]["cluster"].get("classes") or []
    clusters = f"{d['clusters_used']} / {d['clusters_total']}"
    if classes:
        n = d["clusters_total"]
        cls = [classes[i % len(classes)] for i in range(n)] if s["platform"]["cluster"].get("classes_repeat") else classes
        have, use = collections.Counter(cls), collections.Counter(cls[i] for i in used)
        clusters += " (" + ", ".join(f"{use[c]} {c} of {have[c]}" for c in sorted(have)) + ")"
    check = d["output_check"]
    ok = "bit-exact" if isinstance(check, dict) and check.get("mismatches", 1) == 0 else json.dumps(check)[:40]
    return (f"| {label} | {clusters} | {d['images_per_s']:.1f} | {d['batch_latency_ns'] / 1e6:.2f} ms | "
            f"{e['area_mm2']:.1f} | {e['gops_per_mm2']:.1f} | {e['mj_per_batch']:.2f} | {e['tops_per_w']:.2f} | {ok} |")


def main():
    print("| run | clusters (used / total) | images/s | batch latency | area mm² | GOPS/mm² | mJ per batch | TOPS/W | outputs |")
    print("|---|---|---|---|---|---|---|---|---|")
    for arg in sys.argv[1:]:
        label, path = arg.split("=", 1)
        print(row(label, path))


if __name__ == "__main__":
    main()
