# --dump-registers CLUSTER: the peripherals' registers of one cluster at the end
# of the run (also after a firmware fault), one per line, by name and global
# address; a cluster the platform does not have is a usage error.
. "$(dirname "$0")/lib.sh"
FW=$(dirname "$VP")/../firmware
[ -f "$FW/cl_ima_pipeline.elf" ] && [ -f "$FW/cl_fault.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }
expect_exit 0 "$VP" -q --platform mpaimc-8 --elf "$FW/cl_ima_pipeline.elf" --dump-registers 3
# Cluster 3's window: 0x20000000 + 3 * 2 MiB, its peripherals at + 1 MiB.
echo "$STDOUT" | grep -Eq '^cluster 3 ctrl +CLUSTER_ID +0x20703000 = 0x00000003$' || fail "no CLUSTER_ID: $STDOUT"
echo "$STDOUT" | grep -Eq '^cluster 3 ima +INFO +0x20702008 = 0x01000100$' || fail "no IMA INFO: $STDOUT"
echo "$STDOUT" | grep -Eq '^cluster 3 dma +CH0_LEN +0x20701' || fail "no DMA channel: $STDOUT"
echo "$STDOUT" | grep -Eq '^cluster 3 event_unit +CORE15_BUFFER ' || fail "no event unit: $STDOUT"
# The IMA ran jobs in this program: its STATUS shows sequences done.
status=$(echo "$STDOUT" | sed -n 's/^cluster 3 ima  *STATUS  *0x[0-9a-f]* = \(0x[0-9a-f]*\)$/\1/p')
[ -n "$status" ] && [ $((status >> 16)) -gt 0 ] || fail "IMA STATUS shows no completed sequence: '$status'"
[ "$(echo "$STDOUT" | grep -c '^cluster ')" -gt 40 ] || fail "too few registers: $STDOUT"
echo "$STDOUT" | grep -q '^cluster [^3] ' && fail "registers of another cluster: $STDOUT"
# After a firmware fault: exit 1, the report, and the registers all the same.
expect_exit 1 "$VP" -q --platform cluster-1 --elf "$FW/cl_fault.elf" --dump-registers 0
echo "$STDOUT" | grep -Eq '^cluster 0 ctrl +NUM_CORES +0x20103008 = 0x00000010$' || fail "no dump after a fault: $STDOUT"
expect_exit 2 "$VP" -q --platform mpaimc-8 --elf "$FW/cl_ima_pipeline.elf" --dump-registers 8
expect_in "--dump-registers 8: the platform has clusters 0-7" "$STDERR"
expect_exit 2 "$VP" -q --platform bare-rv32 --elf "$FW/hello.elf" --dump-registers 0
expect_in "the bare platform has no cluster peripherals" "$STDERR"
echo "dump registers ok"
