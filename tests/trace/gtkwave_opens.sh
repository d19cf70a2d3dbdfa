# GTKWave itself (headless, under xvfb-run) opens the --gtkw save file of a
# VCD and of an FST and shows every signal the VCD declares, in its groups,
# core states by name (the translate filter written beside the save file),
# zoomed so that the whole run fits the wave pane.
. "$2/tests/cli/lib.sh"
FW=$(dirname "$VP")/../firmware
[ -f "$FW/cl_ima_pipeline.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }
command -v xvfb-run >/dev/null && command -v gtkwave >/dev/null || fail "xvfb-run or gtkwave missing (packages xvfb, gtkwave)"
RUN=("$VP" -q --platform mpaimc-8 --elf "$FW/cl_ima_pipeline.elf" --trace-clusters 5)
expect_exit 0 "${RUN[@]}" --vcd w.vcd --gtkw w.gtkw --fst f.fst
expect_exit 0 "${RUN[@]}" --fst f.fst --gtkw f.gtkw
signals=$(grep -c '^\$var' w.vcd)
groups=$(( $(grep -c -E '^-(cluster [0-9]+|network links|platform)$' w.gtkw) / 2 ))  # a begin and an end line per group
end_ns=$(grep '^#' w.vcd | tail -1 | tr -d '#')
[ -s w.gtkw.core_states.txt ] && grep -q '^3 ima$' w.gtkw.core_states.txt || fail "no core state filter beside w.gtkw"
for save in w.gtkw f.gtkw; do
  MARK_NS=1000 timeout 60 xvfb-run -a gtkwave -S "$SRC/tests/trace/gtkwave_list.tcl" "$save" >gtkwave.log 2>&1 ||
    fail "gtkwave failed on $save: $(tail -5 gtkwave.log)"
  shown=$(grep '^TRACES ' gtkwave.log | cut -d' ' -f2)
  # Each group is a begin and an end trace besides its signals.
  # Each power trace (analog) has 3 rows of height below it.
  power=$(grep -c 'power_uw' w.gtkw)
  [ "$shown" = $((signals + 2 * groups + 3 * power)) ] ||
    fail "$save: gtkwave shows $shown traces, wanted $signals signals + $groups groups + 3 rows for $power power traces"
  grep -q '^T core_0_state\[2:0\] ' gtkwave.log || fail "$save: core_0_state not shown"
  grep -q '^T network links ' gtkwave.log || fail "$save: no network links group"
  # Core states: decimal, right-justified, through the file filter (GTKWave flags 0x4|0x20|0x2000), by name.
  grep -q '^T core_0_state\[2:0\] 8228 compute$' gtkwave.log || fail "$save: core_0_state not shown by name: $(grep core_0_state gtkwave.log)"
  # The zoom shows 2^-z ns per 200 pixels: the run must fit an 800-pixel pane, and fill at least a quarter of it.
  zoom=$(sed -n 's/^ZOOM //p' gtkwave.log)
  python3 -c "import sys; z=float('$zoom'); span=2**-z/200*800; sys.exit(0 if $end_ns <= span < 4*$end_ns else 1)" ||
    fail "$save: zoom $zoom does not show the run's $end_ns ns in 800 pixels"
done
echo "gtkwave opens both ($signals signals, $groups groups)"
