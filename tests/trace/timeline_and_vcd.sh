# A run of mpaimc-8 with the IMA pipeline firmware writes a timeline and a VCD
# that agree with its statistics; the VCD converts to FST; both are the same
# bytes on a second run.
. "$2/tests/cli/lib.sh"
FW=$(dirname "$VP")/../firmware
[ -f "$FW/cl_ima_pipeline.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }
for i in 1 2; do
  expect_exit 0 "$VP" -q --platform mpaimc-8 --elf "$FW/cl_ima_pipeline.elf" --stats s$i.json \
    --timeline t$i.json --vcd w$i.vcd
done
python3 "$SRC/tests/trace/check_trace.py" s1.json t1.json w1.vcd 0-7 || fail "trace does not match the statistics"
cmp -s t1.json t2.json || fail "timeline differs between runs"
cmp -s w1.vcd w2.vcd || fail "VCD differs between runs"
[ ! -e t1.json.tmp ] && [ ! -e w1.vcd.tmp ] || fail "temporary file left behind"
command -v vcd2fst >/dev/null || fail "vcd2fst missing (package gtkwave)"
vcd2fst w1.vcd w1.fst >vcd2fst.log 2>&1 || fail "vcd2fst failed: $(cat vcd2fst.log)"
[ -s w1.fst ] || fail "vcd2fst wrote nothing"
echo "timeline and vcd ok"
