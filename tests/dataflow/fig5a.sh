# scripts/fig5a.sh: the three mapping modes of a one-conv network, a table and a PNG.
. "$2/tests/cli/lib.sh"
[ -f "$(dirname "$VP")/../firmware/dataflow.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }
expect_exit 0 env VP="$VP" OUT="$OUT/f5" BATCH=2 "$SRC/scripts/fig5a.sh" "$SRC/tests/dataflow/one_conv.yaml" mpaimc-8
expect_in "| naive | ok | 1 of 8 |" "$STDOUT"
expect_in "| replicate | ok | 2 of 8 |" "$STDOUT"
expect_in "| full | ok | 2 of 8 |" "$STDOUT"
[ "$(head -c 8 f5/fig5a.png | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "fig5a.png is not a PNG"
cmp -s <(echo "$STDOUT") f5/fig5a.md || fail "fig5a.md differs from the printed table"
for m in naive replicate full; do
  /usr/bin/python3 -c "import json,sys; d=json.load(open('f5/$m.json'))['dataflow']; assert d['mode']=='$m' and d['output_check']['mismatches']==0" \
    || fail "$m stats"
done
# Platform overrides go to every run and into the table's title.
expect_exit 0 env VP="$VP" OUT="$OUT/f5s" BATCH=2 "$SRC/scripts/fig5a.sh" "$SRC/tests/dataflow/one_conv.yaml" mpaimc-8 \
  'noc.latency_mode=[serialized,serialized,serialized]' noc.width_bytes.0=8
expect_in "on mpaimc-8 with noc.latency_mode=[serialized,serialized,serialized] noc.width_bytes.0=8, batch 2" "$STDOUT"
expect_in "| full | ok | 2 of 8 |" "$STDOUT"
expect_exit 2 env VP="$VP" OUT="$OUT/f5" "$SRC/scripts/fig5a.sh" no-such-network mpaimc-8
expect_in "cannot open network file" "$STDERR"
echo "fig5a ok"
