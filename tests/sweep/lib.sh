# Helpers for the vp-sweep tests: $SWEEP is vp-sweep, $VP vp-run, $SRC the
# source tree, $OUT a scratch folder (the working directory).
set -u
SWEEP=$1; VP=$2; SRC=$3; OUT=$4
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rm -rf "$OUT"; mkdir -p "$OUT"; cd "$OUT"
fail() { echo "FAIL: $*" >&2; exit 1; }
# expect_exit CODE CMD...: runs CMD, keeps stdout/stderr in $STDOUT/$STDERR.
expect_exit() {
  local want=$1; shift
  "$@" >"$OUT/stdout" 2>"$OUT/stderr"; local got=$?
  STDOUT=$(cat "$OUT/stdout"); STDERR=$(cat "$OUT/stderr")
  [ "$got" = "$want" ] || fail "exit $got, wanted $want: $*
stdout: $STDOUT
stderr: $STDERR"
}
expect_in() { case "$2" in *"$1"*) ;; *) fail "expected '$1' in: $2";; esac; }
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
