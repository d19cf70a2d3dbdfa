# scripts/plot_cluster_time.py turns a manycore run's --stats into a CSV and a PNG.
. "$(dirname "$0")/lib.sh"
FW=$(dirname "$VP")/../firmware
[ -f "$FW/cl_ima_pipeline.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }
expect_exit 0 "$VP" --platform mpaimc-8 --elf "$FW/cl_ima_pipeline.elf" -q --stats s.json
expect_exit 0 "$SRC/scripts/plot_cluster_time.py" s.json t.png --csv t.csv
[ "$(head -c 8 t.png | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "t.png is not a PNG"
[ "$(wc -l < t.csv)" = 9 ] || fail "t.csv should have a header and 8 clusters"
/usr/bin/python3 - <<'PY' || fail "CSV content"
import csv
rows = list(csv.DictReader(open("t.csv")))
assert all(float(r["ima_busy_us"]) > 0 and float(r["core_active_us"]) > 0 for r in rows), rows
PY
expect_exit 1 "$SRC/scripts/plot_cluster_time.py" /dev/null x.png
expect_in "not vp-run --stats output" "$STDERR"
echo "plot ok"
