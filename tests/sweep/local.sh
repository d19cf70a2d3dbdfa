# vp-sweep on the local backend: the table, resuming by input hash, failed runs
# listed and retried alone, the progress line on a terminal, and the plot.
. "$(dirname "$0")/lib.sh"
small_spec > s.yaml
expect_exit 0 "$SWEEP" s.yaml -j 2
expect_in "4 runs, 0 already done, 4 to run (local)" "$STDERR"
expect_in "4 ok" "$STDERR"
/usr/bin/python3 - <<'PY' || fail "table content"
import csv, json, os
rows = list(csv.DictReader(open("small.sweep/results.csv")))
assert len(rows) == 4, rows
assert [(r["noc.width_bytes.0"], r["noc.latency_cycles.0"]) for r in rows] == \
    [("16", "100"), ("16", "400"), ("64", "100"), ("64", "400")], rows
for r in rows:
    assert r["status"] == "ok" and r["error"] == "", r
    assert float(r["images_per_s"]) > 0 and float(r["tops"]) > 0 and float(r["latency_us"]) > 0, r
    assert r["clusters_used"] == "8" and r["output_mismatches"] == "0", r
    assert float(r["mj_per_image"]) > 0 and float(r["tops_per_w"]) > 0, r
    assert float(r["host_s"]) > 0, r
    stats = json.load(open(f"small.sweep/runs/{r['id']}/stats.json"))
    assert abs(stats["dataflow"]["images_per_s"] - float(r["images_per_s"])) <= 1e-5 * float(r["images_per_s"]), r
    assert stats["platform"]["noc"]["latency_cycles"][0] == int(r["noc.latency_cycles.0"]), r
# The figures come from the simulation: a slower HBM link takes longer.
lat = {(r["noc.width_bytes.0"], r["noc.latency_cycles.0"]): float(r["end_to_end_us"]) for r in rows}
assert lat[("16", "400")] > lat[("16", "100")] and lat[("64", "400")] > lat[("64", "100")], lat
assert len({r["id"] for r in rows}) == 4
PY
tokens() { cat small.sweep/runs/*/result.json | grep '"token"' | sort; }
before=$(tokens)

# Resuming: nothing has changed, nothing runs.
expect_exit 0 "$SWEEP" s.yaml
expect_in "4 runs, 4 already done, 0 to run" "$STDERR"
[ "$(tokens)" = "$before" ] || fail "a run whose inputs did not change ran again"
# A new axis value adds runs; a dry run says which and writes nothing.
sed -i 's/\[100, 400\]/[100, 400, 800]/' s.yaml
cp small.sweep/plan.json plan.before
expect_exit 0 "$SWEEP" s.yaml --dry-run
expect_in "6 runs, 2 to run" "$STDOUT"
cmp -s plan.before small.sweep/plan.json || fail "--dry-run wrote the plan"
expect_exit 0 "$SWEEP" s.yaml -j 2
expect_in "6 runs, 4 already done, 2 to run" "$STDERR"

# The hash covers the network file's content.
cp "$SRC/mapping/networks/resnet-tiny.yaml" net.yaml
printf 'name: net\nbase: {network: net.yaml, platform: mpaimc-8, batch: 2}\n' > n.yaml
expect_exit 0 "$SWEEP" n.yaml
expect_exit 0 "$SWEEP" n.yaml
expect_in "1 already done, 0 to run" "$STDERR"
echo "# changed" >> net.yaml
expect_exit 0 "$SWEEP" n.yaml
expect_in "0 already done, 1 to run" "$STDERR"

# Failed runs: listed with their error, kept as failed, retried on request or alone.
cat > f.yaml <<'SPEC'
name: fails
base: {network: resnet-tiny, platform: mpaimc-8, batch: 2}
axes:
  max-time: [20us, 10ms]
SPEC
expect_exit 1 "$SWEEP" f.yaml
expect_in "1 failed, 1 ok" "$STDERR"
expect_in "run 0 (" "$STDERR"
expect_in "time limit reached at 20 us" "$STDERR"
expect_in "--retry-failed" "$STDERR"
failed_id=$(awk -F, 'NR == 2 {print $2}' fails.sweep/results.csv)
expect_in "--only $failed_id" "$STDERR"
grep -q "^0,$failed_id,20us,failed,.*time limit reached" fails.sweep/results.csv || fail "failed row: $(cat fails.sweep/results.csv)"
expect_exit 0 "$SWEEP" status fails.sweep
expect_in "run 0 $failed_id failed (max-time=20us): exit 1: time limit reached" "$STDOUT"
expect_in "1 failed, 1 ok" "$STDOUT"
expect_exit 1 "$SWEEP" f.yaml
expect_in "2 already done, 0 to run" "$STDERR"
expect_exit 1 "$SWEEP" f.yaml --retry-failed
expect_in "1 already done, 1 to run" "$STDERR"
expect_exit 1 "$SWEEP" f.yaml --only "$failed_id"
expect_in "1 already done, 1 to run" "$STDERR"
expect_exit 1 "$SWEEP" f.yaml --only 1  # run 1 is fine, run 0 still failed
expect_in "1 already done, 1 to run" "$STDERR"

# On a terminal, one progress line with the ETA, rewritten in place.
rm -rf fails.sweep
script -qec "'$SWEEP' f.yaml -j 1" /dev/null > tty.out 2>&1
grep -q "ETA" tty.out || fail "no ETA on a terminal: $(cat tty.out)"
grep -q $'\r' tty.out || fail "the progress line is not rewritten in place"

# The plot: a metric against two axes, the other axes fixed.
expect_exit 0 "$SWEEP" plot small.sweep --metric end_to_end_us --x noc.latency_cycles.0 --series noc.width_bytes.0 -o p.png
[ "$(head -c 8 p.png | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "p.png is not a PNG"
expect_exit 2 "$SWEEP" plot small.sweep --metric end_to_end_us --x noc.latency_cycles.0
expect_in "noc.width_bytes.0 vary too" "$STDERR"
expect_exit 0 "$SWEEP" plot small.sweep/results.csv --x noc.latency_cycles.0 --where noc.width_bytes.0=64
[ -f "small.sweep/images_per_s-vs-noc.latency_cycles.0.png" ] || fail "default plot name"
expect_exit 2 "$SWEEP" plot small.sweep --metric images_per_sec --x noc.latency_cycles.0
expect_in "did you mean 'images_per_s'" "$STDERR"
echo "sweep local ok"
