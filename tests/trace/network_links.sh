# A dataflow run of resnet-tiny on mpaimc-8 (all 8 clusters traced) writes
# link occupancy signals for every network link, consistent with the
# network's statistics.
. "$2/tests/cli/lib.sh"
FW=$(dirname "$VP")/../firmware
[ -f "$FW/dataflow.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }
expect_exit 0 "$VP" -q --network resnet-tiny --platform mpaimc-8 --batch 2 --stats s.json --vcd w.vcd
python3 "$SRC/tests/trace/check_links.py" s.json w.vcd || fail "link signals do not match the statistics"
echo "network links ok"
