# --gtkw names every signal of the waveform in groups and opens it; --fst
# converts back (fst2vcd) to the VCD's signals and changes; both are usage
# errors when they cannot be honoured (exit 2, nothing written).
. "$2/tests/cli/lib.sh"
FW=$(dirname "$VP")/../firmware
[ -f "$FW/cl_ima_pipeline.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }
command -v vcd2fst >/dev/null && command -v fst2vcd >/dev/null || fail "vcd2fst/fst2vcd missing (package gtkwave)"
RUN=("$VP" -q --platform mpaimc-8 --elf "$FW/cl_ima_pipeline.elf" --trace-clusters 1-2)
expect_exit 0 "${RUN[@]}" --vcd w.vcd --fst w.fst --gtkw w.gtkw
fst2vcd w.fst >back.vcd 2>fst2vcd.log || fail "fst2vcd failed: $(cat fst2vcd.log)"
python3 "$SRC/tests/trace/check_gtkw_fst.py" w.vcd w.gtkw back.vcd "$OUT/w.vcd" || fail "gtkw or fst wrong"
ls ./*.tmp 2>/dev/null && fail "temporary file left behind"
# FST alone: the save file opens the FST; the FST is the same bytes on a second run.
expect_exit 0 "${RUN[@]}" --fst f.fst --gtkw f.gtkw
python3 "$SRC/tests/trace/check_gtkw_fst.py" w.vcd f.gtkw back.vcd "$OUT/f.fst" || fail "gtkw of the FST wrong"
cmp -s w.fst f.fst || fail "FST differs between runs"
expect_exit 2 "${RUN[@]}" --gtkw bad.gtkw
expect_in "--gtkw" "$STDERR"
expect_exit 2 env PATH=/nonexistent "${RUN[@]}" --fst bad.fst
expect_in "vcd2fst" "$STDERR"
[ ! -e bad.gtkw ] && [ ! -e bad.fst ] || fail "file written despite the usage error"
echo "gtkw and fst ok"
