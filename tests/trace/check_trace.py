"""Checks a --timeline JSON and a --vcd file against the run's --stats.

usage: check_trace.py STATS TIMELINE VCD CLUSTERS   (CLUSTERS: first-last traced)
"""
import json
import re
import sys

stats_path, timeline_path, vcd_path, sel = sys.argv[1:5]
first, last = (int(x) for x in sel.split("-"))
traced = set(range(first, last + 1))
stats = json.load(open(stats_path))["results"]
per = {c["cluster"]: c for c in stats["per_cluster"]}
cores = per[first]["cores"]
events = json.load(open(timeline_path))["traceEvents"]

names = {e["pid"]: e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "process_name"}
assert set(names) == traced, f"processes {sorted(names)}, wanted {sorted(traced)}"
assert all(names[c] == f"cluster {c}" for c in traced), names
for e in events:
    assert e["pid"] in traced, f"event of an untraced cluster: {e}"
    if e["ph"] == "X":
        assert e["dur"] >= 0 and e["ts"] >= 0, e

for c in sorted(traced):
    s = per[c]
    spans = [e for e in events if e["pid"] == c and e["ph"] == "X"]
    mvm = [e for e in spans if e["name"] == "MVM"]
    seqs = [e for e in spans if "jobs" in e.get("args", {})]
    dma = [e for e in spans if "bytes" in e.get("args", {})]
    # Crossbar spans are the jobs the IMA computed: their count and total
    # duration are the statistics' (1 ps per job of rounding allowed).
    assert len(mvm) == s["ima_jobs"] > 0, (c, len(mvm), s["ima_jobs"])
    total_ns = sum(e["dur"] for e in mvm) * 1e3
    assert abs(total_ns - s["ima_compute_ns"]) <= 1e-3 * len(mvm), (c, total_ns, s["ima_compute_ns"])
    assert sum(e["args"]["jobs"] for e in seqs) == s["ima_jobs"], c
    # A sequence spans at least its jobs' crossbar time.
    assert sum(e["dur"] for e in seqs) * 1e3 >= total_ns / 2, c
    assert len(dma) == s["dma_transfers"] > 0, (c, len(dma), s["dma_transfers"])
    assert sum(e["args"]["bytes"] for e in dma) == s["dma_bytes"], c
    core_spans = [e for e in spans if e["tid"] < cores]
    assert core_spans, f"cluster {c}: no core phase spans"
    # Core spans of one core never overlap.
    for k in range(cores):
        ks = sorted((e["ts"], e["ts"] + e["dur"]) for e in core_spans if e["tid"] == k)
        assert all(a[1] <= b[0] + 1e-9 for a, b in zip(ks, ks[1:])), (c, k)

# VCD: the declared signals, and each IMA/DMA busy rises and falls.
text = open(vcd_path).read()
head, body = text.split("$enddefinitions $end", 1)
ids = {}
scope = []
for line in head.splitlines():
    m = re.match(r"\$scope module (\S+) \$end", line)
    if m:
        scope.append(m.group(1))
    elif line.startswith("$upscope"):
        scope.pop()
    m = re.match(r"\$var wire (\d+) (\S+) (\S+) \$end", line)
    if m:
        ids[".".join(scope + [m.group(3)])] = m.group(2)
want = set()
for c in traced:
    want |= {f"soc.cluster_{c}.ima_busy", f"soc.cluster_{c}.dma_busy"}
    want |= {f"soc.cluster_{c}.core_{k}_state" for k in range(cores)}
assert set(ids) == want, f"signals {sorted(set(ids) ^ want)} differ"
changes = {}
time = 0
last_time = -1
for tok in body.split("\n"):
    if tok.startswith("#"):
        time = int(tok[1:])
        assert time > last_time, f"time goes back at {tok}"
        last_time = time
    elif re.match(r"^[01][!-~]+$", tok):
        changes.setdefault(tok[1:], []).append(tok[0])
    elif tok.startswith("b"):
        v, i = tok[1:].split()
        changes.setdefault(i, []).append(int(v, 2))
for c in traced:
    for sig in ("ima_busy", "dma_busy"):
        seq = changes[ids[f"soc.cluster_{c}.{sig}"]]
        assert seq[0] == "0" and "1" in seq and seq[-1] == "0", (c, sig, seq[:8])
    states = changes[ids[f"soc.cluster_{c}.core_0_state"]]
    assert all(0 <= v <= 4 for v in states), states
print(f"trace ok: clusters {first}-{last}")
