# GTKWave itself (headless, under xvfb-run) opens the --gtkw save file of a
# VCD and of an FST and shows every signal the VCD declares, in its groups.
. "$2/tests/cli/lib.sh"
FW=$(dirname "$VP")/../firmware
[ -f "$FW/cl_ima_pipeline.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }
command -v xvfb-run >/dev/null && command -v gtkwave >/dev/null || fail "xvfb-run or gtkwave missing (packages xvfb, gtkwave)"
RUN=("$VP" -q --platform mpaimc-8 --elf "$FW/cl_ima_pipeline.elf" --trace-clusters 5)
expect_exit 0 "${RUN[@]}" --vcd w.vcd --gtkw w.gtkw --fst f.fst
expect_exit 0 "${RUN[@]}" --fst f.fst --gtkw f.gtkw
signals=$(grep -c '^\$var' w.vcd)
groups=$(( $(grep -c '^-' w.gtkw) / 2 ))  # a begin and an end line per group
for save in w.gtkw f.gtkw; do
  timeout 60 xvfb-run -a gtkwave -S "$SRC/tests/trace/gtkwave_list.tcl" "$save" >gtkwave.log 2>&1 ||
    fail "gtkwave failed on $save: $(tail -5 gtkwave.log)"
  shown=$(grep '^TRACES ' gtkwave.log | cut -d' ' -f2)
  # Each group is a begin and an end trace besides its signals.
  [ "$shown" = $((signals + 2 * groups)) ] || fail "$save: gtkwave shows $shown traces, wanted $signals signals + $groups groups"
  grep -q '^T core_0_state\[2:0\] ' gtkwave.log || fail "$save: core_0_state not shown"
  grep -q '^T network links ' gtkwave.log || fail "$save: no network links group"
done
echo "gtkwave opens both ($signals signals, $groups groups)"
