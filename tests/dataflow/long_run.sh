# A run of more tiles per cluster than the runtime's arrival counters could name before session 7
# (1021): the stamps' DMA source words are a ring (firmware/dataflow/flow.c), so any batch the HBM
# holds runs, bit-exact.
. "$2/tests/cli/lib.sh"
NET=$SRC/tests/dataflow/long_run.yaml
[ -f "$(dirname "$VP")/../firmware/dataflow.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }
expect_exit 0 "$VP" --network "$NET" --platform mpaimc-8 --mapping-mode naive --batch 1100
expect_in "bit-exact: 1100 images, 140800 bytes, 0 mismatches" "$STDOUT"
echo "long-run: passed"
