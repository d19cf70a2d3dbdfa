# Reload mode end to end (docs/dataflow.md "Weight reloading"): resnet-tiny on
# mpaimc-8 with 16-column crossbars is 4 layer groups (fc split over three),
# each programmed from its chunks and run over the batch in turn, bit-exact;
# the same cycles with one host thread; a flipped chunk weight is caught.
. "$2/tests/cli/lib.sh"
[ -f "$(dirname "$VP")/../firmware/dataflow_xcv.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }
ARGS="--network resnet-tiny --platform mpaimc-8 --set cluster.ima.cols=16 --mapping-mode reload"

expect_exit 0 "$VP" $ARGS --stats s.json --console c.txt
expect_in "dataflow job: resnet-tiny (reload mapping, batch 16, seed 1) on mpaimc-8" "$STDOUT"
expect_in "bit-exact: 16 images, 4800 bytes, 0 mismatches" "$STDOUT"
expect_in "reload            4 groups" "$STDOUT"
for g in 0 1 2 3; do grep -q "reload: group $g: " c.txt || fail "no line of group $g on the console"; done
/usr/bin/python3 - s.json <<'PY' || fail "reload statistics"
import json, sys
d = json.load(open(sys.argv[1]))["dataflow"]
assert d["mode"] == "reload" and d["reload_groups"] == 4, d.get("mode")
assert d["output_check"]["mismatches"] == 0
assert d["images_per_s"] > 0
groups = d["reload"]
assert [g["group"] for g in groups] == [0, 1, 2, 3], groups
for g in groups:
    assert g["done"] and 0 < g["fetch_cycles"] and 0 < g["program_cycles"], g
    assert g["fetch_cycles"] + g["program_cycles"] <= g["cycles"], g
assert groups[3]["clusters"] == 5, groups[3]
PY
expect_exit 0 "$VP" $ARGS --threads 1 --stats s1.json
/usr/bin/python3 -c "
import json, sys
a, b = (json.load(open(f)) for f in ('s.json', 's1.json'))
assert a['simulated_ns'] == b['simulated_ns'], (a['simulated_ns'], b['simulated_ns'])
assert a['dataflow']['reload'] == b['dataflow']['reload']
" || fail "reload: not the same run with one host thread"

expect_exit 1 "$VP" $ARGS --test-flip-weight
expect_in "mismatches" "$STDOUT"
echo "reload ok"
