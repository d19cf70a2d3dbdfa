# hetero-cluster-8 and its depthwise accelerator from the command line: the
# accelerated bottleneck program runs bit-exact, its registers are in the
# register dump and its work in the statistics and the energy; the same
# program on a cluster without the accelerator is a located firmware fault;
# a bad cluster.dwconv key is a located configuration error.
. "$(dirname "$0")/lib.sh"
FW=$(dirname "$VP")/../firmware
[ -f "$FW/bottleneck_dwconv.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }
expect_exit 0 "$VP" -q --platform hetero-cluster-8 --elf "$FW/bottleneck_dwconv.elf" --dump-registers 0 --stats s.json
expect_in "bottleneck ima+dwconv: 8 cores," "$STDOUT"
expect_in "mismatches 0 of 25088" "$STDOUT"
# 16 lanes, kernels up to 7; one convolution done; the layer's 28 x 28 x 192 map.
echo "$STDOUT" | grep -Eq '^cluster 0 dwconv +INFO +0x20104008 = 0x00000710$' || fail "no dwconv INFO: $STDOUT"
echo "$STDOUT" | grep -Eq '^cluster 0 dwconv +STATUS +0x20104004 = 0x00010000$' || fail "no completed convolution: $STDOUT"
echo "$STDOUT" | grep -Eq '^cluster 0 dwconv +CHANNELS +0x20104028 = 0x000000c0$' || fail "no CHANNELS: $STDOUT"
python3 - <<'PY' || fail "statistics"
import json
s = json.load(open("s.json"))
c = s["results"]["per_cluster"][0]
# 28 x 28 outputs x 192 channels x 9 taps; 12 channel groups x 28 rows.
assert c["dwconv_macs"] == 28 * 28 * 192 * 9, c
assert c["dwconv_jobs"] == 12 * 28 and c["dwconv_convolutions"] == 1, c
e = s["energy"]["components_mj"]
assert abs(e["dwconv"] - c["dwconv_macs"] * s["platform"]["energy"]["dwconv_mac_pj"] * 1e-9) < 1e-12, e
PY
# The timeline shows the accelerator's convolution and its 336 jobs.
expect_exit 0 "$VP" -q --platform hetero-cluster-8 --elf "$FW/bottleneck_dwconv.elf" --timeline t.json
python3 - <<'PY' || fail "timeline"
import json
ev = json.load(open("t.json"))["traceEvents"]
names = [e.get("name", "") for e in ev if e.get("ph") == "X"]
assert names.count("depthwise conv, 336 job(s)") == 1, [n for n in names if "depthwise" in n][:5]
assert names.count("output row") == 336, names.count("output row")
tracks = [e["args"]["name"] for e in ev if e.get("name") == "thread_name"]
assert "depthwise accelerator" in tracks and "depthwise datapath" in tracks, tracks
PY
# Without the accelerator its registers are a hole: the first store faults at its address.
expect_exit 1 "$VP" -q --platform cluster-1 --set cluster.cores=8 --elf "$FW/bottleneck_dwconv.elf"
expect_in "core 0.0 (cluster 0, core 0): trap with no handler" "$STDERR"
expect_in "(store access fault), mtval 0x10104010" "$STDERR"
expect_exit 2 "$VP" -q --platform hetero-cluster-8 --set cluster.dwconv.lanes=0 --elf "$FW/bottleneck_dwconv.elf"
expect_in "cluster.dwconv.lanes: 0 is out of range [1, 255]" "$STDERR"
echo "hetero cluster ok"
