# Issue 23: hostile inputs to vp-run and vp-map, generated here. Each class
# ends in exit 1 or 2 with a message saying what and where, never a crash,
# an unbounded allocation or an output left behind.
. "$(dirname "$0")/lib.sh"
MAP=$(dirname "$VP")/vp-map
FW=$(dirname "$VP")/../firmware
MKELF="python3 $SRC/tests/support/make_elf.py"
ONE_CONV=$SRC/tests/dataflow/one_conv.yaml
[ -f "$FW/spin.elf" ] && [ -x "$MAP" ] || { echo "firmware or vp-map not built"; exit 77; }
# Under ASan the address space is not a measure of allocation: the
# virtual-memory cap only runs in the plain build.
capped() { if [ -n "${VP_SANITIZED:-}" ]; then "$@"; else (ulimit -v 2000000; "$@"); fi; }
no_outputs() { for f in "$@"; do [ ! -e "$f" ] || fail "$f written on an error"; done
  ! ls -a | grep -q '\.tmp' || fail "a temporary was left behind: $(ls -a)"; }

# 1. Overflow: a product of factors that wraps to cluster.count, and random
#    long lists of large factors (generated), are rejected by both tools.
levels=$(python3 -c "print(', '.join('l%d' % i for i in range(7)))")
printf 'name: wrap\ncluster: {count: 8}\nnoc:\n  levels: [%s]\n  factors: [3511, 3041, 2306, 4052, 3635, 151, 127]\n  width_bytes: [64, 64, 64, 64, 64, 64, 64]\n  latency_cycles: [1, 1, 1, 1, 1, 1, 1]\n' "$levels" > wrap.yaml
expect_exit 2 capped "$VP" --platform wrap.yaml --stats s.json
expect_in "wrap.yaml" "$STDERR"; expect_in "noc.factors" "$STDERR"; expect_in "overflows" "$STDERR"
expect_exit 2 capped "$MAP" --platform wrap.yaml --network resnet-tiny --out-yaml m.yaml
expect_in "overflows" "$STDERR"; no_outputs s.json m.yaml
for seed in 1 2 3; do
  python3 - "$seed" > rnd.yaml <<'PY'
import random, sys
r = random.Random(int(sys.argv[1])); n = r.randint(6, 16)
f = [r.randint(2048, 4096) for _ in range(n)]
print("name: rnd\ncluster: {count: %d}\nnoc:\n  levels: [%s]\n  factors: %s\n  width_bytes: %s\n  latency_cycles: %s"
      % (r.randint(1, 4096), ", ".join("l%d" % i for i in range(n)), f, [64] * n, [1] * n))
PY
  expect_exit 2 capped "$VP" --platform rnd.yaml
  expect_in "noc.factors" "$STDERR"
done

# 2. Sizes checked before allocation: ELF segments against the platform,
#    network shapes against the mapper's limits, --reference bounded.
$MKELF huge.elf $(for i in 0 1 2 3 4 5 6 7; do echo --segment 0x0:0xF0000000; done)
expect_exit 1 capped "$VP" --platform bare-rv32 --elf huge.elf
expect_in "huge.elf: segment 0 at 0x0 (4026531840 bytes) is outside the RAM" "$STDERR"
$MKELF big.elf --entry 0x1c000000 --segment 0x80000000:0x70000000
expect_exit 1 capped "$VP" --platform mpaimc-8 --elf big.elf
expect_in "segment 0 at 0x80000000 (1879048192 bytes) is outside the platform's memory" "$STDERR"
$MKELF sum.elf --segment 0x80000000:0x90000000 --segment 0x10000000:0x80000000
expect_exit 1 capped "$VP" --platform bare-rv32 --elf sum.elf
expect_in "segment 0" "$STDERR"
for dims in "3 65535 65535" "3 4096 4096" "65535 256 257"; do
  set -- $dims
  printf 'input: {channels: %s, height: %s, width: %s}\nlayers:\n  - {name: c, op: conv, out_channels: 8, kernel: 1}\n' "$@" > wide.yaml
  expect_exit 2 capped "$VP" --network wide.yaml --platform mpaimc-8 --stats s.json
  expect_in "wide.yaml:1:" "$STDERR"; expect_in "at most 16777216" "$STDERR"
  expect_exit 2 capped "$MAP" --network ./wide.yaml --platform mpaimc-8
  expect_in "at most 16777216" "$STDERR"
