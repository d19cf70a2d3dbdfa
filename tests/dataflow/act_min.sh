# Clip lower bounds (quant.act_min) end to end: the firmware's post-pass (firmware/dataflow/act_floor.h)
# after a crossbar cluster's requantization, a reduction node's, a depthwise conv's, an add's and an fc's,
# bit-exact against the golden model on both ISAs and in two mapping modes.
. "$2/tests/cli/lib.sh"
NET=$SRC/tests/dataflow/act_min.yaml
[ -f "$(dirname "$VP")/../firmware/dataflow.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }
for isa in rv32imc rv32imc_xcv; do
  expect_exit 0 "$VP" --network "$NET" --platform mpaimc-64 --mapping-mode naive --batch 3 --set core.isa=$isa
  expect_in "bit-exact: 3 images, 96 bytes, 0 mismatches" "$STDOUT"
done
expect_exit 0 "$VP" --network "$NET" --platform mpaimc-64 --mapping-mode full --batch 3
expect_in "bit-exact: 3 images, 96 bytes, 0 mismatches" "$STDOUT"
echo "act-min: all cases passed"
