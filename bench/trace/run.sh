#!/bin/bash
# Host cost of tracing: the same run with tracing off and with --timeline and
# --vcd on (default cluster selection), median of N runs of vp-run's
# host_run_seconds (simulation only, without elaboration).
# usage: bench/trace/run.sh BUILD_DIR [N]
set -eu
B=$1; N=${2:-5}
VP=$B/bin/vp-run; FW=$B/firmware/cl_ima_pipeline.elf
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
median() { python3 -c "import sys,statistics; print(f'{statistics.median(float(x) for x in sys.argv[1:]):.4f}')" "$@"; }
host() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results']['host_run_seconds'])" "$1"; }
printf "| platform | tracing | host s (median of %s) | timeline bytes | vcd bytes |\n|---|---|---|---|---|\n" "$N"
for P in mpaimc-8 mpaimc-512; do
  for mode in off on; do
    xs=()
    for i in $(seq "$N"); do
      args=(); [ $mode = on ] && args=(--timeline "$T/t.json" --vcd "$T/w.vcd")
      "$VP" -q --platform $P --elf "$FW" --stats "$T/s.json" "${args[@]}" >/dev/null
      xs+=("$(host "$T/s.json")")
    done
    tb=-; vb=-; [ $mode = on ] && tb=$(stat -c %s "$T/t.json") && vb=$(stat -c %s "$T/w.vcd")
    echo "| $P | $mode | $(median "${xs[@]}") | $tb | $vb |"
  done
done
