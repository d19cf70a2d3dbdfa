#!/usr/bin/env bash
# Cluster benchmark (issue 4): one cluster, and every cluster of the 8- and
# 512-cluster platforms, running the DMA + IMA + cores pipeline program.
# Prints simulated cycles per host second and ISS MIPS (CPU time of vp-run).
# Usage: bench/cluster/run.sh [BUILD_DIR]
set -euo pipefail
build=${1:-$(cd "$(dirname "$0")/../.." && pwd)/build}
elf=$build/firmware/cl_ima_pipeline.elf
printf "| platform | clusters | simulated cycles | instructions | CPU s | simulated cycles / host s | MIPS | peak RSS MiB |\n|---|---|---|---|---|---|---|---|\n"
for p in cluster-1 mpaimc-8 mpaimc-512; do
  stats=$(mktemp)
  /usr/bin/time -f "%U %S %M" -o "$stats.time" "$build/bin/vp-run" --platform "$p" --elf "$elf" -q --stats "$stats" >/dev/null
  python3 - "$stats" "$p" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); user, system, rss = open(sys.argv[1] + ".time").read().split()
cpu = float(user) + float(system); r = s["results"]
cycles = s["simulated_ns"] * s["platform"]["clock_hz"] / 1e9
print(f"| {sys.argv[2]} | {r['clusters']} | {cycles:.0f} | {r['instructions']} | {cpu:.2f} | {cycles / cpu:.3g} | {r['instructions'] / cpu / 1e6:.0f} | {int(rss) / 1024:.0f} |")
PY
  rm -f "$stats" "$stats.time"
done
