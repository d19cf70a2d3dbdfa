# scripts/noise_vs_time.py on 2 points (resnet-tiny on mpaimc-64, noise on): CSV rows from the
# runs' --stats, each run bit-exact against the golden model with the same noise.
. "$2/tests/cli/lib.sh"
[ -f "$(dirname "$VP")/../firmware/dataflow.elf" ] || { echo "firmware not built: skipped"; exit 77; }
expect_exit 0 /usr/bin/python3 "$SRC/scripts/noise_vs_time.py" --vp "$VP" --out "$OUT/n" --times 1s,1y --adc 8 \
  --compensation off
expect_in "| 8 | off | 1y |" "$STDOUT"
/usr/bin/python3 - <<'PY' || fail "noise_vs_time.csv or the runs"
import csv, json
rows = list(csv.DictReader(open("n/noise_vs_time.csv")))
assert [r["drift_time"] for r in rows] == ["1s", "1y"], rows
for r in rows:
    s = json.load(open(f"n/adc8-off-{r['drift_time']}.json"))
    assert s["dataflow"]["output_check"]["mismatches"] == 0
    assert float(r["top1_agreement"]) == s["dataflow"]["noise"]["top1_agreement"]
    assert s["platform"]["cluster"]["ima"]["noise"]["drift_time"] == r["drift_time"]
# Uncompensated drift lowers every weight: the error grows from 1 s to 1 y.
assert float(rows[1]["last_layer_mean_abs_error"]) > float(rows[0]["last_layer_mean_abs_error"]), rows
PY
# A bad drift time is a located configuration error (exit 2), reported by the script.
expect_exit 1 /usr/bin/python3 "$SRC/scripts/noise_vs_time.py" --vp "$VP" --out "$OUT/b" --times=-1s --adc 8 \
  --compensation on
expect_in "cluster.ima.noise.drift_time" "$STDERR"
echo "noise_vs_time ok"