done
printf 'input: {channels: 255, height: 255, width: 255}\nlayers:\n  - {name: c, op: conv, out_channels: 65535, kernel: 255}\n' > heavy.yaml
expect_exit 2 capped "$MAP" --network ./heavy.yaml --platform mpaimc-8
expect_in "heavy.yaml:3:" "$STDERR"; expect_in "weights; a layer has at most" "$STDERR"
expect_exit 2 capped "$MAP" --network resnet18 --reference 2147483647 --ref-out r.bin
expect_in "--reference 2147483647" "$STDERR"; expect_in "the limit is" "$STDERR"; no_outputs r.bin

# 3. --set indices and numbers: located, exit 2, the valid range.
for idx in 99999999999999999999 5 0000000000000000000000005 18446744073709551616; do
  expect_exit 2 "$VP" --set "noc.factors.$idx=1"
  expect_in "--set noc.factors.$idx=1" "$STDERR"; expect_in "valid: 0-4" "$STDERR"
  expect_exit 2 "$MAP" --set "noc.factors.$idx=1"
  expect_in "valid: 0-4" "$STDERR"
done
expect_exit 2 "$VP" --set noc.factors.1=3 --stats s.json
expect_in "--set noc.factors.1=3: error: noc.factors: the product" "$STDERR"
expect_exit 2 "$VP" --set cluster.count=100
expect_in "--set cluster.count=100: error" "$STDERR"
for bad in l1_reserved=1e30 input_slots=1e20 input_slots=1 max_tile_cols=0.5 batch=-3 burst_bytes=nan tile_overhead=inf; do
  expect_exit 2 "$VP" --network "$ONE_CONV" --platform mpaimc-8 --cost "$bad" --stats s.json
  expect_in "--cost $bad" "$STDERR"
  expect_exit 2 "$MAP" --network resnet-tiny --platform mpaimc-8 --cost "$bad"
  expect_in "--cost $bad" "$STDERR"
done
no_outputs s.json
expect_exit 2 "$VP" --network "$ONE_CONV" --platform mpaimc-8 --cost l1_reserved=1e30
expect_in "--cost l1_reserved=1e30: l1_reserved takes a whole number in [0, 4294967295]" "$STDERR"

# 4. Layer names: one limit (23 characters), checked when the network is read.
name23=$(printf 'n%.0s' $(seq 23)); name24=${name23}x
for n in "$name24" "${name24}yyyyyyyyyyy"; do
  printf 'input: {channels: 3, height: 8, width: 8}\nlayers:\n  - {name: %s, op: conv, out_channels: 4, kernel: 3}\n' "$n" > names.yaml
  expect_exit 2 "$VP" --network names.yaml --platform mpaimc-8
  expect_in "names.yaml:3:12: error: layers.0.name" "$STDERR"; expect_in "at most 23" "$STDERR"
  expect_exit 2 "$MAP" --network ./names.yaml --platform mpaimc-8
  expect_in "at most 23" "$STDERR"
done
printf 'input: {channels: 3, height: 8, width: 8}\nlayers:\n  - {name: %s, op: conv, out_channels: 4, kernel: 3}\n' "$name23" > names.yaml
expect_exit 0 "$MAP" --network ./names.yaml --platform mpaimc-8 --weights-out w.bin -q
expect_exit 0 "$MAP" --network ./names.yaml --platform mpaimc-8 --weights w.bin --reference 1 -q

