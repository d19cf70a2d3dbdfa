# Mode auto (docs/dataflow.md, "Mode auto"): on resnet-tiny / mpaimc-64 it beats full and
# is bit-exact; the report lists its iterations; two runs give the same figures (the loop
# is deterministic); vp-map --mode auto --calibrate maps one step from a run's --stats;
# bad input gets the located errors of the other modes, exit 2, nothing written.
. "$2/tests/cli/lib.sh"
[ -f "$(dirname "$VP")/../firmware/dataflow.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }
MAP=$(dirname "$VP")/vp-map
JOB=(--network resnet-tiny --platform mpaimc-64 --batch 4)
expect_exit 0 "$VP" -q "${JOB[@]}" --mapping-mode full --stats full.json
expect_exit 0 "$VP" -q "${JOB[@]}" --mapping-mode auto --auto-iterations 3 --stats a1.json
expect_in "outputs           bit-exact: 4 images" "$STDOUT"
expect_in "auto iterations   run  clusters" "$STDOUT"
expect_in "<- kept" "$STDOUT"
expect_exit 0 "$VP" -q "${JOB[@]}" --mapping-mode auto --auto-iterations 3 --stats a2.json
python3 - <<'PY' || fail "auto: $(python3 -c "import json; print(json.load(open('a1.json'))['dataflow']['auto'])")"
import json
full = json.load(open("full.json"))["dataflow"]
a1, a2 = (json.load(open(f))["dataflow"] for f in ("a1.json", "a2.json"))
assert a1["mode"] == "auto" and a1["output_check"]["mismatches"] == 0, a1["output_check"]
assert a1["images_per_s"] > full["images_per_s"], (a1["images_per_s"], full["images_per_s"])
its = a1["auto"]["iterations"]
assert 2 <= len(its) <= 3 and all(i["bit_exact"] for i in its if not i.get("failed")), its
kept = its[a1["auto"]["kept"]]
assert kept["images_per_s"] == max(i["images_per_s"] for i in its), its
assert abs(kept["images_per_s"] - a1["images_per_s"]) < 1e-6 * a1["images_per_s"], (kept, a1["images_per_s"])
for key in ("images_per_s", "batch_latency_ns", "clusters_used", "auto"):
    assert a1[key] == a2[key], (key, a1[key], a2[key])
st = a1["pipeline"]["stages"]
assert all(s["model_stage"] and s["model_ns"] > 0 and s["measured_ns"] > 0 for s in st), st
PY
expect_exit 0 "$SRC/scripts/plot_auto.py" a1.json auto.png
[ -s auto.png ] || fail "scripts/plot_auto.py drew nothing"
# One step offline: the calibrated mapping differs from the uncalibrated one's estimate.
expect_exit 0 "$MAP" -n resnet-tiny -p mpaimc-64 --mode auto --cost batch=4 --report-json m0.json -q
expect_exit 0 "$MAP" -n resnet-tiny -p mpaimc-64 --mode auto --cost batch=4 --calibrate full.json --report-json m1.json -q
python3 -c "
import json
a, b = (json.load(open(f)) for f in ('m0.json', 'm1.json'))
assert a != b, 'calibration changed nothing'" || fail "vp-map --calibrate changed nothing"
# Bad input.
no_files() { [ ! -e s.json ] || fail "files written on an error: $*"; }
expect_exit 2 "$VP" "${JOB[@]}" --mapping-mode full --calibrate full.json --stats s.json
expect_in "--calibrate calibrates mapping mode auto, not full" "$STDERR"; no_files calibrate-full
echo '{"dataflow": {"network": "resnet-tiny"}}' > bad.json
expect_exit 2 "$VP" "${JOB[@]}" --mapping-mode auto --calibrate bad.json --stats s.json
expect_in "--calibrate bad.json: no dataflow.pipeline.stages" "$STDERR"; no_files calibrate-bad
expect_exit 2 "$MAP" -n resnet-tiny -p mpaimc-64 --mode auto --calibrate bad.json
expect_in "--calibrate bad.json: no dataflow.pipeline.stages" "$STDERR"
expect_exit 2 "$VP" --network resnet18 --platform mpaimc-8 --mapping-mode auto --stats s.json
expect_in "--network resnet18 --mapping-mode auto --batch 16 on mpaimc-8: " "$STDERR"
expect_in "needs 9 crossbars of 256x256 (IMA size), the platform mpaimc-8 has 8 clusters" "$STDERR"; no_files too-big
echo "mode auto ok"
