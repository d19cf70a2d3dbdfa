# ResNet-50 (mapping/networks/resnet50.yaml): what it needs and where it fits. It does not fit
# mpaimc-512 (514 clusters) nor imc-4x4 (its largest layer alone needs 32 arrays): located
# errors, exit 2, nothing written. It maps on mpaimc-1024 and runs there bit-exact in full mode
# (one image here; batch 16 in docs/results.md), every residual ring in one holder, as the
# runtime needs; a ring no store holds whole goes through the HBM. imc-4x4 runs the part of it
# it holds (resnet50-s1b1) in the mapper.
. "$2/tests/cli/lib.sh"
MAP=$(dirname "$VP")/vp-map
[ -f "$(dirname "$VP")/../firmware/dataflow.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }

expect_exit 2 "$MAP" --network resnet50 --platform mpaimc-512 --out-yaml m.yaml
expect_in "network resnet50 needs 514 clusters" "$STDERR"
expect_in "the platform mpaimc-512 has 512" "$STDERR"
[ ! -e m.yaml ] || fail "a mapping was written for a network that does not fit"
expect_exit 2 "$MAP" --network resnet50 --platform imc-4x4
expect_in "layer s4b1c2 (4608x512 weights) needs 32 crossbars of 1152x64" "$STDERR"
expect_in "imc-4x4 has 16 clusters" "$STDERR"

expect_exit 0 "$MAP" --network resnet50 --platform mpaimc-1024 --mode naive
expect_in "operations: 4089184256 MACs per image" "$STDOUT"
expect_in "clusters used: 514 of 1024" "$STDOUT"
expect_exit 0 "$MAP" --network resnet50-s1b1 --platform imc-4x4 --mode naive
expect_in "clusters used: 13 of 16" "$STDOUT"

expect_exit 0 "$VP" --network resnet-tiny --platform mpaimc-1024 --batch 2
expect_in "bit-exact: 2 images, 600 bytes, 0 mismatches" "$STDOUT"

# Full mode: 16 rings in 16 residual stores, none split (the runtime refuses a split ring).
expect_exit 0 "$MAP" --network resnet50 --platform mpaimc-1024
expect_in "clusters used: 659 of 1024" "$STDOUT"  # 656 with int32 partial sums (--cost psum16=0)
expect_in "residuals: 14637056 live bytes over 16 adds (0 in HBM, 16 in the L1 of 16 free clusters)" "$STDOUT"
expect_exit 0 "$VP" --network resnet50 --platform mpaimc-1024 --batch 1
expect_in "bit-exact: 1 images, 1000 bytes, 0 mismatches" "$STDOUT"
# A ring that no store holds whole goes through the HBM and runs.
WIDE="$2/tests/dataflow/wide_ring.yaml"
expect_exit 0 "$MAP" --network "$WIDE" --platform mpaimc-8 --set cluster.l1.size=192KiB
expect_in "(1 in HBM, 0 in the L1 of 0 free clusters)" "$STDOUT"
expect_exit 0 "$VP" --network "$WIDE" --platform mpaimc-8 --set cluster.l1.size=192KiB --batch 2
expect_in "bit-exact: 2 images, 331776 bytes, 0 mismatches" "$STDOUT"
echo "resnet50 ok"
