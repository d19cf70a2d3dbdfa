#!/bin/bash
# Cost of the trace hooks compiled in but unused: the same mpaimc-8 dataflow
# run (resnet-tiny, batch B) on a vp-run built with -DVP_TRACING=ON and one
# built with -DVP_TRACING=OFF, N runs each, interleaved (on, off, on, off...)
# so host load drifts hit both alike; plus the ON build with --vcd and
# --timeline written. Prints host_run_seconds (simulation only) per run and
# the median, and checks both builds simulate the same cycles.
# usage: bench/trace/compiled_out.sh VP_ON VP_OFF DATAFLOW_ELF [N] [B]
set -eu
ON=$1; OFF=$2; ELF=$3; N=${4:-3}; B=${5:-64}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][sys.argv[2]])" "$1" "$2"; }
median() { python3 -c "import sys,statistics; print(f'{statistics.median(float(x) for x in sys.argv[1:]):.3f}')" "$@"; }
run() {  # VP OUT.json [extra args]
  local vp=$1 out=$2; shift 2
  "$vp" -q --network resnet-tiny --platform mpaimc-8 --batch "$B" --elf "$ELF" --stats "$out" "$@" >/dev/null
}
on=(); off=(); traced=()
for i in $(seq "$N"); do
  run "$ON" "$T/on.json"; on+=("$(field "$T/on.json" host_run_seconds)")
  run "$OFF" "$T/off.json"; off+=("$(field "$T/off.json" host_run_seconds)")
  run "$ON" "$T/tr.json" --vcd "$T/w.vcd" --timeline "$T/t.json"; traced+=("$(field "$T/tr.json" host_run_seconds)")
done
python3 - "$T/on.json" "$T/off.json" <<'PY'
import json, sys
a, b = (json.load(open(p))["results"] for p in sys.argv[1:3])
assert a["per_cluster"] == b["per_cluster"], "the two builds simulate differently"
PY
echo "| build | tracing | host s per run | median |"
echo "|---|---|---|---|"
echo "| VP_TRACING=ON | off | ${on[*]} | $(median "${on[@]}") |"
echo "| VP_TRACING=OFF | (compiled out) | ${off[*]} | $(median "${off[@]}") |"
echo "| VP_TRACING=ON | --vcd --timeline | ${traced[*]} | $(median "${traced[@]}") |"
echo "vcd $(stat -c %s "$T/w.vcd") bytes, timeline $(stat -c %s "$T/t.json") bytes, $(field "$T/on.json" instructions) instructions"
