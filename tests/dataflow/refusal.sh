# A mapping the dataflow runtime refuses is a firmware fault, located (cluster, core, pc, the
# runtime's code and message), exit 1 with the fault as the run's status: not a "stalled" run
# whose other clusters wait for the refusing one. The mapper checks the runtime's real tables at
# map time, so the refusal is provoked with a firmware built with a layer table of 8
# (dataflow_small_tables.elf) and a network of 10 layers, which the mapper accepts.
. "$2/tests/cli/lib.sh"
FW="$(dirname "$VP")/../firmware/dataflow_small_tables.elf"
[ -f "$FW" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }
{
  printf 'name: deep\ninput: {channels: 8, height: 4, width: 4}\nlayers:\n'
  for i in $(seq 0 9); do printf '  - {name: p%d, op: maxpool, kernel: 1, stride: 1}\n' "$i"; done
} > deep.yaml
expect_exit 1 "$VP" --network deep.yaml --platform mpaimc-64 --mapping-mode naive --elf "$FW" --batch 1 --stats s.json
expect_in "core 0): firmware fault (code 14) at pc 0x1c" "$STDERR"
expect_in ": dataflow: 10 layers, 1/1 edges, 2 buffers exceed the runtime's tables (8, 64, 8)" "$STDERR"
case "$STDERR" in *stalled*) fail "a refusal reported as a stall: $STDERR";; esac
python3 - <<'PY' || fail "stats of the refusal"
import json, re
s = json.load(open("s.json"))
assert s["status"] == "error" and s["exit_code"] == 1, (s["status"], s["exit_code"])
m = re.match(r"core (\d+)\.0 \(cluster (\d+), core 0\): firmware fault \(code 14\) at pc 0x1c[0-9a-f]{6}, "
             r"instruction 0x[0-9a-f]{8}: cluster (\d+): dataflow: 10 layers", s["message"])
assert m and m[1] == m[2] == m[3], s["message"]
PY
# The same refusal, the same report, on any number of host threads (1 and 2: the parallel schedule).
expect_exit 1 "$VP" --network deep.yaml --platform mpaimc-64 --mapping-mode naive --elf "$FW" --batch 1 --threads 1 -q
one=$(echo "$STDERR" | grep "firmware fault")
expect_in "firmware fault (code 14)" "$one"
expect_exit 1 "$VP" --network deep.yaml --platform mpaimc-64 --mapping-mode naive --elf "$FW" --batch 1 --threads 2 -q
[ "$(echo "$STDERR" | grep "firmware fault")" = "$one" ] || fail "threads 1 and 2 report differently: $one / $STDERR"
echo "refusal ok"
