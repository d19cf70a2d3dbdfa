"""Checks the network link signals of a --vcd file against the run's --stats,
when every cluster of the platform was traced.

usage: check_links.py STATS VCD

Each link's channels are 0 at the start and the end. A transfer books every
link it crosses for at least bytes / width cycles, and a node owns the links
to its children (the root also the link to the HBM): so the time the links a
level owns were busy is at least its bytes / width cycles (twice that at the
root, where every transfer crosses two owned links), less 1 ns of rounding
per busy interval.
"""
import json
import re
import sys

from vcd_decl import vcd_ids

stats_doc = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
res, plat = stats_doc["results"], stats_doc["platform"]
cycle_ns = 1e9 / plat["clock_hz"]
noc = plat["noc"]
levels, factors = noc["levels"], noc["factors"]
clusters = res["clusters"]

ids, body = vcd_ids(text)

high, rises, seqs, rose, time = {}, {}, {}, {}, 0
for tok in body.split("\n"):
    if tok.startswith("#"):
        time = int(tok[1:])
    elif re.match(r"^[01][!-~]+$", tok):
        v, i = tok[0], tok[1:]
        seqs.setdefault(i, []).append(v)
        if v == "1":
            rose[i] = time
            rises[i] = rises.get(i, 0) + 1
        elif i in rose:
            high[i] = high.get(i, 0) + time - rose.pop(i)

channels = ("down_rd", "up_wr", "up_rd", "down_wr")
# Links owned by each level: the links to its children.
owned = [[] for _ in levels]
nodes = 1
for k in range(len(levels)):
    nodes *= factors[k]  # children of level k, over all its nodes
    if k + 1 < len(levels):
        owned[k] = [f"noc.{levels[k + 1]}_{j}" for j in range(nodes)]
    else:
        owned[k] = [f"cluster_{c}.noc_link" for c in range(clusters)]
owned[0].append(f"noc.{levels[0]}_0")

for k, links in enumerate(owned):
    busy_ns = interval_count = 0
    for link in links:
        for ch in channels:
            name = f"soc.{link}.{ch}"
            assert name in ids, f"no signal {name}"
            seq = seqs.get(ids[name], [])
            assert seq and seq[0] == "0" and seq[-1] == "0", (name, seq[:8])
            busy_ns += high.get(ids[name], 0)
            interval_count += rises.get(ids[name], 0)
    lv = res["noc"]["levels"][k]
    crossings = 2 if k == 0 else 1
    floor_ns = crossings * lv["bytes"] / noc["width_bytes"][k] * cycle_ns - interval_count
    assert lv["bytes"] > 0 and busy_ns > 0, (levels[k], "no traffic")
    assert busy_ns >= floor_ns, (levels[k], busy_ns, floor_ns)
    print(f"level {levels[k]}: links busy {busy_ns} ns in {interval_count} intervals, "
          f"{lv['bytes']} bytes -> at least {floor_ns:.0f} ns")
print("links ok")
