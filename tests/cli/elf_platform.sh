# vp-run --elf with no --platform: cluster firmware runs on the default
# manycore platform, a bare-metal program on bare-rv32.
. "$(dirname "$0")/lib.sh"
FW=$(dirname "$VP")/../firmware
[ -f "$FW/hello.elf" ] || { echo "firmware not built: skipped"; exit 0; }
expect_exit 0 "$VP" --elf "$FW/hello.elf"
expect_in "bare-rv32" "$STDERR"
expect_in "[c0.0]" "$STDOUT"
expect_exit 0 "$VP" --platform mpaimc-8 --elf "$FW/cl_hello.elf" -q
expect_in "[c7.0] 16 cores, 8 clusters" "$STDOUT"
# A bare program on the manycore platform is refused with the reason.
expect_exit 1 "$VP" --platform mpaimc-8 --elf "$FW/hello.elf" -q
expect_in "instruction memory" "$STDERR"
echo "elf-platform ok"
