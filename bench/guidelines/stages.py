#!/usr/bin/env python3
"""Guideline 3's per-stage evidence (docs/results.md): from a vp-run --stats file,
the bottleneck stage and every stage of group 5 (layers l4b*, avgpool, fc) with
the cost model's time per image (model_ns) beside the measured busy time
(measured_ns), the shares of core 0's time, and the verdict.

usage: stages.py STATS.json
"""
import json
import sys

s = json.load(open(sys.argv[1]))
d = s["dataflow"]
period = 1e9 / d["images_per_s"]
print(f"period {period / 1e3:.1f} us per image ({d['images_per_s']:.1f} images/s); "
      f"bottleneck {d['pipeline']['bottleneck']}; critical chain {' -> '.join(d['pipeline']['critical_chain'])}")
print("| stage | clusters | model us/image | measured busy us/image | busy / waiting for input / for credit | verdict |")
print("|---|---|---|---|---|---|")
for st in d["pipeline"]["stages"]:
    if st["verdict"] != "bottleneck" and not (st["stage"].startswith("l4b") or st["stage"] in ("avgpool", "fc") or
                                             st["stage"].startswith("fc ")):
        continue
    print(f"| {st['stage']} | {st['clusters']} | {st['model_ns'] / 1e3:.1f} | {st['measured_ns'] / 1e3:.1f} | "
          f"{st['busy_share']:.0%} / {st['wait_input_share']:.0%} / {st['wait_credit_share']:.0%} | {st['verdict']} |")
