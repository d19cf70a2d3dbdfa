# Heterogeneous platforms and larger crossbars (issue 24), end to end through
# vp-run: resnet-tiny bit-exact on a platform of analog clusters (one core and
# an IMA) and digital clusters (no IMA), and on 512x512 crossbars; the class
# of each cluster in --print-memory-map; a class mistake located in its file.
. "$2/tests/cli/lib.sh"
[ -f "$(dirname "$VP")/../firmware/dataflow.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }
H=$SRC/tests/hetero/hetero-8.yaml

expect_exit 0 "$VP" --platform "$H" --network resnet-tiny --batch 2 --stats h.json
expect_in "bit-exact: 2 images, 600 bytes, 0 mismatches" "$STDOUT"
/usr/bin/python3 - h.json <<'PY' || fail "hetero-8 report"
import json, sys
s = json.load(open(sys.argv[1]))
per = {c["cluster"]: c for c in s["results"]["per_cluster"]}
rows = s["dataflow"]["breakdown"]["clusters"]
digital = {3, 7}  # classes_repeat [analog, analog, analog, digital]
for r in rows:
    if r["role"] == "analog":
        assert r["cluster"] not in digital and per[r["cluster"]]["ima_jobs"] > 0, r
    else:
        assert r["role"] != "analog"
for c in digital:
    assert per[c]["ima_jobs"] == 0
area = s["results"]["area"]["per_cluster_mm2"]
assert area[3] < area[0], area  # no IMA, a smaller L1, even with 16 cores against 1
PY

# Each class's own L1 (the mapper sizes tiles per class): analog clusters of
# 100 KiB beside digital ones of 512 KiB; the reduction's tiles (109 KiB) only
# fit the digital class; the average pool that spills onto an analog cluster fits that.
expect_exit 0 "$VP" --platform "$H" --set cluster_classes.analog.l1.size=100KiB --network resnet-tiny --batch 2
expect_in "bit-exact: 2 images, 600 bytes, 0 mismatches" "$STDOUT"

# Requantization nodes (--cost offload_requant=1): conv1's and fc's int32
# outputs go to one-input reductions that requantize, bit-exact.
expect_exit 0 "$VP" --platform mpaimc-64 --network resnet-tiny --cost offload_requant=1 --batch 2 --stats o.json
expect_in "bit-exact: 2 images, 600 bytes, 0 mismatches" "$STDOUT"
/usr/bin/python3 -c "
import json; s = json.load(open('o.json'))
names = [st['stage'] for st in s['dataflow']['pipeline']['stages']]
assert 'conv1 reduce L1' in names and 'fc reduce L1' in names, names
" || fail "requantization nodes"

# 512x512 crossbars: conv2's 288 rows and fc's 300 columns fit one crossbar each.
expect_exit 0 "$VP" --platform mpaimc-8 --set cluster.ima.rows=512 --set cluster.ima.cols=512 --network resnet-tiny \
  --batch 2 --stats x.json
expect_in "bit-exact: 2 images, 600 bytes, 0 mismatches" "$STDOUT"
/usr/bin/python3 -c "
import json; s = json.load(open('x.json'))
assert [r['role'] for r in s['dataflow']['breakdown']['clusters']].count('reduce') == 0, 'no row split on 512 rows'
" || fail "512x512 mapping"

# Mixed crossbar sizes on one platform (point 1): conv2 tiled for and placed
# on the 512x512 clusters (ids 3 and 7), conv1 and fc on 256x256 ones; bit-exact,
# so the golden model computes conv2 as one 288-row crossbar too.
expect_exit 0 "$VP" --platform "$SRC/tests/hetero/mixed-8.yaml" --network resnet-tiny --batch 2 --stats m.json
expect_in "bit-exact: 2 images, 600 bytes, 0 mismatches" "$STDOUT"
/usr/bin/python3 - m.json <<'PY' || fail "mixed-8 placement"
import json, sys
s = json.load(open(sys.argv[1]))
per = {c["cluster"]: c for c in s["results"]["per_cluster"]}
rows = s["dataflow"]["breakdown"]["clusters"]
big = {3, 7}
analog = {r["cluster"]: r["layer"] for r in rows if r["role"] == "analog"}
assert sorted(analog.values()) == [0, 1, 4, 4], analog  # conv1, conv2, fc (two column splits)
for c, layer in analog.items():
    assert (c in big) == (layer == 1), (c, layer)
    assert per[c]["ima_jobs"] > 0
assert [r["role"] for r in rows].count("reduce") == 0, "conv2's 288 rows on one 512-row crossbar"
PY

expect_exit 0 "$VP" --platform "$H" --print-memory-map
expect_in "| cluster 3 peripherals (no IMA: its block is a hole) |" "$STDOUT"
expect_in "l1 3 (class digital)" "$STDOUT"
expect_exit 0 "$VP" --platform mpaimc-512-hetero --print-platform
expect_in "classes_repeat: true" "$STDOUT"

sed 's/classes: \[analog, analog, analog, digital\]/classes: [analog, analgo, analog, digital]/' "$H" > bad.yaml
expect_exit 2 "$VP" --platform bad.yaml --print-platform
expect_in "bad.yaml:20:21: error: cluster.classes.1: 'analgo' is not a class of cluster_classes (analog, digital) (did you mean 'analog'?)" "$STDERR"
echo PASS
