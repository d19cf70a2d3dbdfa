# Bash completion: options from --help, built-in platforms, networks, modes.
. "$(dirname "$0")/lib.sh"
PATH=$(dirname "$VP"):$PATH
complete_words() {  # complete_words WORD...: the candidates for the last word
  bash -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    _mpaimc_vp
    printf "%s\n" "${COMPREPLY[@]}"' _ "$SRC/scripts/completion/vp-run.bash" "$@"
}
out=$(complete_words vp-run --plat)
[ "$out" = "--platform" ] || fail "--plat completes to: $out"
out=$(complete_words vp-run --platform mpaimc-)
for p in mpaimc-512 mpaimc-64 mpaimc-8; do expect_in "$p" "$out"; done
out=$(complete_words vp-run --network res)
expect_in "resnet18" "$out"; expect_in "resnet-tiny" "$out"
out=$(complete_words vp-run --mapping-mode r)
[ "$out" = "replicate" ] || fail "--mapping-mode r completes to: $out"
out=$(complete_words vp-map --co)
expect_in "--compare-modes" "$out"; expect_in "--cost" "$out"
# vp-sweep: subcommands, options per subcommand, the CSV's columns for --x.
PATH=$SRC/sweep:$PATH
sweep_words() {
  bash -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    _vp_sweep
    printf "%s\n" "${COMPREPLY[@]}"' _ "$SRC/scripts/completion/vp-sweep.bash" "$@"
}
out=$(sweep_words vp-sweep col)
[ "$out" = "collect" ] || fail "vp-sweep col completes to: $out"
out=$(sweep_words vp-sweep spec.yaml --dry)
[ "$out" = "--dry-run" ] || fail "vp-sweep spec.yaml --dry completes to: $out"
out=$(sweep_words vp-sweep plot x.csv --lo)
[ "$out" = "--logx" ] || fail "vp-sweep plot --lo completes to: $out"
out=$(sweep_words vp-sweep --backend s)
[ "$out" = "slurm" ] || fail "--backend s completes to: $out"
out=$(sweep_words vp-sweep plot "$SRC/docs/sweeps/hbm-link.csv" --x mapp)
[ "$out" = "mapping-mode" ] || fail "--x mapp completes to: $out"
echo "completion ok"
