#!/usr/bin/python3
"""Busy fraction of network link channels in a vp-run --vcd file, over a time window: the trace
behind a `busiest_links` statistic (scripts/noc_report.py). A link channel's signal is 1 while a
booking holds it (platform/trace/README.md).

  scripts/link_busy.py w.vcd [--stats s.json] [--from-ns T0 --to-ns T1] [--match l3_]
With --stats the window defaults to the steady state: first to last image done.
"""
import argparse
import json
import re
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("vcd")
    ap.add_argument("--stats", help="the run's --stats: the window is first to last image done")
    ap.add_argument("--from-ns", type=float)
    ap.add_argument("--to-ns", type=float)
    ap.add_argument("--match", default="", help="only links whose name contains this")
    a = ap.parse_args()
    text = open(a.vcd).read()
    if "$enddefinitions $end" not in text:
        sys.exit(f"link_busy: {a.vcd} is not a VCD file")
    head, body = text.split("$enddefinitions $end", 1)
    m = re.search(r"\$timescale\s+(\d+)\s*(ps|ns|us|fs)\s+\$end", head)
    unit_ns = (int(m.group(1)) * {"fs": 1e-6, "ps": 1e-3, "ns": 1.0, "us": 1e3}[m.group(2)]) if m else 1e-3
    names, scope = {}, []
    for line in head.splitlines():
        s = re.match(r"\s*\$scope module (\S+) \$end", line)
        if s:
            scope.append(s.group(1))
        elif line.strip().startswith("$upscope"):
            scope.pop()
        v = re.match(r"\s*\$var wire 1 (\S+) (\S+) \$end", line)
        if v and (scope[-1:] and ("noc" in scope or scope[-1] == "noc_link")):
            name = ".".join(scope + [v.group(2)])
            if a.match in name:
                names[v.group(1)] = name
    t0, t1 = a.from_ns, a.to_ns
    if a.stats:
        done = json.load(open(a.stats))["dataflow"]["image_done_ns"]
        t0 = min(done) if t0 is None else t0
        t1 = max(done) if t1 is None else t1
    high, rose, time = {}, {}, 0.0
    end = None
    for tok in body.splitlines():
        if tok.startswith("#") and tok[1:].isdigit():
            time = int(tok[1:]) * unit_ns
            end = time
            continue
        if len(tok) < 2 or tok[0] not in "01" or tok[1:] not in names:
            continue
        i = tok[1:]
        if tok[0] == "1":
            rose[i] = time
        elif i in rose:
            s, e = rose.pop(i), time
            lo, hi = max(s, t0 if t0 is not None else s), min(e, t1 if t1 is not None else e)
            if hi > lo:
                high[i] = high.get(i, 0.0) + hi - lo
    t0 = 0.0 if t0 is None else t0
    t1 = (end or 0.0) if t1 is None else t1
    span = t1 - t0
    if span <= 0:
        sys.exit("link_busy: empty window")
    rows = sorted(((high.get(i, 0.0) / span, n) for i, n in names.items()), reverse=True)
    print(f"window {t0 / 1e3:.1f} us to {t1 / 1e3:.1f} us ({span / 1e3:.1f} us)\n")
    print("| link channel | busy % |")
    print("|---|---|")
    for f, n in rows:
        print(f"| {n} | {100 * f:.1f} |")


if __name__ == "__main__":
    main()
