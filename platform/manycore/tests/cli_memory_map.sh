# vp-run --print-memory-map prints the generated table; vp-run elaborates and runs the
# whole 512-cluster network with idle cluster slots.
. "$2/tests/cli/lib.sh"
expect_exit 0 "$VP" --print-memory-map
expect_in "| cluster 0 L1 | 0x20000000 | 0x20100000 | 0x100000 | hbm_link 0 / wrapper 0 / l3 0 / l2 0 / l1 0 |" "$STDOUT"
expect_in "| cluster 511 peripherals | 0x5FF00000 | 0x60000000 | 0x100000 |" "$STDOUT"
expect_in "| HBM | 0x80000000 | 0xE0000000 | 0x60000000 | hbm_link (root) |" "$STDOUT"
[ "$(grep -c '^| cluster .* L1 |' "$OUT/stdout")" = 512 ] || fail "expected 512 cluster L1 rows"
expect_exit 0 "$VP" --platform mpaimc-8 --print-memory-map
[ "$(grep -c '^| cluster .* L1 |' "$OUT/stdout")" = 8 ] || fail "expected 8 cluster L1 rows"
# A bad map is a located configuration error.
expect_exit 2 "$VP" --platform mpaimc-8 --set memory_map.hbm_base=0x20000000 --print-memory-map
expect_in "memory_map" "$STDERR"
# The full platform: 512 cluster slots, 170 AXI nodes, the HBM; finishes at once.
expect_exit 0 timeout 60 "$VP" --platform mpaimc-512 --stats s.json --quiet
python3 - "$OUT/s.json" <<'PY' || fail "stats content"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["status"] == "ok", s
noc = s["results"]["noc"]
assert [l["nodes"] for l in noc["levels"]] == [1, 1, 8, 32, 128], noc
assert noc["hbm"]["allocated_bytes"] == 0
PY
echo "memory-map ok"
