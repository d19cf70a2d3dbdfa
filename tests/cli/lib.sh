# Helpers for the CLI tests: $VP is vp-run, $SRC the source tree, $OUT a scratch dir.
set -u
VP=$1; SRC=$2; OUT=$3
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
