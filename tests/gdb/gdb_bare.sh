# gdb-multiarch on the bare platform (one core, "cluster 0 core 0"): stops at
# the ELF entry, a breakpoint on main, stepi, continue to the normal end; and
# --itrace of the same program starts at the entry. Everything under timeout.
. "$2/tests/cli/lib.sh"
ELF=$4
command -v gdb-multiarch >/dev/null || fail "gdb-multiarch not installed (scripts/deps.txt)"
[ -f "$ELF" ] || fail "missing $ELF"

. "$(dirname "$0")/start_vp.sh"
start_vp bare-rv32
cat >session.gdb <<GDB
set pagination off
set confirm off
set architecture riscv:rv32
file $ELF
target remote :$PORT
info threads
printf "PC-AT-ENTRY %d\n", \$pc == _start
break main
continue
printf "PC-AT-MAIN %d\n", \$pc == main
stepi
printf "STEPPED %d\n", \$pc != main
continue
GDB
timeout 60 gdb-multiarch --batch -x session.gdb >gdb.out 2>&1 || fail "gdb-multiarch failed: $(cat gdb.out)"
wait $VP_PID || fail "vp-run exit $?: $(cat vp.err)"
G=$(cat gdb.out)
expect_in 'Thread 1 "cluster 0 core 0"' "$G"
expect_in "PC-AT-ENTRY 1" "$G"
expect_in "PC-AT-MAIN 1" "$G"
expect_in "STEPPED 1" "$G"
expect_in "exited normally" "$G"
expect_in "sum of squares 1..100 = 338350" "$(cat vp.out)"

expect_exit 0 "$VP" --platform bare-rv32 --elf "$ELF" --itrace trace.txt -q
ENTRY=$(riscv64-unknown-elf-readelf -h "$ELF" | sed -n 's/.*Entry point address: *0x\([0-9a-f]*\)/\1/p')
head -1 trace.txt | grep -q " $(printf '%08x' 0x$ENTRY) " || fail "the trace does not start at the entry 0x$ENTRY: $(head -1 trace.txt)"
echo ok
