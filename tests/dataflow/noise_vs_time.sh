# scripts/noise_vs_time.py on 2 points (the trained fashion-resnet on mpaimc-64, 8 test images,
# noise on): CSV rows from the runs' --stats, each run bit-exact against the golden model with the
# same noise, top-1 against the labels beside the noise-free model's; then the path without a data
# set (resnet-tiny, agreement with the noise-free model only) and a bad drift time.
. "$2/tests/cli/lib.sh"
[ -f "$(dirname "$VP")/../firmware/dataflow.elf" ] || { echo "firmware not built: skipped"; exit 77; }
[ -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ] || { echo "dataset-fashion-mnist missing: skipped"; exit 77; }
expect_exit 0 /usr/bin/python3 "$SRC/scripts/noise_vs_time.py" --vp "$VP" --out "$OUT/n" --times 1s,1y --adc 8 \
  --compensation off --images 8
expect_in "| 8 | off | 1y |" "$STDOUT"
/usr/bin/python3 - <<'PY' || fail "noise_vs_time.csv or the runs"
import csv, json
rows = list(csv.DictReader(open("n/noise_vs_time.csv")))
assert [r["drift_time"] for r in rows] == ["1s", "1y"], rows
for r in rows:
    s = json.load(open(f"n/adc8-off-{r['drift_time']}-seed1.json"))
    d = s["dataflow"]
    assert d["output_check"]["mismatches"] == 0
    assert d["network"] == "fashion-resnet" and d["accuracy"]["images"] == 8
    assert float(r["top1"]) == d["accuracy"]["top1"] and float(r["ideal_top1"]) == d["accuracy"]["ideal_top1"]
    assert float(r["top1_agreement"]) == d["noise"]["top1_agreement"]
    assert s["platform"]["cluster"]["ima"]["noise"]["drift_time"] == r["drift_time"]
    assert s["platform"]["cluster"]["ima"]["adc_bits"] == 8
# Uncompensated drift lowers every weight: the error grows from 1 s to 1 y, and a year of it
# costs accuracy against the labels that the noise-free model has.
assert float(rows[1]["last_layer_mean_abs_error"]) > float(rows[0]["last_layer_mean_abs_error"]), rows
assert float(rows[1]["top1"]) < float(rows[1]["ideal_top1"]), rows
PY
[ -f n/noise_vs_time.png ] || fail "no PNG"
# Redrawn from its CSV: the same table, a PNG, no run.
TABLE=$STDOUT
expect_exit 0 /usr/bin/python3 "$SRC/scripts/noise_vs_time.py" --vp /nonexistent --from-csv n/noise_vs_time.csv --out r
[ "$STDOUT" = "$TABLE" ] || fail "--from-csv prints another table: $STDOUT"
[ -f r/noise_vs_time.png ] || fail "no PNG from --from-csv"
# Without a data set: agreement with the noise-free model, no accuracy columns filled.
expect_exit 0 /usr/bin/python3 "$SRC/scripts/noise_vs_time.py" --vp "$VP" --out "$OUT/t" --network resnet-tiny \
  --dataset none --batch 2 --times 1y --adc 6 --compensation on
expect_in "| 6 | on | 1y |" "$STDOUT"
/usr/bin/python3 -c "
import csv; r = list(csv.DictReader(open('t/noise_vs_time.csv')))
assert len(r) == 1 and r[0]['top1'] == '' and r[0]['images'] == '2' and 0 <= float(r[0]['top1_agreement']) <= 1, r" \
  || fail "noise_vs_time.csv without a data set"
# A bad drift time is a located configuration error (exit 2), reported by the script.
expect_exit 1 /usr/bin/python3 "$SRC/scripts/noise_vs_time.py" --vp "$VP" --out "$OUT/b" --times=-1s --adc 8 \
  --compensation on --images 2
expect_in "cluster.ima.noise.drift_time" "$STDERR"
echo "noise_vs_time ok"