# 5. Outputs: checked before anything is written, written whole or not at all.
expect_exit 2 "$MAP" --network resnet-tiny --platform mpaimc-8 --out-yaml m.yaml --report r.txt --ref-out a.bin
expect_in "--ref-out needs --reference" "$STDERR"; no_outputs m.yaml r.txt a.bin
expect_exit 2 "$MAP" --network resnet-tiny --platform mpaimc-8 --out-yaml m.yaml --reference 1 --ref-out a.bin --ref-layers some
expect_in "--ref-layers" "$STDERR"; no_outputs m.yaml a.bin
mkdir adir
expect_exit 2 "$MAP" --network resnet-tiny --platform mpaimc-8 --out-yaml adir
expect_in "adir: a directory is not a regular file" "$STDERR"; no_outputs adir.tmp
expect_exit 2 "$VP" --platform mpaimc-8 --stats adir
expect_in "adir: a directory" "$STDERR"
expect_exit 2 "$VP" --platform mpaimc-8 --stats /dev/null
expect_in "not a regular file" "$STDERR"
expect_exit 2 "$VP" --platform mpaimc-8 --elf "$FW/cl_hello.elf" --stats same.json --timeline same.json
expect_in "--timeline same.json: the same file as --stats same.json" "$STDERR"; no_outputs same.json
cp "$SRC/platform/configs/mpaimc-8.yaml" p8.yaml; cp p8.yaml p8.orig
expect_exit 2 "$VP" --platform p8.yaml --stats p8.yaml
expect_in "this is the input of --platform" "$STDERR"; cmp -s p8.yaml p8.orig || fail "the input was overwritten"
ln -s p8.yaml p8-link.yaml
expect_exit 2 "$VP" --platform p8.yaml --stats p8-link.yaml
expect_in "this is the input of --platform" "$STDERR"
expect_exit 2 "$MAP" --network ./names.yaml --platform mpaimc-8 --weights w.bin --weights-out w.bin
expect_in "this is the input of --weights" "$STDERR"
mkdir real; ln -s real/target.json link.json
expect_exit 0 "$VP" --platform mpaimc-8 --elf "$FW/cl_hello.elf" -q --stats link.json
[ -L link.json ] && [ -s real/target.json ] || fail "a symlinked output is written through to its target"
no_outputs real/.target.tmp
# A full disk (a file-size limit): the error is named, the old file is kept, no temporary is left.
echo old > full.json
expect_exit 1 bash -c "trap '' XFSZ; ulimit -f 1; exec \"$VP\" --platform mpaimc-8 --elf \"$FW/cl_hello.elf\" -q --stats full.json"
expect_in "cannot write full.json" "$STDERR"; [ "$(cat full.json)" = old ] || fail "a failed write replaced the file"
no_outputs full.json.tmp
expect_exit 1 bash -c "trap '' XFSZ; ulimit -f 1; exec \"$MAP\" --network resnet-tiny --platform mpaimc-8 --out-yaml big.yaml -q"
expect_in "cannot write big.yaml" "$STDERR"; no_outputs big.yaml
# A run ending in a firmware fault writes --stats saying so (README, "Outputs").
expect_exit 1 "$VP" --platform mpaimc-8 --elf "$FW/cl_fault.elf" -q --stats fault.json
python3 -c "import json; s = json.load(open('fault.json')); assert s['status'] == 'error' and s['exit_code'] == 1 and 'illegal instruction' in s['message'], s" \
  || fail "stats of a faulting run"

# 6. Command-line surprises.
expect_exit 2 "$VP" foo.elf
expect_in "unexpected argument 'foo.elf'" "$STDERR"
expect_exit 2 "$MAP" resnet18
expect_in "unexpected argument 'resnet18'" "$STDERR"
for opt in --platform --elf --stats --network --max-time; do
  expect_exit 2 "$VP" "$opt" ""
  expect_in "$opt needs" "$STDERR"
done
for t in 0.1ps 0.5fs 1e-30s; do
  expect_exit 2 "$VP" --platform bare-rv32 --elf "$FW/spin.elf" --max-time "$t"
  expect_in "below the time resolution" "$STDERR"
