# scripts/fig6.py: the Fig. 6 decomposition of resnet-tiny on mpaimc-64 (a measured run and an
# ideal-interconnect run): table, CSV, waterfall PNG.
. "$2/tests/cli/lib.sh"
[ -f "$(dirname "$VP")/../firmware/dataflow.elf" ] || { echo "firmware not built: skipped"; exit 77; }
/usr/bin/python3 -c "import matplotlib, yaml" 2>/dev/null || { echo "python3-matplotlib or python3-yaml missing: skipped"; exit 77; }
expect_exit 0 /usr/bin/python3 "$SRC/scripts/fig6.py" --vp "$VP" --out "$OUT/f6" --network resnet-tiny --platform mpaimc-64
expect_in "| peak, all clusters |" "$STDOUT"
expect_in "| measured |" "$STDOUT"
cmp -s <(echo "$STDOUT") f6/fig6.md || fail "fig6.md differs from the printed table"
[ "$(head -c 8 f6/fig6.png | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "fig6.png is not a PNG"
/usr/bin/python3 - <<'PY' || fail "fig6.csv or the runs"
import csv, json
rows = list(csv.DictReader(open("f6/fig6.csv")))
assert [r["step"] for r in rows] == ["peak, all clusters", "peak, clusters used", "ideal stage balance",
                                     "ideal interconnect", "measured"], rows
real, ideal = json.load(open("f6/real.json")), json.load(open("f6/ideal.json"))
d = real["dataflow"]
# Peaks from the platform: 64 IMAs of 256 x 256 MACs every 130 ns, per image.
peak = 64 * 256 * 256 / 130e-9 / d["macs_per_image"]
assert abs(float(rows[0]["images_per_s"]) - peak) < 1e-6 * peak, (rows[0], peak)
assert abs(float(rows[1]["images_per_s"]) - peak * d["clusters_used"] / 64) < 1e-6 * peak
assert float(rows[2]["images_per_s"]) == d["cost_model_images_per_s"]
assert float(rows[4]["images_per_s"]) == d["images_per_s"]
assert float(rows[3]["images_per_s"]) == ideal["dataflow"]["images_per_s"]
# The ideal run really had a free network, and both are bit-exact.
assert ideal["platform"]["noc"]["latency_cycles"] == [0, 0, 0, 0], ideal["platform"]["noc"]
assert ideal["platform"]["noc"]["width_bytes"] == [4096] * 4
assert ideal["results"]["noc"]["levels"][0]["contention_cycles"] == 0
for s in (real, ideal):
    assert s["dataflow"]["output_check"]["mismatches"] == 0
PY
expect_exit 1 /usr/bin/python3 "$SRC/scripts/fig6.py" --vp "$VP" --out "$OUT/g" --platform no-such-platform
echo "fig6 ok"
