# gdb-multiarch drives vp-run --gdb: a breakpoint on one core (thread), its
# registers and arguments, stepi and next, a global, a watchpoint stopping at
# the store, thread names, Ctrl-C-free detach (the run then finishes, exit 0).
# Everything under `timeout`: a hang fails the test instead of blocking CTest.
. "$2/tests/cli/lib.sh"
ELF=$4
command -v gdb-multiarch >/dev/null || fail "gdb-multiarch not installed (scripts/deps.txt)"
[ -f "$ELF" ] || fail "missing $ELF"

. "$(dirname "$0")/start_vp.sh"

start_vp cluster-1
cat >session.gdb <<GDB
set pagination off
set confirm off
set architecture riscv:rv32
file $ELF
target remote :$PORT
info threads
break compute thread 3
continue
printf "PC-AT-COMPUTE %d\n", \$pc == compute
printf "ARG-X %d\n", x
printf "THREAD %d\n", \$_thread
printf "MHARTID %d\n", \$mhartid
set \$mscratch = 0x1234
printf "MSCRATCH %x\n", \$mscratch
stepi
printf "AFTER-STEPI %d\n", \$pc > compute
next
printf "COUNTER-BEFORE %d\n", counter
watch counter
continue
printf "COUNTER-AFTER %d\n", counter
printf "RESULT-2 %d\n", results[2]
monitor regs
monitor regs 5
monitor frobnicate
x/i \$pc
info threads
detach
GDB
timeout 60 gdb-multiarch --batch -nx -x session.gdb >gdb.out 2>&1 || fail "gdb failed: $(cat gdb.out)"
wait $VP_PID; rc=$?
G=$(cat gdb.out)
expect_in 'Thread 1 "cluster 0 core 0"' "$G"
expect_in 'Thread 16 "cluster 0 core 15"' "$G"
expect_in 'Thread 3 "cluster 0 core 2" hit Breakpoint 1, compute (x=x@entry=5)' "$G"
expect_in "PC-AT-COMPUTE 1" "$G"
expect_in "ARG-X 5" "$G"
expect_in "THREAD 3" "$G"
expect_in "MHARTID 2" "$G"
expect_in "MSCRATCH 1234" "$G"
expect_in "AFTER-STEPI 1" "$G"
expect_in "main () at" "$G"
expect_in "COUNTER-BEFORE 0" "$G"
expect_in "Hardware watchpoint 2: counter" "$G"
expect_in "Old value = 0" "$G"
expect_in "New value = 55" "$G"   # 0+1+4+9+16+25: core 2 computes compute(5)
expect_in "COUNTER-AFTER 55" "$G"
expect_in "RESULT-2 55" "$G"
# monitor regs: the stopped thread's cluster's peripherals, by name, at their global addresses.
echo "$G" | grep -Eq '^cluster 0 ctrl +NUM_CORES +0x20103008 = 0x00000010$' || fail "monitor regs: no NUM_CORES: $G"
echo "$G" | grep -Eq '^cluster 0 ima +INFO +0x20102008 = 0x01000100$' || fail "monitor regs: no IMA INFO: $G"
echo "$G" | grep -Eq '^cluster 0 dma +CH0_SRC +0x20101' || fail "monitor regs: no DMA CH0_SRC: $G"
echo "$G" | grep -Eq '^cluster 0 event_unit +CORE2_MASK ' || fail "monitor regs: no event unit: $G"
expect_in "monitor regs: no cluster '5' (0..0)" "$G"
expect_in "regs [CLUSTER]" "$G"
# Stopped right after the store (GDB stepped over it), not one instruction later.
STORE=$(riscv64-unknown-elf-objdump -d "$ELF" | sed -n 's/^ *\([0-9a-f]*\):.*sw.*<counter>$/\1/p')
NEXT_PC=$(printf '%x' $((0x$STORE + 4)))
expect_in "=> 0x$NEXT_PC" "$G"
expect_in "[Inferior 1 (Remote target) detached]" "$G"
[ "$rc" = 0 ] || fail "vp-run exit $rc after detach: $(cat vp.err)"
grep -q "vp-run: ok" vp.err || fail "the run did not finish after detach: $(cat vp.err)"
# A breakpoint that is never hit puts every core on the step path until the
# end: the run's statistics must be those of a run without GDB.
expect_exit 0 "$VP" -q --platform cluster-1 --elf "$ELF" --stats plain.json
start_vp cluster-1 --stats debugged.json
printf 'set confirm off\ntarget remote :%s\nbreak *0x1c7ffff0\ncontinue\n' "$PORT" >never.gdb
timeout 60 gdb-multiarch --batch -nx -x never.gdb "$ELF" >never.out 2>&1 || fail "gdb failed: $(cat never.out)"
wait $VP_PID || fail "vp-run failed: $(cat vp.err)"
expect_in "exited normally" "$(cat never.out)"
python3 - <<'PY' || fail "statistics differ under GDB"
import json
a, b = (json.load(open(f))["results"] for f in ("plain.json", "debugged.json"))
diff = [k for k in a if not k.startswith("host_") and k != "mips" and a[k] != b[k]]  # host_threads: debug runs on one
assert not diff, f"differ: {diff}"
PY
echo "gdb session ok"
