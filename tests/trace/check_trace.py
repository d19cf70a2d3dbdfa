"""Checks a --timeline JSON and a --vcd file against the run's --stats.

usage: check_trace.py STATS TIMELINE VCD CLUSTERS   (CLUSTERS: first-last traced)
"""
import json
import re
import sys

from vcd_decl import vcd_ids

stats_path, timeline_path, vcd_path, sel = sys.argv[1:5]
first, last = (int(x) for x in sel.split("-"))
traced = set(range(first, last + 1))
stats_doc = json.load(open(stats_path))
stats = stats_doc["results"]
cycle_ns = 1e9 / stats_doc["platform"]["clock_hz"]
per = {c["cluster"]: c for c in stats["per_cluster"]}
cores = per[first]["cores"]
events = json.load(open(timeline_path))["traceEvents"]

PLATFORM = 1 << 20  # the process of the platform-wide power counter
names = {e["pid"]: e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "process_name"}
assert names.pop(PLATFORM, None) == "platform", "no platform process"
assert set(names) == traced, f"processes {sorted(names)}, wanted {sorted(traced)}"
assert all(names[c] == f"cluster {c}" for c in traced), names
for e in events:
    assert e["pid"] in traced or e["pid"] == PLATFORM, f"event of an untraced cluster: {e}"
    if e["ph"] == "X":
        assert e["dur"] >= 0 and e["ts"] >= 0, e

# Power over time (counter tracks): the platform's samples integrate to the
# run's energy, and every traced cluster has its own.
end_us = stats_doc["simulated_ns"] / 1e3
def integral_mj(pid):
    c = sorted((e["ts"], e["args"]["mW"]) for e in events if e["ph"] == "C" and e["pid"] == pid)
    assert c, f"no power samples for {pid}"
    return sum(mw * ((c[i + 1][0] if i + 1 < len(c) else end_us) - t) * 1e-6 for i, (t, mw) in enumerate(c))
total = stats_doc["energy"]["total_mj"]
assert abs(integral_mj(PLATFORM) - total) <= 1e-4 * total, (integral_mj(PLATFORM), total)
for c in traced:
    assert abs(integral_mj(c) - stats_doc["energy"]["per_cluster_mj"][c]) <= 1e-4 * total, c

sleep_spans_total = 0
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
    core_spans = [e for e in spans if e["tid"] < cores and e["name"] != "wfi"]
    sleeps = [e for e in spans if e["tid"] < cores and e["name"] == "wfi"]
    assert core_spans, f"cluster {c}: no core phase spans"
    # Phase spans of one core never overlap; its sleeps lie within them.
    for k in range(cores):
        ks = sorted((e["ts"], e["ts"] + e["dur"]) for e in core_spans if e["tid"] == k)
        assert all(a[1] <= b[0] + 1e-9 for a, b in zip(ks, ks[1:])), (c, k)
        for w in (e for e in sleeps if e["tid"] == k):
            b, e = w["ts"], w["ts"] + w["dur"]
            assert any(pb - 1e-6 <= b and e <= pe + 1e-6 for pb, pe in ks), (c, k, "wfi outside its phases", b, e)
    # The sleep spans are what the statistics counted as sleep cycles.
    sleep_ns = sum(e["dur"] for e in sleeps) * 1e3
    want_ns = s["core_sleep_cycles"] * cycle_ns
    assert abs(sleep_ns - want_ns) <= 1e-3 * max(1, len(sleeps)), (c, "timeline sleep", sleep_ns, want_ns)
    sleep_spans_total += len(sleeps)

# VCD: the declared signals, and each IMA/DMA busy rises and falls.
text = open(vcd_path).read()
ids, body = vcd_ids(text)
want = {"soc.platform.power_uw"}
for c in traced:
    want |= {f"soc.cluster_{c}.ima_busy", f"soc.cluster_{c}.dma_busy"}
    want |= {f"soc.cluster_{c}.core_{k}_state" for k in range(cores)}
    want |= {f"soc.cluster_{c}.core_{k}_asleep" for k in range(cores)}
    want.add(f"soc.cluster_{c}.power_uw")
# Network links on the path of each traced cluster up to the HBM: the
# cluster's own link and the link above each node on the way.
noc = stats_doc["platform"]["noc"]
channels = ("down_rd", "up_wr", "up_rd", "down_wr")
link_scopes = set()
for c in traced:
    link_scopes.add(f"cluster_{c}.noc_link")
    j = c
    for k in reversed(range(len(noc["factors"]))):
        j //= noc["factors"][k]
        link_scopes.add(f"noc.{noc['levels'][k]}_{j}")
for l in link_scopes:
    want |= {f"soc.{l}.{ch}" for ch in channels}
assert set(ids) == want, f"signals {sorted(set(ids) ^ want)} differ"
changes = {}
high_ns = {}  # 1-bit signal id -> total time at 1
rose = {}
time = 0
last_time = -1
for tok in body.split("\n"):
    if tok.startswith("#"):
        time = int(tok[1:])
        assert time > last_time, f"time goes back at {tok}"
        last_time = time
    elif re.match(r"^[01][!-~]+$", tok):
        changes.setdefault(tok[1:], []).append(tok[0])
        if tok[0] == "1":
            rose[tok[1:]] = time
        elif tok[1:] in rose:
            high_ns[tok[1:]] = high_ns.get(tok[1:], 0) + time - rose.pop(tok[1:])
    elif tok.startswith("b"):
        v, i = tok[1:].split()
        changes.setdefault(i, []).append(int(v, 2))
for c in traced:
    for sig in ("ima_busy", "dma_busy"):
        seq = changes[ids[f"soc.cluster_{c}.{sig}"]]
        assert seq[0] == "0" and "1" in seq and seq[-1] == "0", (c, sig, seq[:8])
    states = changes[ids[f"soc.cluster_{c}.core_0_state"]]
    # A phase of cluster_ctrl_regs.h (0..5), or 7 when halted.
    assert all(0 <= v <= 5 or v == 7 for v in states) and states[-1] == 7, states
    # Time asleep per cluster: the statistics' sleep cycles, each sleep's
    # ends rounded to the 1 ns timescale.
    asleep = [ids[f"soc.cluster_{c}.core_{k}_asleep"] for k in range(cores)]
    assert not any(i in rose for i in asleep), (c, "a core still asleep at the end")
    vcd_ns = sum(high_ns.get(i, 0) for i in asleep)
    rises = sum(changes.get(i, []).count("1") for i in asleep)
    want_ns = per[c]["core_sleep_cycles"] * cycle_ns
    assert abs(vcd_ns - want_ns) <= rises + 1e-6, (c, "vcd sleep", vcd_ns, want_ns, rises)
assert sleep_spans_total > 0, "no core slept in wfi"
# Every link channel is idle at the start and the end; each traced cluster's
# own link and the link to the HBM carried data.
for l in link_scopes:
    for ch in channels:
        seq = changes[ids[f"soc.{l}.{ch}"]]
        assert seq[0] == "0" and seq[-1] == "0", (l, ch, seq[:8])
    busy = sum(changes[ids[f"soc.{l}.{ch}"]].count("1") for ch in channels)
    if l.startswith("cluster_") or l == f"noc.{noc['levels'][0]}_0":
        assert busy > 0, (l, "link never busy")
print(f"trace ok: clusters {first}-{last}")
