#!/usr/bin/env bash
# fw_test.sh VP ELF EXPECTED_EXIT [PATTERN...] [-- VP-ARGS...]
# Runs ELF on the bare platform; checks vp-run's exit code and that each
# PATTERN (a fixed string) occurs in its stdout+stderr.
set -u
vp=$1 elf=$2 want=$3
shift 3
patterns=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do patterns+=("$1"); shift; done
[ $# -gt 0 ] && shift
out=$(timeout 120 "$vp" --platform bare-rv32 --elf "$elf" "$@" 2>&1)
got=$?
echo "$out"
if [ "$got" != "$want" ]; then
  echo "FAIL: exit $got, wanted $want" >&2
  exit 1
fi
for p in "${patterns[@]+"${patterns[@]}"}"; do
  case "$out" in *"$p"*) ;; *) echo "FAIL: expected '$p' in the output" >&2; exit 1;; esac
done
echo PASS
