# Bad dataflow-job options: exit 2, a message naming the culprit, no output files.
. "$2/tests/cli/lib.sh"
NET=$SRC/tests/dataflow
no_files() { [ ! -e s.json ] && [ ! -e b.csv ] || fail "files written on an error: $*"; }

expect_exit 2 "$VP" --network no-such-net --platform mpaimc-8 --stats s.json --breakdown b.csv
expect_in "no-such-net.yaml" "$STDERR"; expect_in "cannot open network file" "$STDERR"; no_files network

printf 'name: x\ninput: {channels: 3, height: 8, width: 8}\nlayers:\n  - {name: c, op: conv, kernel: 3}\n' > bad.yaml
expect_exit 2 "$VP" --network bad.yaml --platform mpaimc-8 --stats s.json
expect_in "bad.yaml:4:" "$STDERR"; no_files bad-yaml

expect_exit 2 "$VP" --network "$NET/one_conv.yaml" --platform mpaimc-8 --mapping-mode fastest --stats s.json
expect_in "--mapping-mode 'fastest': not a mapping mode (naive, replicate, full, auto or reload)" "$STDERR"; no_files mode
# Reload mode: a group that cannot fit (one column group of l3b1c2 needs 10 clusters) is located.
expect_exit 2 "$VP" --network resnet18 --platform mpaimc-8 --mapping-mode reload --stats s.json
expect_in "resnet18.yaml:26:5: layer l3b1c2 (2304x256 weights): one column group needs 10 clusters" "$STDERR"
no_files reload

expect_exit 2 "$VP" --network "$NET/one_conv.yaml" --platform mpaimc-8 --cost input_slot=3 --stats s.json
expect_in "--cost input_slot=3: unknown name" "$STDERR"
[ ! -e s.json ] || fail "a bad --cost wrote the stats"
expect_exit 2 "$VP" --network "$NET/one_conv.yaml" --platform mpaimc-8 --batch 0 --stats s.json
expect_in "--batch 0: a batch needs at least one image" "$STDERR"; no_files batch0
expect_exit 2 "$VP" --network "$NET/one_conv.yaml" --platform mpaimc-8 --batch many --stats s.json
expect_in "batch" "$STDERR"; no_files batch-many

# 256 MiB of HBM on mpaimc-8: 30000 images of 3840 + 5760 bytes do not fit.
expect_exit 2 "$VP" --network "$NET/one_conv.yaml" --platform mpaimc-8 --batch 30000 --stats s.json
expect_in "--network $NET/one_conv.yaml --mapping-mode full --batch 30000 on mpaimc-8" "$STDERR"
expect_in "a batch of 30000 images needs" "$STDERR"; no_files batch-fit

expect_exit 2 "$VP" --network "$NET/one_conv.yaml" --platform bare-rv32 --stats s.json
expect_in "manycore platform" "$STDERR"; no_files bare

expect_exit 2 "$VP" --platform mpaimc-8 --breakdown b.csv
expect_in "--breakdown and --breakdown-png are reports of the dataflow job" "$STDERR"; no_files breakdown-alone
# Firmware that is not the dataflow runtime has no boot record to fill: a simulation error (1).
FW=$(dirname "$VP")/../firmware/cl_ima_pipeline.elf
if [ -f "$FW" ]; then
  expect_exit 1 "$VP" --network "$NET/one_conv.yaml" --platform mpaimc-8 --elf "$FW"
  expect_in "cl_ima_pipeline.elf: no symbol 'df_boot': not the dataflow firmware" "$STDERR"
fi
# The cluster firmware reserves stacks for 16 cores (cluster.ld's __max_cores, read from the ELF):
# a 17th core is the platform key's error, not a trap at pc 0.
expect_exit 2 "$VP" --network "$NET/one_conv.yaml" --platform mpaimc-8 --set cluster.cores=17 --stats s.json
expect_in "--set cluster.cores=17: error: cluster.cores: 17 cores per cluster, but" "$STDERR"
expect_in "dataflow_xcv.elf reserves stacks for 16 (its __max_cores, firmware/cluster/cluster.ld)" "$STDERR"
no_files cores
echo "dataflow errors ok"
