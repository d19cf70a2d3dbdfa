# Helpers for the vp-sweep tests: $SWEEP is vp-sweep, $VP vp-run, $SRC the
# source tree, $OUT a scratch folder (the working directory).
SWEEP=$1
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# VP, SRC, OUT, fail, expect_exit, expect_in: the CLI tests' helpers.
. "$HERE/../cli/lib.sh" "$2" "$3" "$4"
[ -x "$SWEEP" ] || fail "$SWEEP is not built (the vp-sweep target)"
[ -f "$(dirname "$VP")/../firmware/dataflow.elf" ] || { echo "the dataflow firmware is not built: cannot run (skip, exit 77)"; exit 77; }
# A 4-run sweep of small, fast jobs (about 0.2 s each).
small_spec() {
  cat <<SPEC
name: small
base:
  network: resnet-tiny
  platform: mpaimc-8
  batch: 2
axes:
  noc.width_bytes.0: [16, 64]
  noc.latency_cycles.0: [100, 400]
SPEC
}
# csv_without_host FILE: the table without the host-time column (it varies between executions).
csv_without_host() {
  /usr/bin/python3 - "$1" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
drop = rows[0].index("host_s")
for r in rows:
    print(",".join(v for i, v in enumerate(r) if i != drop))
PY
}
