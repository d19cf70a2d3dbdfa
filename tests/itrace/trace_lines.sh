# vp-run --itrace: the first lines of a known program match the ELF and
# objdump, registers written carry their values, every retired instruction of
# the traced cores has its line, and tracing leaves the cycle counts unchanged.
. "$2/tests/cli/lib.sh"
FW=$(dirname "$VP")/../firmware
ELF=$FW/cl_hello.elf
[ -f "$ELF" ] || fail "missing $ELF (firmware not built)"

expect_exit 0 "$VP" -q --platform cluster-1 --elf "$ELF" --stats plain.json
expect_exit 0 "$VP" -q --platform cluster-1 --elf "$ELF" --stats traced.json --itrace all.txt --itrace-cores 0
expect_exit 0 "$VP" -q --platform cluster-1 --elf "$ELF" --itrace core3.txt --itrace-cores 0:3
[ ! -e all.txt.tmp ] || fail "temporary trace file left behind"
riscv64-unknown-elf-objdump -d "$ELF" >elf.dis
ENTRY=$(riscv64-unknown-elf-readelf -h "$ELF" | sed -n 's/.*Entry point address: *0x\([0-9a-f]*\)/\1/p')

python3 - "$ENTRY" <<'PY' || fail "trace content"
import json, re, sys
entry = int(sys.argv[1], 16)
plain, traced = (json.load(open(f))["results"]["per_cluster"][0] for f in ("plain.json", "traced.json"))
for key in ("instructions", "core_active_cycles", "exit_ns"):
    assert plain[key] == traced[key], f"{key}: {plain[key]} untraced, {traced[key]} traced"
lines = [l for l in open("all.txt") if not l.startswith("#")]
retired = [l for l in lines if " trap mcause=" not in l]
assert len(retired) == plain["instructions"], f"{len(retired)} lines, {plain['instructions']} instructions"
assert {l.split()[1] for l in lines} == {f"0.{k}" for k in range(16)}, "not every core of cluster 0"
# objdump's text per address, normalised as in disasm_vs_objdump.py
ref = {}
for l in open("elf.dis"):
    m = re.match(r"^\s*([0-9a-f]+):\s+([0-9a-f]+)\s+\t(\S+)(?:\t(.*))?$", l)
    if m:
        text = re.sub(r"\s*#.*$", "", re.sub(r"\s*<[^>]*>", "", m.group(3) + " " + (m.group(4) or "")))
        ref[int(m.group(1), 16)] = (m.group(2), " ".join(text.split()))
first = open("core3.txt").readline().split()
assert first[0] == "0" and first[1] == "0.3", first
assert int(first[2], 16) == entry, f"first pc {first[2]}, entry {entry:x}"
enc, dis = ref[entry]
assert first[3] == enc, f"encoding {first[3]}, objdump {enc}"
core3 = [l.split() for l in open("core3.txt") if not l.startswith("#")]
cycles = [int(f[0]) for f in core3]
assert cycles == sorted(cycles), "one core's cycles go back"
checked = 0
for f in core3:
    pc = int(f[2], 16)
    if pc not in ref:
        continue
    enc, dis = ref[pc]
    mine_enc = f[3]
    assert mine_enc == enc, f"{f[2]}: encoding {mine_enc}, objdump {enc}"
    # disassembly: the fields up to the results (reg=value, load/store ADDR)
    rest = [x for x in f[4:] if "=" not in x and not x.startswith("0x")]
    rest = [x for x in rest if x not in ("load", "store", "trap")]
    assert " ".join(rest) == dis, f"{f[2]}: '{' '.join(rest)}', objdump '{dis}'"
    checked += 1
assert checked == len(core3), f"{len(core3) - checked} traced pcs not in the ELF"
mh = [f for f in core3 if f[4:6] == ["csrr", "t0,mhartid"]]
assert mh and mh[0][6] == "t0=0x00000003", mh[:1]
assert any(len(f) > 7 and f[-2] == "load" for f in core3), "no load with its address"
assert any(f[-2] == "store" for f in core3), "no store with its address"
print(f"{len(lines)} lines for cluster 0, {len(core3)} for core 0.3, all as objdump")
PY

