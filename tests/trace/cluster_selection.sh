# --trace-clusters keeps only the chosen clusters in both outputs; a range
# beyond the platform or malformed is a usage error (exit 2, nothing written).
. "$2/tests/cli/lib.sh"
FW=$(dirname "$VP")/../firmware
[ -f "$FW/cl_ima_pipeline.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }
expect_exit 0 "$VP" -q --platform mpaimc-8 --elf "$FW/cl_ima_pipeline.elf" --stats s.json \
  --timeline t.json --vcd w.vcd --trace-clusters 2-3
python3 "$SRC/tests/trace/check_trace.py" s.json t.json w.vcd 2-3 || fail "selected trace wrong"
expect_exit 2 "$VP" -q --platform mpaimc-8 --elf "$FW/cl_ima_pipeline.elf" --vcd bad.vcd --trace-clusters 6-8
expect_in "clusters 0-7" "$STDERR"
[ ! -e bad.vcd ] || fail "VCD written despite the usage error"
expect_exit 2 "$VP" --platform mpaimc-8 --timeline bad.json --trace-clusters 3-x
expect_in "--trace-clusters" "$STDERR"
expect_exit 2 "$VP" --platform bare-rv32 --timeline bad.json
expect_in "manycore" "$STDERR"
echo "cluster selection ok"