done
expect_exit 1 "$VP" --platform bare-rv32 --elf "$FW/wfi_stall.elf" --max-time 1ms
expect_in "stall: core 0.0 sleeps (wfi)" "$STDERR"
# A program spinning for ever meets the default limit (1 s simulated; a 1 MHz clock keeps it short).
expect_exit 1 "$VP" --platform bare-rv32 --set clock_hz=1e6 --elf "$FW/spin.elf"
expect_in "default time limit of 1 s" "$STDERR"
expect_exit 0 "$VP" --platform bare-rv32 --set clock_hz=1e6 --elf "$FW/spin.elf" --max-time 2ms
expect_in "time-limit" "$STDERR"

# 7. One validation for both tools: platforms vp-run rejects, vp-map rejects.
for set in memory_map.imem_base=0x20100000 memory_map.hbm_base=0x10000000 memory_map.cluster_local_base=0x80000000 \
           'noc.levels.1=' noc.levels.1=hbm_link 'noc.levels.2=a b' memory_map.hbm_base=0xF8000000 clock_hz=1e13; do
  expect_exit 2 "$VP" --platform mpaimc-8 --set "$set"
  vp_err=$STDERR
  expect_exit 2 "$MAP" --platform mpaimc-8 --network resnet-tiny --set "$set"
  [ "$STDERR" = "$vp_err" ] || fail "vp-run and vp-map differ on --set $set: '$vp_err' vs '$STDERR'"
done
printf 'input: {channels: 3, height: 8, width: 8}\nlayers:\n  - {name: c, op: conv, out_channels: 0300, kernel: 3}\n' > octal.yaml
expect_exit 0 "$MAP" --network ./octal.yaml --platform mpaimc-8 --print-layers
expect_in "300" "$STDOUT"
printf 'input: {channels: 0x3, height: 8, width: 8}\nlayers:\n  - {name: c, op: conv, out_channels: 4, kernel: 3}\n' > hex.yaml
expect_exit 2 "$MAP" --network ./hex.yaml --platform mpaimc-8
expect_in "hex.yaml:1:19: error: input.channels: expected an integer" "$STDERR"

# 8. Messages: what and where.
expect_exit 2 "$VP" --platform adir
expect_in "adir: error: is a directory, not a platform file" "$STDERR"
expect_exit 2 "$VP" --network ./adir --platform mpaimc-8
expect_in "is a directory, not a network file" "$STDERR"
expect_exit 2 "$MAP" --network resnet-tiny --platform mpaimc-8 --weights adir
expect_in "is a directory, not a weights file" "$STDERR"
expect_exit 1 "$VP" --platform bare-rv32 --elf adir
expect_in "adir: is a directory" "$STDERR"
if [ "$(id -u)" != 0 ]; then  # root reads anything
  cp p8.orig locked.yaml; chmod 000 locked.yaml
  expect_exit 2 "$VP" --platform locked.yaml
  expect_in "cannot read platform file" "$STDERR"
fi
# The runtime's counters have no limit (firmware/dataflow/flow.c); the HBM's size has.
expect_exit 2 "$VP" --network "$ONE_CONV" --platform mpaimc-8 --batch 100000000 --stats s.json
expect_in "a batch of 100000000 images needs" "$STDERR"; expect_in "bytes of HBM" "$STDERR"; no_outputs s.json
$MKELF trunc.elf --segment 0x80000000:16 --truncate 40
expect_exit 1 "$VP" --platform bare-rv32 --elf trunc.elf
expect_in "malformed ELF" "$STDERR"
$MKELF past.elf --segment 0x80000000:0x100:0x100:0x10000
expect_exit 1 "$VP" --platform bare-rv32 --elf past.elf
expect_in "malformed ELF: segment 0 (program header 0) at 0x80000000, 256 bytes: file bytes [0x10000, +256) extend past the end" "$STDERR"
$MKELF arm.elf --machine 40 --segment 0x80000000:16
expect_exit 1 "$VP" --platform bare-rv32 --elf arm.elf
expect_in "malformed ELF: ELF header: machine 40 is not RISC-V" "$STDERR"
echo "hostile ok"
