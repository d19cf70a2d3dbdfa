# vp-run's dataflow job end to end on one-layer networks (mpaimc-8, batch 3):
# the outputs are bit-exact, the report's fields are in --stats, the CSV has
# a row per used cluster, and a flipped weight is caught as a mismatch.
. "$2/tests/cli/lib.sh"
NET=$SRC/tests/dataflow
[ -f "$(dirname "$VP")/../firmware/dataflow.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }

expect_exit 0 "$VP" --network "$NET/one_conv.yaml" --platform mpaimc-8 --batch 3 --stats conv.json --breakdown conv.csv \
  --breakdown-png conv-vp.png
[ "$(head -c 8 conv-vp.png | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "--breakdown-png wrote no PNG"
expect_in "dataflow job: one-conv (full mapping, batch 3, seed 1) on mpaimc-8" "$STDOUT"
expect_in "bit-exact: 3 images, 17280 bytes, 0 mismatches" "$STDOUT"
expect_in "clusters used     2 of 8" "$STDOUT"
/usr/bin/python3 - conv.json conv.csv 2 <<'PY' || fail "conv report"
import csv, json, sys
s = json.load(open(sys.argv[1])); d = s["dataflow"]; used = int(sys.argv[3])
for k in ["network", "mode", "batch", "clusters_used", "clusters_total", "images_per_s", "tops", "ops_per_image",
          "batch_latency_ns", "output_check", "breakdown", "simulated_ns", "host_seconds", "mips"]:
    assert k in d, k
assert d["batch"] == 3 and d["clusters_used"] == used and d["clusters_total"] == 8
assert d["ops_per_image"] == 2 * 24 * 144 * 12 * 20
assert d["output_check"] == {"images": 3, "bytes": 3 * 24 * 12 * 20, "mismatches": 0}
assert 0 < d["batch_latency_ns"] <= d["end_to_end_ns"] <= d["simulated_ns"] + 1e-6
assert d["pipeline_start_ns"] is not None and d["pipeline_start_ns"] > 0
done = d["image_done_ns"]              # the last of the replicas' IMAGE_DONE marks per image
assert len(done) == 3 and done == sorted(done) and done[-1] == d["end_to_end_ns"], done
marks = [m for c in s["results"]["per_cluster"] for m in c.get("image_done", [])]
assert len(marks) == 3 * used and all(max(m["ns"] for m in marks if m["image"] == i) == done[i] for i in range(3))
assert abs(d["images_per_s"] - 2 / ((done[2] - done[0]) * 1e-9)) < 1e-6 * d["images_per_s"]
assert abs(d["tops"] - d["images_per_s"] * d["ops_per_image"] / 1e12) < 1e-9
b = d["breakdown"]; rows = b["clusters"]
assert len(rows) == used and b["analog_bound_clusters"] + b["digital_bound_clusters"] == used
for r in rows:
    parts = r["boot_ns"] + r["compute_ns"] + r["ima_wait_ns"] + r["dwconv_wait_ns"] + r["communication_ns"] + \
        r["synchronization_ns"] + r["idle_ns"]
    assert abs(parts - r["end_ns"]) < 1.0, r   # the bar is the cluster's whole time
    assert r["ima_busy_ns"] > 0 and r["role"] == "analog"
assert abs(sum(b["shares"][k] for k in ["boot", "computation_analog_bound", "computation_digital_bound", "communication",
                                          "synchronization", "idle"]) - 1) < 1e-9
c = list(csv.DictReader(open(sys.argv[2])))
assert [int(r["cluster"]) for r in c] == [r["cluster"] for r in rows] and c[0]["layer_name"] == "conv"
PY

# Determinism: the same job again gives the same report, host timings aside.
expect_exit 0 "$VP" --network "$NET/one_conv.yaml" --platform mpaimc-8 --batch 3 --stats again.json -q
/usr/bin/python3 - conv.json again.json <<'PY' || fail "two runs of the same job differ"
import json, sys
a, b = (json.load(open(f))["dataflow"] for f in sys.argv[1:3])
for d in (a, b):
    for k in ("host_seconds", "mips"): d.pop(k)
assert a == b
PY

# The Fig. 5B-D picture from the same statistics; its CSV has vp-run's columns.
expect_exit 0 "$SRC/scripts/plot_cluster_time.py" conv.json conv.png --csv plot.csv
[ "$(head -c 8 conv.png | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "conv.png is not a PNG"
[ "$(head -1 plot.csv)" = "$(head -1 conv.csv)" ] || fail "plot CSV columns differ from --breakdown"
[ "$(cut -d, -f1-6 plot.csv)" = "$(cut -d, -f1-6 conv.csv)" ] || fail "plot CSV rows differ from --breakdown"

expect_exit 0 "$VP" --network "$NET/one_pool.yaml" --platform mpaimc-8 --mapping-mode naive --batch 3 -q --stats pool.json
expect_in "dataflow job: one-pool (naive mapping" "$STDOUT"
expect_in "bit-exact: 3 images, 2880 bytes, 0 mismatches" "$STDOUT"
/usr/bin/python3 -c '
import json; d = json.load(open("pool.json"))["dataflow"]
assert d["clusters_used"] == 1 and d["ops_per_image"] == 0 and d["breakdown"]["clusters"][0]["bound"] == "digital", d' \
  || fail "pool report"

# A whole small network (convs, reduction, residual add, pooling, FC) through the same host side.
expect_exit 0 "$VP" --network resnet-tiny --platform mpaimc-8 --batch 2 -q --stats tiny.json
expect_in "bit-exact: 2 images, 600 bytes, 0 mismatches" "$STDOUT"
/usr/bin/python3 -c '
import json; d = json.load(open("tiny.json"))["dataflow"]
assert d["clusters_used"] == 8 and d["images_per_s"] > 0 and len(d["breakdown"]["clusters"]) == 8, d' \
  || fail "resnet-tiny report"

# The check compares every byte: one flipped weight must show.
expect_exit 1 "$VP" --network "$NET/one_fc.yaml" --platform mpaimc-8 --batch 2 --test-flip-weight --stats bad.json
expect_in "dataflow outputs differ from the reference" "$STDERR"
expect_in "first: image 0" "$STDERR"
case "$STDOUT" in *bit-exact*) fail "a mismatch printed bit-exact: $STDOUT";; esac
/usr/bin/python3 -c '
import json; s = json.load(open("bad.json"))
assert s["status"] == "output-mismatch" and s["exit_code"] == 1 and s["dataflow"]["output_check"]["mismatches"] > 0' \
  || fail "mismatch stats"

# Stopped before the outputs exist: no check, and the golden model running
# beside the simulation is cancelled (the run ends, exit 1, the limit named).
expect_exit 1 "$VP" --network "$NET/one_conv.yaml" --platform mpaimc-8 --batch 3 --max-time 2us --stats cut.json
expect_in "time limit reached" "$STDERR"
/usr/bin/python3 -c '
import json; s = json.load(open("cut.json"))
assert s["status"] == "time-limit" and "output_check" not in s.get("dataflow", {}), s.get("dataflow")' \
  || fail "time-limited job stats"
echo "dataflow job ok"
