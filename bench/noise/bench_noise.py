#!/usr/bin/python3
"""Host time of a vp-run job with the PCM noise model off and on (issue 18, docs/noise.md).

Runs the job `--repeat` times each way (alternating, so both see the same machine load), and
prints the median host time, the extra host time per MVM with noise on, the machine's load
average before and after, and each run's figures (simulated time, outputs bit-exact against the
golden model). Not part of the test suite: results in bench/noise/RESULTS.md.

  bench/noise/bench_noise.py [--vp build/bin/vp-run] [--repeat 3] [--drift-time 1d] [-- VP-RUN ARGS]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(vp, args, noise, drift, tmp, k):
    stats = os.path.join(tmp, f"{'on' if noise else 'off'}-{k}.json")
    cmd = [vp, "-q", "--stats", stats] + args
    if noise:
        cmd += ["--set", "cluster.ima.noise.enabled=true", "--set", f"cluster.ima.noise.drift_time={drift}"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"bench_noise: {' '.join(cmd)} failed (exit {p.returncode}):\n{p.stderr}")
    s = json.load(open(stats))
    d = s.get("dataflow", {})
    if not d:
        sys.exit(f"bench_noise: {' '.join(cmd)} ran no dataflow job (give --network)")
    mvms = sum(c.get("ima_jobs", 0) for c in s["results"]["per_cluster"])
    return {"host_s": s["host_seconds"], "simulated_ns": s["simulated_ns"], "mvms": mvms,
            "mismatches": d.get("output_check", {}).get("mismatches"),
            "top1_agreement": d.get("noise", {}).get("top1_agreement")}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vp", default=os.path.join(ROOT, "build", "bin", "vp-run"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--drift-time", default="1d")
    ap.add_argument("args", nargs="*", help="vp-run arguments (default: the headline job, --network resnet18)")
    a = ap.parse_args()
    # The headline is named (vp-run --set alone also runs it; naming it keeps the command explicit).
    a.args = a.args or ["--network", "resnet18"]
    load0 = os.getloadavg()
    runs = {False: [], True: []}
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(a.repeat):
            for noise in (False, True):
                r = run(a.vp, a.args, noise, a.drift_time, tmp, k)
                runs[noise].append(r)
                print(f"noise {'on ' if noise else 'off'} run {k + 1}: host {r['host_s']:.1f} s, simulated "
                      f"{r['simulated_ns'] / 1e6:.3f} ms, {r['mvms']} MVMs, mismatches {r['mismatches']}"
                      + (f", top-1 agreement {100 * r['top1_agreement']:.0f} %" if noise and r["top1_agreement"] is not None
                         else ""), flush=True)
    load1 = os.getloadavg()
    off = statistics.median(r["host_s"] for r in runs[False])
    on = statistics.median(r["host_s"] for r in runs[True])
    mvms = runs[True][0]["mvms"]
    print(f"median host time: noise off {off:.1f} s, noise on {on:.1f} s ({100 * (on / off - 1):+.0f} %); "
          f"{mvms} MVMs: {1e6 * (on - off) / mvms:.2f} us more per MVM with noise on")
    print(f"load average (1 min) before {load0[0]:.1f}, after {load1[0]:.1f}; {os.cpu_count()} host CPUs")


if __name__ == "__main__":
    main()
