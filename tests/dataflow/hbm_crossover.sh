# scripts/hbm_crossover.py: the root-link sweep on resnet-tiny (residual adds) on mpaimc-64,
# two widths x two latency modes x two mappings: a CSV row per point, a table, a PNG.
. "$2/tests/cli/lib.sh"
[ -f "$(dirname "$VP")/../firmware/dataflow.elf" ] || { echo "firmware not built: skipped"; exit 77; }
/usr/bin/python3 -c "import matplotlib, yaml" 2>/dev/null || { echo "python3-matplotlib or python3-yaml missing: skipped"; exit 77; }
expect_exit 0 /usr/bin/python3 "$SRC/scripts/hbm_crossover.py" --vp "$VP" --out "$OUT/x" --network resnet-tiny \
  --platform mpaimc-64 --widths 4,64
expect_in "| root link (B/cycle) | replicate pipelined images/s | full pipelined images/s | replicate serialized images/s" "$STDOUT"
cmp -s <(echo "$STDOUT") x/crossover.md || fail "crossover.md differs from the printed table"
[ "$(head -c 8 x/crossover.png | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "crossover.png is not a PNG"
/usr/bin/python3 - <<'PY' || fail "crossover.csv"
import csv
rows = list(csv.DictReader(open("x/crossover.csv")))
assert len(rows) == 8, len(rows)
assert {(r["mapping"], r["latency_mode"], r["root_width_bytes"]) for r in rows} == {
    (m, l, w) for m in ("replicate", "full") for l in ("pipelined", "serialized") for w in ("4", "64")}
for r in rows:
    assert r["status"] == "ok" and r["mismatches"] == "0" and float(r["images_per_s"]) > 0, r
# The residual rings live in the HBM only in replicate mode; the narrow root link shows contention.
hbm = {(r["mapping"], r["latency_mode"], r["root_width_bytes"]): int(r["hbm_bytes"]) for r in rows}
assert hbm[("replicate", "pipelined", "64")] > hbm[("full", "pipelined", "64")], hbm
cont = {(r["mapping"], r["latency_mode"], r["root_width_bytes"]): int(r["root_contention_cycles"]) for r in rows}
assert cont[("replicate", "pipelined", "4")] > cont[("replicate", "pipelined", "64")], cont
PY
# scripts/noc_report.py on two of the points: levels, busiest links, per-layer times.
expect_exit 0 /usr/bin/python3 "$SRC/scripts/noc_report.py" x/replicate-serialized-4.json x/full-pipelined-64.json
expect_in "resnet-tiny replicate on mpaimc-64" "$STDOUT"
expect_in "| hbm_link | " "$STDOUT"
expect_in "hbm up_wr" "$STDOUT"
expect_in "| conv1 | " "$STDOUT"
expect_exit 1 /usr/bin/python3 "$SRC/scripts/hbm_crossover.py" --vp "$VP" --out "$OUT/y" --modes quick
expect_in "unknown latency mode 'quick'" "$STDERR"
echo "hbm_crossover ok"
