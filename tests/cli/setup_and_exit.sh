# vp-run prepares the dataflow job on a thread of its own beside the
# platform's elaboration, and ends without its teardown once every output is
# written (platform/top/run_main.cpp). 1: the errors stay those of the old
# serial order (configuration, then the job, then the platform's loading);
# 2: every output is complete at the exit, stdout to a pipe included.
. "$(dirname "$0")/lib.sh"
FW=$(dirname "$VP")/../firmware
[ -f "$FW/dataflow.elf" ] && [ -f "$FW/ex_hello.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }
no_outputs() { for f in "$@"; do [ ! -e "$f" ] || fail "$f written on an error"; done; }

# 1. A bad network and a platform the firmware cannot load (17 cores, stacks
#    for 16): the network's error, as when the job was prepared first.
expect_exit 2 "$VP" --platform mpaimc-8 --set cluster.cores=17 --network nonexistent --stats s.json
expect_in "nonexistent.yaml: error: cannot open network file" "$STDERR"
case "$STDERR" in *"__max_cores"*) fail "the platform's error came first: $STDERR";; esac
expect_exit 2 "$VP" --platform mpaimc-8 --set cluster.cores=17 --network resnet-tiny --batch 100000000 --stats s.json
expect_in "a batch of 100000000 images needs" "$STDERR"
case "$STDERR" in *"__max_cores"*) fail "the platform's error came first: $STDERR";; esac
no_outputs s.json
#    A good network on that platform: the platform's error.
expect_exit 2 "$VP" --platform mpaimc-8 --set cluster.cores=17 --network resnet-tiny --stats s.json
expect_in "cluster.cores: 17 cores per cluster, but" "$STDERR"; expect_in "reserves stacks for 16" "$STDERR"
no_outputs s.json
#    A bad key and a bad network: the key's (the configuration is read first).
expect_exit 2 "$VP" --platform mpaimc-8 --set cluster.dma.channels=100 --network nonexistent --stats s.json
expect_in "cluster.dma.channels: 100 is out of range" "$STDERR"
#    A job on a platform of another kind: the job's error.
expect_exit 2 "$VP" --platform bare-rv32 --network resnet-tiny --stats s.json
expect_in "--network runs on a manycore platform; bare-rv32 is of kind 'bare'" "$STDERR"
no_outputs s.json

# 2. Every output complete at the exit: the report on stdout (to a file, then
#    through a pipe, where stdio buffers the most), the statistics, the
#    breakdown, the console file and the traces.
JOB=("$VP" --platform mpaimc-8 --network resnet-tiny --batch 2)
"${JOB[@]}" -q --stats s.json --breakdown b.csv --console c.txt --timeline t.json --vcd w.vcd > file.txt 2> err.txt ||
  fail "the job failed: $(cat err.txt)"
"${JOB[@]}" -q | cat > piped.txt
[ "${PIPESTATUS[0]}" = 0 ] || fail "the piped job failed"
tail -1 file.txt | grep -q '^  simulated  ' || fail "the report's last line is missing: $(tail -2 file.txt)"
diff <(grep -v '^  simulated  ' file.txt) <(grep -v '^  simulated  ' piped.txt) > /dev/null ||
  fail "stdout through a pipe differs: $(diff file.txt piped.txt | head -5)"
tail -1 piped.txt | grep -q '^  simulated  ' || fail "stdout through a pipe was cut: $(tail -2 piped.txt)"
python3 - <<'PY' || fail "an output is incomplete"
import csv, json
s = json.load(open("s.json"))
assert s["status"] == "ok" and s["dataflow"]["output_check"]["mismatches"] == 0, s["status"]
assert s["results"]["output_check"]["images"] == 2
rows = list(csv.reader(open("b.csv")))
assert len(rows) == 1 + s["dataflow"]["clusters_used"], len(rows)
assert len(json.load(open("t.json"))["traceEvents"]) > 0
ns = s["simulated_ns"]  # the VCD's last timestamp: the end, in its time unit (ns or ps)
stamps = [l for l in open("w.vcd") if l.startswith("#")]
assert stamps and int(stamps[-1][1:]) in (int(ns + 0.5), int(ns * 1000 + 0.5)), (stamps[-1:], ns)
assert sum(1 for l in open("c.txt") if l.startswith("[c")) > 0
PY
#    A run that ends early (time limit): its statistics, through the same exit.
expect_exit 1 "${JOB[@]}" -q --max-time 1us --stats early.json
python3 -c "import json; s = json.load(open('early.json')); assert s['status'] == 'time-limit', s['status']" ||
  fail "the time-limited run's statistics: $(head -c 300 early.json)"
#    A program's console on stdout, through a pipe.
"$VP" -q --platform cluster-1 --elf "$FW/ex_hello.elf" | cat > hello.txt
grep -q "hello from core 15 of cluster 0" hello.txt || fail "the program's console was cut: $(tail -2 hello.txt)"
echo "setup and exit ok"
