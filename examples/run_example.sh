#!/usr/bin/env bash
# usage: run_example.sh VP_RUN PLATFORM ELF EXPECTED
# Runs a firmware example and compares its console with EXPECTED.
set -u
vp=$1 platform=$2 elf=$3 expected=$4
[ -f "$elf" ] || { echo "cannot run: $elf is not built"; exit 77; }
out=$("$vp" -q --platform "$platform" --elf "$elf" 2>&1); rc=$?
if [ $rc -ne 0 ]; then echo "FAIL: vp-run exit $rc"; echo "$out"; exit 1; fi
if ! diff -u "$expected" <(echo "$out"); then echo "FAIL: output differs from $expected"; exit 1; fi
echo "example ok: $(basename "$elf")"