# Events, sleep and wake-up across clusters: every statistic (cores, event
# units, network) is the same with 17 cores of two clusters on the step path.
WAKE=$FW/cl_wake_latency.elf
expect_exit 0 "$VP" -q --platform mpaimc-8 --elf "$WAKE" --stats wake-plain.json
expect_exit 0 "$VP" -q --platform mpaimc-8 --elf "$WAKE" --stats wake-traced.json --itrace wake.txt --itrace-cores 0,3:2
python3 - <<'PY' || fail "statistics differ with --itrace"
import json
a, b = (json.load(open(f))["results"] for f in ("wake-plain.json", "wake-traced.json"))
diff = [k for k in a if not k.startswith("host_") and k != "mips" and a[k] != b[k]]  # host_threads: debug runs on one
assert not diff, f"differ: {diff}"
PY
grep -q " 3\.2 " wake.txt || fail "no line of core 3.2"
expect_exit 0 "$VP" -q --platform mpaimc-8 --elf "$WAKE" --itrace wake2.txt --itrace-cores 0,3:2
cmp -s wake.txt wake2.txt || fail "two runs gave different traces"
rm -f wake.txt wake2.txt

# A firmware fault: the trace is still written, its last line is the faulting instruction.
expect_exit 1 "$VP" -q --platform cluster-1 --elf "$FW/cl_fault.elf" --itrace fault.txt --itrace-cores 0:5
expect_in "unimp" "$(tail -1 fault.txt)"
expect_in "fatal trap mcause=0x2" "$(tail -1 fault.txt)"

# --itrace-limit: that many lines, a note at the end of the file and on stderr; the run goes on.
expect_exit 0 "$VP" -q --platform cluster-1 --elf "$ELF" --itrace lim.txt --itrace-cores 0 --itrace-limit 100
[ "$(grep -vc '^#' lim.txt)" = 100 ] || fail "--itrace-limit 100 wrote $(grep -vc '^#' lim.txt) lines"
expect_in "limit of 100 lines reached" "$(tail -1 lim.txt)"
expect_in "stopped at its limit of 100 lines" "$STDERR"
expect_exit 2 "$VP" -q --platform cluster-1 --elf "$ELF" --itrace bad.txt --itrace-limit -1
expect_in "--itrace-limit" "$STDERR"

expect_exit 2 "$VP" -q --platform cluster-1 --elf "$ELF" --itrace bad.txt --itrace-cores 0:16
expect_in "cores '16' is out of range" "$STDERR"
expect_exit 2 "$VP" -q --platform cluster-1 --elf "$ELF" --itrace bad.txt --itrace-cores x
expect_in "--itrace-cores" "$STDERR"
expect_exit 2 "$VP" -q --platform cluster-1 --elf "$ELF" --itrace-cores 0
expect_in "give --itrace FILE" "$STDERR"
# The bare platform's one core is cluster 0 core 0; a core beyond it is a usage error.
expect_exit 2 "$VP" -q --platform bare-rv32 --elf "$FW/hello.elf" --itrace bad.txt --itrace-cores 0:1
[ ! -e bad.txt ] || fail "trace written despite a usage error"

# cv.elw (the CORE-V build's waits): a held cv.elw has no line; it has one when
# it completes, with the events it returns and its address; tracing changes no count.
ELW=$FW/cl_sleep_xcv.elf
expect_exit 0 "$VP" -q --platform cluster-1 --elf "$ELW" --stats elw-plain.json
expect_exit 0 "$VP" -q --platform cluster-1 --elf "$ELW" --stats elw-traced.json --itrace elw.txt --itrace-cores 0:1
python3 - <<'PY' || fail "cv.elw trace"
import json
plain, traced = (json.load(open(f))["results"]["per_cluster"][0] for f in ("elw-plain.json", "elw-traced.json"))
for key in ("instructions", "core_active_cycles", "core_sleep_cycles", "exit_ns", "event_loads_held"):
    assert plain[key] == traced[key], f"{key}: {plain[key]} untraced, {traced[key]} traced"
assert plain["event_loads_held"] > 0, "no cv.elw was held"
elw = [l.split() for l in open("elw.txt") if " cv.elw " in l]
# core 1: the start-up barrier (line 8), then twice SW0 (line 0) and a barrier,
# each read of its EVENT_WAIT_CLEAR (event unit 0x10100000 + core 1's 0x40 + 0x24)
assert [f[-3].split("=")[1] for f in elw] == ["0x00000100", "0x00000001", "0x00000100", "0x00000001", "0x00000100"], elw
for f in elw:
    assert f[-2:] == ["load", "0x10100064"], f
PY
echo "itrace ok"
