# vp-run --elf with no --platform: cluster firmware runs on the default
# manycore platform, a bare-metal program on bare-rv32.
. "$(dirname "$0")/lib.sh"
FW=$(dirname "$VP")/../firmware
[ -f "$FW/hello.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }
expect_exit 0 "$VP" --elf "$FW/hello.elf"
expect_in "bare-rv32" "$STDERR"
expect_in "[c0.0]" "$STDOUT"
expect_exit 0 "$VP" --platform mpaimc-8 --elf "$FW/cl_hello.elf" -q
expect_in "[c7.0] 16 cores, 8 clusters" "$STDOUT"
# A bare program on the manycore platform is refused with the reason.
expect_exit 1 "$VP" --platform mpaimc-8 --elf "$FW/hello.elf" -q
expect_in "instruction memory" "$STDERR"
# A fault on 8 clusters at once: one report naming core, pc and cause, exit 1.
expect_exit 1 "$VP" --platform mpaimc-8 --elf "$FW/cl_fault.elf" -q
expect_in "illegal instruction" "$STDERR"
expect_in "pc 0x" "$STDERR"
case "$STDERR" in *W545*) fail "SystemC warning leaked: $STDERR";; esac
# The simulated-time limit names what each unfinished core is doing.
expect_exit 1 "$VP" --platform mpaimc-8 --elf "$FW/cl_ima_pipeline.elf" --max-time 100us -q --stats lim.json
expect_in "time limit reached at 100 us" "$STDERR"
expect_in "asleep at pc" "$STDERR"
python3 -c "import json; s = json.load(open('lim.json')); assert s['status'] == 'time-limit' and s['exit_code'] == 1" \
  || fail "time-limit stats"
echo "elf-platform ok"
