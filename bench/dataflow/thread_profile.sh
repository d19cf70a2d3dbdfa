#!/bin/bash
# Issue 20's "where host time goes" table: the headline run under perf
# (sampling at 499 Hz), each host thread's samples grouped by model
# (bench/dataflow/thread_profile.py): the SystemC thread (the critical path
# of a parallel run), the pool's workers, the golden model's thread and the
# setup thread.
# usage: bench/dataflow/thread_profile.sh BUILD_DIR [THREADS (2)] [OUT_DIR] [vp-run options...]
set -eu
B=$(cd "$1" && pwd); T=${2:-2}; OUT=${3:-$B/bench-thread-profile}
shift $(( $# < 3 ? $# : 3 ))
command -v perf >/dev/null || { echo "perf not installed (apt-get install linux-perf)"; exit 1; }
mkdir -p "$OUT"
perf record -q -F 499 -o "$OUT/perf.data" "$B/bin/vp-run" -q --threads "$T" --stats "$OUT/stats.json" "$@" > /dev/null
perf report -i "$OUT/perf.data" --sort pid,sym -n --no-children -g none --stdio 2>/dev/null > "$OUT/report.txt"
echo "vp-run -q --threads $T $*: $(/usr/bin/python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results']; print(f\"host_run_seconds {r['host_run_seconds']:.2f}, host_huge_pages {r.get('host_huge_pages')}\")" "$OUT/stats.json")" | tee "$OUT/profile.md"
/usr/bin/python3 "$(dirname "$0")/thread_profile.py" < "$OUT/report.txt" | tee -a "$OUT/profile.md"
