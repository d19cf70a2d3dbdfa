# vp-run with the PCM noise model on (issue 18, docs/noise.md), resnet-tiny on mpaimc-64, batch 2:
# outputs bit-exact against the golden model with the same draws; the report and --stats compare
# with the noise-free model (top-1 agreement, mean and max error per layer); the same seed gives
# the same run bit for bit, with tracing on too; another seed other outputs; noise off leaves the
# ideal run untouched; bad values are located errors (exit 2).
. "$2/tests/cli/lib.sh"
[ -f "$(dirname "$VP")/../firmware/dataflow.elf" ] || { echo "firmware not built: skipped"; exit 77; }
JOB=(--network resnet-tiny --platform mpaimc-64 --batch 2)
ON=(--set cluster.ima.noise.enabled=true --set cluster.ima.noise.drift_time=1d)
expect_exit 0 "$VP" "${JOB[@]}" "${ON[@]}" --stats a.json
expect_in "bit-exact: 2 images" "$STDOUT"
expect_in "noise vs ideal    top-1 agreement" "$STDOUT"
expect_exit 0 "$VP" -q "${JOB[@]}" "${ON[@]}" --stats b.json --vcd b.vcd --timeline b.json.trace
expect_exit 0 "$VP" -q "${JOB[@]}" "${ON[@]}" --set cluster.ima.noise.seed=2 --stats c.json
expect_exit 0 "$VP" -q "${JOB[@]}" --stats off.json
/usr/bin/python3 - <<'PY' || fail "noise statistics or determinism"
import json
HOST = {"host_seconds", "mips", "host_ns", "wall_seconds"}
def strip(x):
    if isinstance(x, dict):
        return {k: strip(v) for k, v in x.items() if k not in HOST and "host" not in k}
    if isinstance(x, list):
        return [strip(v) for v in x]
    return x
a, b, c, off = (json.load(open(f)) for f in ("a.json", "b.json", "c.json", "off.json"))
for s in (a, b, c, off):
    assert s["dataflow"]["output_check"]["mismatches"] == 0
n = a["dataflow"]["noise"]
assert n["images"] == 2 and 0 <= n["top1_agreement"] <= 1, n
names = [l["layer"] for l in n["layers"]]
assert len(names) > 3 and len(set(names)) == len(names), names
for l in n["layers"]:
    assert 0 <= l["mean_abs_error"] <= l["max_abs_error"], l
assert n["last_layer_max_abs_error"] == n["layers"][-1]["max_abs_error"], n
assert n["last_layer_max_abs_error"] > 0, "a day of drift and read noise changed nothing"
# Same seed: the same run bit for bit, traced or not (every figure but host time).
assert strip(a["dataflow"]) == strip(b["dataflow"]) and strip(a["results"]) == strip(b["results"])
assert a["dataflow"]["output_check"] == b["dataflow"]["output_check"]
# Another seed: other draws, other errors.
assert c["dataflow"]["noise"]["layers"] != n["layers"], "seed 2 drew the same noise"
# Noise off: the ideal run, no comparison with itself, same cycles as without the keys.
assert "noise" not in off["dataflow"], off["dataflow"].keys()
assert off["platform"]["cluster"]["ima"]["noise"]["enabled"] is False
PY
# Bad values: located errors naming the key, exit 2, no output written.
expect_exit 2 "$VP" -q "${JOB[@]}" "${ON[@]}" --set cluster.ima.noise.drift_time=-1s --stats bad.json
expect_in "cluster.ima.noise.drift_time" "$STDERR"; expect_in "before t0" "$STDERR"
[ -e bad.json ] && fail "a stats file for a failed configuration"
expect_exit 2 "$VP" -q "${JOB[@]}" "${ON[@]}" --set cluster.ima.noise.sigma=1
expect_in "cluster.ima.noise.sigma: unknown key" "$STDERR"
printf 'name: badn\nkind: manycore\ncluster:\n  count: 4\n  ima:\n    noise:\n      enabled: true\n      gmax: -25\n' > badn.yaml
expect_exit 2 "$VP" -q --network resnet-tiny --platform badn.yaml --batch 1
expect_in "badn.yaml:8:" "$STDERR"; expect_in "cluster.ima.noise.gmax" "$STDERR"
echo "noise ok"
