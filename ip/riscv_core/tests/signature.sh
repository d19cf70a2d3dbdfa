#!/usr/bin/env bash
# signature.sh VP ELF OUTDIR: --signature writes begin..end_signature as one
# 32-bit hex word per line (RISCOF convention).
set -eu
vp=$1 elf=$2 out=$3
mkdir -p "$out"
"$vp" --platform bare-rv32 --quiet --elf "$elf" --signature "$out/sig.txt"
printf 'deadbeef\n00c0ffee\n12345678\n' | diff -u - "$out/sig.txt"
echo PASS
