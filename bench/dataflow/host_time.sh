#!/bin/bash
# Issue 20's numbers (bench/dataflow/RESULTS.md): the headline run's wall
# time, peak RSS and simulation-phase time (`host_run_seconds`) with
# `--threads 2` and `--threads 1`, run in interleaved pairs so that both see
# the same host; then the medians and the 2-thread speed-up. The host's own
# speed varies by up to 2x between machines and within minutes, so the ISS
# benchmark (bench_iss, compute, 16 cores) runs before and after as a gauge:
# compare runs on hosts of the same gauge.
# usage: bench/dataflow/host_time.sh BUILD_DIR [PAIRS (3)] [OUT_DIR] [vp-run options...]
# (e.g. --set simulation.batch_cycles=100: the posted local phases)
set -eu
B=$(cd "$1" && pwd); PAIRS=${2:-3}; OUT=${3:-$B/bench-host-time}
shift $(( $# < 3 ? $# : 3 ))
mkdir -p "$OUT"
gauge() {
  "$B/bin/bench_iss" --elf "$B/firmware/bench_compute_16.elf" --cores 16 --isa rv32imc_xcv |
    sed -n 's/.*MIPS_cpu=\([0-9.]*\).*/\1/p'
}
echo "host gauge before: bench_iss compute $(gauge) MIPS" | tee "$OUT/runs.txt"
# vp-run puts its heap on huge pages where this says [madvise] (results.host_huge_pages).
echo "# THP mode: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo unknown)" | tee -a "$OUT/runs.txt"
for i in $(seq "$PAIRS"); do
  for t in 2 1; do
    /usr/bin/time -f '%e %U %M' -o "$OUT/time.txt" "$B/bin/vp-run" -q --threads "$t" --stats "$OUT/stats-$t.json" "$@" >/dev/null
    read -r wall user rss < "$OUT/time.txt"
    run=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results']['host_run_seconds'])" "$OUT/stats-$t.json")
    echo "threads $t wall $wall user $user rss_kb $rss host_run $run load $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT/runs.txt"
  done
done
echo "host gauge after: bench_iss compute $(gauge) MIPS" | tee -a "$OUT/runs.txt"
/usr/bin/python3 - "$OUT/runs.txt" <<'PY'
import statistics, sys
runs = {1: [], 2: []}
for line in open(sys.argv[1]):
    f = line.split()
    if f[0] == "threads":
        runs[int(f[1])].append({k: float(v) for k, v in zip(f[2::2], f[3::2])})
med = {t: {k: statistics.median(r[k] for r in rs) for k in ("wall", "host_run", "rss_kb")} for t, rs in runs.items()}
for t in (2, 1):
    m = med[t]
    print(f"--threads {t}: wall median {m['wall']:.2f} s, host_run median {m['host_run']:.2f} s, "
          f"peak RSS median {m['rss_kb'] / 1e6:.2f} GB ({len(runs[t])} runs)")
pairs = [a["host_run"] / b["host_run"] for a, b in zip(runs[1], runs[2])]
print(f"--threads 2 against --threads 1 (host_run, pair by pair): "
      f"{', '.join(f'{p:.2f}' for p in pairs)}x, median {statistics.median(pairs):.2f}x")
PY
