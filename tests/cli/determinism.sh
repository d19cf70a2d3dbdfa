# Same inputs, same results: two runs of 8 clusters of firmware give identical
# simulated time, instruction counts, per-cluster statistics and console output.
. "$(dirname "$0")/lib.sh"
FW=$(dirname "$VP")/../firmware
[ -f "$FW/cl_ima_pipeline.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }
for i in 1 2; do
  expect_exit 0 "$VP" --platform mpaimc-8 --elf "$FW/cl_ima_pipeline.elf" --stats "s$i.json" -q
  echo "$STDOUT" > "console$i.txt"
done
cmp -s console1.txt console2.txt || fail "console output differs between runs"
# Tracing (with its power samples) and a terminal (the progress line) observe
# the run and must not change it.
expect_exit 0 "$VP" --platform mpaimc-8 --elf "$FW/cl_ima_pipeline.elf" --stats s3.json -q --vcd w.vcd --timeline t.json
VP_HUGE_PAGES=0 expect_exit 0 "$VP" --platform mpaimc-8 --elf "$FW/cl_ima_pipeline.elf" --stats s5.json -q
command -v script >/dev/null || fail "script (util-linux) missing"
script -qec "$VP --platform mpaimc-8 --elf $FW/cl_ima_pipeline.elf --stats s4.json" /dev/null >tty.out 2>&1 ||
  fail "run on a terminal failed: $(tail -3 tty.out)"
python3 - <<'PY' || fail "statistics differ between runs"
import json
def strip(s):
    s = json.load(open(s))
    for k in ("host_seconds",): s.pop(k, None)
    r = s["results"]
    for k in ("host_run_seconds", "mips", "host_huge_pages"): r.pop(k, None)
    return s
a, b = strip("s1.json"), strip("s2.json")
assert a == b, "stats differ"
for other in ("s3.json", "s4.json", "s5.json"):
    c = strip(other)
    assert c["results"] == a["results"] and c["simulated_ns"] == a["simulated_ns"], f"{other}: results differ"
assert a["results"]["instructions"] > 0
# The heap on huge pages (vp-run re-executes itself with glibc's tunable)
# where the host's THP mode is madvise; VP_HUGE_PAGES=0 (s5) runs without.
mode = open("/sys/kernel/mm/transparent_hugepage/enabled").read() if __import__("os").path.exists(
    "/sys/kernel/mm/transparent_hugepage/enabled") else ""
huge = json.load(open("s1.json"))["results"]["host_huge_pages"]
assert huge == ("[madvise]" in mode), (huge, mode)
assert json.load(open("s5.json"))["results"]["host_huge_pages"] is False
PY
echo "determinism ok"
