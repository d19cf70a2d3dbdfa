#!/bin/bash
# The headline run (issue 7): ResNet-18, batch 16, full mapping on mpaimc-512
# (vp-run without arguments), its wall time and peak memory, then a perf
# profile of where the host time goes.
# usage: bench/dataflow/run.sh BUILD_DIR [OUT_DIR]
set -eu
B=$1; OUT=${2:-$B/bench-dataflow}
mkdir -p "$OUT"
/usr/bin/time -v "$B/bin/vp-run" --stats "$OUT/stats.json" > "$OUT/report.txt" 2> "$OUT/time.txt"
grep -v '^\[c' "$OUT/report.txt" | sed -n '/^dataflow job/,$p'
grep -E 'Elapsed|Maximum resident' "$OUT/time.txt"
if command -v perf >/dev/null; then
  perf record -q -g -o "$OUT/perf.data" "$B/bin/vp-run" -q > /dev/null 2>&1 || true
  perf report -i "$OUT/perf.data" --no-children --percent-limit 1.5 --stdio 2>/dev/null |
    grep -E '^ +[0-9.]+%' | head -25
fi
