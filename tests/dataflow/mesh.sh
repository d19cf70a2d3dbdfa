# The mesh platform end to end: resnet-tiny and cifar10-cnn on imc-4x4 (16 clusters on a 4 x 4
# mesh, 1152 x 64 crossbars, 4-bit weights and DAC) bit-exact, the network statistics of the
# mesh, its links in the VCD, and a mesh shape error located at the --set.
. "$2/tests/cli/lib.sh"
[ -f "$(dirname "$VP")/../firmware/dataflow.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }

expect_exit 0 "$VP" --network resnet-tiny --platform imc-4x4 --batch 2 --stats s.json --vcd w.vcd
expect_in "dataflow job: resnet-tiny (full mapping, batch 2, seed 1) on imc-4x4" "$STDOUT"
expect_in "bit-exact: 2 images, 600 bytes, 0 mismatches" "$STDOUT"
/usr/bin/python3 - s.json <<'PY' || fail "mesh statistics"
import json, sys
s = json.load(open(sys.argv[1]))
p = s["platform"]
assert p["noc"]["topology"] == "mesh" and p["noc"]["mesh"]["columns"] == 4 and p["cluster"]["count"] == 16, p["noc"]
levels = s["results"]["noc"]["levels"]
assert len(levels) == 1 and levels[0]["level"] == "mesh" and levels[0]["nodes"] == 16, levels
assert levels[0]["bytes"] > 0 and levels[0]["decode_errors"] == 0
assert s["results"]["noc"]["hbm"]["bytes_read"] > 0
for b in levels[0]["busiest_links"]:
    assert b["channel"] in ("out_rd", "in_wr", "in_rd", "out_wr"), b
    assert b["link"] == "hbm" or b["link"].startswith("cluster_") or b["link"].startswith("router_"), b
assert s["dataflow"]["output_check"]["mismatches"] == 0
PY
grep -q 'scope module router_0_0' w.vcd || fail "no mesh router scope in the VCD"
grep -q ' out_wr ' w.vcd || fail "no mesh link channel in the VCD"

# The CIFAR-10 CNN of the seed with its 4-bit weights and DAC, the whole array in use.
expect_exit 0 "$VP" --network cifar10-cnn --platform imc-4x4 --batch 3
expect_in "clusters used     16 of 16" "$STDOUT"
expect_in "bit-exact: 3 images, 30 bytes, 0 mismatches" "$STDOUT"

expect_exit 2 "$VP" --network resnet-tiny --platform imc-4x4 --set noc.mesh.rows=3
expect_in "noc.mesh" "$STDERR"
expect_in "a 4 x 3 mesh has 12 routers but cluster.count is 16" "$STDERR"
echo "mesh ok"
