# --threads N (the quantum exchange, docs/architecture.md "Parallel simulation"):
# 1, 2 and 4 host threads give the same --stats (but host keys), console,
# windowed (simulation.batch_cycles 100: rounds to a window's end, the rest posted) and not (0, the default),
# stdout and VCD trace on mpaimc-8 and mpaimc-64 dataflow jobs (with IMA noise
# too; their waits sleep in cv.elw), the default (one per host core) as 1; a firmware
# fault is one report, the same for every N; the time-limit report too;
# a platform of cluster classes (mixed-8);
# --itrace runs on one thread (a note) with the same trace.
. "$2/tests/cli/lib.sh"
NET=$SRC/tests/dataflow
FW=$(dirname "$VP")/../firmware
SAME="python3 $SRC/tests/parallel/same_stats.py"
[ -f "$FW/dataflow.elf" ] && [ -f "$FW/cl_fault.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }
nohost() { grep -v "host" "$1"; }

for n in 1 2 4; do
  expect_exit 0 "$VP" --threads $n --network "$NET/one_conv.yaml" --platform mpaimc-8 --batch 3 --stats s8-$n.json \
    --vcd w8-$n.vcd --trace-clusters 0-3 --console con8-$n.txt
  expect_in "bit-exact: 3 images" "$STDOUT"
  echo "$STDOUT" | grep -v "host" > out8-$n.txt
done
for n in 2 4; do
  $SAME s8-1.json s8-$n.json || fail "mpaimc-8: --threads $n statistics differ from --threads 1"
  cmp -s w8-1.vcd w8-$n.vcd || fail "mpaimc-8: --threads $n VCD differs"
  cmp -s con8-1.txt con8-$n.txt || fail "mpaimc-8: --threads $n console differs"
  cmp -s out8-1.txt out8-$n.txt || fail "mpaimc-8: --threads $n report differs"
done
python3 -c "import json,sys; r=json.load(open('s8-4.json'))['results']; assert r['host_threads']==4, r['host_threads']" \
  || fail "host_threads"
# mpaimc-8 runs the CORE-V firmware, whose waits sleep in cv.elw (the event
# unit holds the read back): the comparisons above cover those sleeps.
python3 -c "import json; r=json.load(open('s8-1.json'))['results']; n=sum(c['event_loads_held'] for c in r['per_cluster']); assert n > 0, n" \
  || fail "mpaimc-8: no wait slept in cv.elw"
# The mutation check of the comparison: another schedule (threads 0) is told apart.
expect_exit 0 "$VP" --threads 0 --network "$NET/one_conv.yaml" --platform mpaimc-8 --batch 3 --stats s8-0.json
$SAME s8-1.json s8-0.json > /dev/null && fail "same_stats.py did not tell the two schedules apart"
# Windowed (simulation.batch_cycles: rounds to a window's end, the rest posted
# in slices run ahead on the host threads; touched clusters joined): again
# the same results for every N (power samples in the VCD read the cores
# too), and not those of the default (batch_cycles 0).
for n in 1 4; do
  expect_exit 0 "$VP" --threads $n --set simulation.batch_cycles=100 --network "$NET/one_conv.yaml" \
    --platform mpaimc-8 --batch 3 --stats s8-b$n.json --vcd w8-b$n.vcd --trace-clusters 0-3
  expect_in "bit-exact: 3 images" "$STDOUT"
done
$SAME s8-b1.json s8-b4.json || fail "mpaimc-8, windowed: --threads 4 statistics differ from --threads 1"
cmp -s w8-b1.vcd w8-b4.vcd || fail "mpaimc-8, windowed: --threads 4 VCD differs"
python3 -c "import json; e=json.load(open('s8-b1.json'))['results']['exchange']; assert e['batch_cycles'] == 100 and e['wakeups'] > 0 and e['joins'] > 0, e" \
  || fail "mpaimc-8: batch_cycles 100 did not post phases"
python3 -c "import json; e=json.load(open('s8-1.json'))['results']['exchange']; assert e['batch_cycles'] == 0 and e['elw_completed'] == 0 and e['joins'] == 0, e" \
  || fail "the default batched"
$SAME s8-1.json s8-b1.json > /dev/null && fail "batch_cycles 100 gives the default schedule's results"
for n in 1 2; do
  expect_exit 0 "$VP" --threads $n --set simulation.batch_cycles=100 --network "$NET/one_conv.yaml" --platform mpaimc-64 \
    --batch 2 --stats s64-b$n.json
  expect_in "bit-exact: 2 images" "$STDOUT"
done
$SAME s64-b1.json s64-b2.json || fail "mpaimc-64, windowed: --threads 2 statistics differ from --threads 1"

for n in 1 4; do
  expect_exit 0 "$VP" --threads $n --network "$NET/one_conv.yaml" --platform mpaimc-64 --batch 2 --stats s64-$n.json
  expect_in "bit-exact: 2 images" "$STDOUT"
done
$SAME s64-1.json s64-4.json || fail "mpaimc-64: --threads 4 statistics differ from --threads 1"

# Cluster classes (mixed crossbar sizes): elaboration looks up each class's
# keys while the job's setup thread maps the network on its own copy of the
# platform (Config::clone). ThreadSanitizer cannot see a shared YAML document
# (Debian's yaml-cpp is not instrumented): test_config "a clone shares no node
# with the original" checks the copy; this checks the results.
for n in 1 4; do
  expect_exit 0 "$VP" --threads $n --platform "$SRC/tests/hetero/mixed-8.yaml" --network resnet-tiny --batch 2 \
    --stats sm-$n.json
  expect_in "bit-exact: 2 images" "$STDOUT"
done
$SAME sm-1.json sm-4.json || fail "mixed-8: --threads 4 statistics differ from --threads 1"

# Seeded IMA noise: the noisy MVMs run on the pool too (Ima::set_pool).
for n in 1 2; do
  expect_exit 0 "$VP" --threads $n --network "$NET/one_conv.yaml" --platform mpaimc-8 --batch 2 --stats sn-$n.json \
    --set cluster.ima.noise.enabled=true --set cluster.ima.noise.drift_time=1d
  expect_in "bit-exact: 2 images" "$STDOUT"
done
$SAME sn-1.json sn-2.json || fail "noise: --threads 2 statistics differ from --threads 1"
# The default: one thread per host core, the same results as --threads 1.
expect_exit 0 "$VP" --network "$NET/one_conv.yaml" --platform mpaimc-8 --batch 3 --stats s8-d.json
$SAME s8-1.json s8-d.json || fail "the default --threads differs from --threads 1"
python3 -c "import json,os; r=json.load(open('s8-d.json'))['results']; assert r['host_threads']==max(1,os.cpu_count()), r" \
  || fail "the default is not one thread per host core"

# A firmware fault: one report, the same for every N.
for n in 1 2 4; do
  expect_exit 1 "$VP" --threads $n --platform mpaimc-8 --elf "$FW/cl_fault.elf" -q
  expect_in "illegal instruction" "$STDERR"
  [ "$(echo "$STDERR" | grep -c "trap with no handler")" = 1 ] || fail "--threads $n: not one fault report: $STDERR"
  echo "$STDERR" > fault-$n.txt
done
cmp -s fault-1.txt fault-2.txt && cmp -s fault-1.txt fault-4.txt || fail "fault reports differ"
# Windowed: one report too (a fault met in a posted phase is reported when it is collected).
for n in 1 2; do
  expect_exit 1 "$VP" --threads $n --set simulation.batch_cycles=100 --platform mpaimc-8 --elf "$FW/cl_fault.elf" -q
  [ "$(echo "$STDERR" | grep -c "trap with no handler")" = 1 ] || fail "windowed, --threads $n: not one fault report: $STDERR"
  echo "$STDERR" > fault-b$n.txt
done
cmp -s fault-b1.txt fault-b2.txt || fail "windowed fault reports differ"
# The time-limit report (what each unfinished core waits for).
for n in 1 2; do
  expect_exit 1 "$VP" --threads $n --platform cluster-1 --elf "$FW/cl_sleep.elf" -q --max-time 500us
  expect_in "time limit reached at 500 us" "$STDERR"
  echo "$STDERR" > limit-$n.txt
done
cmp -s limit-1.txt limit-2.txt || fail "time-limit reports differ"
# --itrace: one host thread, said once; the trace as with --threads 1.
expect_exit 0 "$VP" --threads 1 --platform mpaimc-8 --elf "$FW/cl_hello.elf" --itrace t1.txt --itrace-cores 1:0
expect_exit 0 "$VP" --threads 2 --platform mpaimc-8 --elf "$FW/cl_hello.elf" --itrace t2.txt --itrace-cores 1:0
expect_in "run on 1 host thread, not 2" "$STDERR"
cmp -s t1.txt t2.txt || fail "--itrace differs with --threads 2"
# Bad values.
expect_exit 2 "$VP" --threads -1 --platform mpaimc-8 --elf "$FW/cl_hello.elf"
expect_in "--threads -1" "$STDERR"
expect_exit 2 "$VP" --threads two --platform mpaimc-8 --elf "$FW/cl_hello.elf"
echo "ok"
