# ResNet-50 (mapping/networks/resnet50.yaml): what it needs and where it fits. It does not fit
# mpaimc-512 (514 clusters) nor imc-4x4 (its largest layer alone needs 32 arrays): located
# errors, exit 2, nothing written. It maps on mpaimc-1024, which elaborates and runs a small
# network bit-exact (the full ResNet-50 run is in docs/results.md). imc-4x4 runs the part of it
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
echo "resnet50 ok"
