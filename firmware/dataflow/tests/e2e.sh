# The dataflow firmware end to end through vp-run (issue 7's reduced case):
# resnet-tiny (a residual add, a 2-way reduction, a 2-crossbar FC) on 8 and
# 64 clusters in every mapping mode, bit-exact against the golden model; on
# 64 clusters the modes differ (replicas, a residual store in full mode).
# Then the self-timed rule: a fast producer is throttled by its slower
# consumers, with no data lost. Arguments: vp-run, source dir, scratch dir.
. "$2/tests/cli/lib.sh"
ELF=$4

run() {  # platform mode batch -> stats.json
  expect_exit 0 "$VP" --network resnet-tiny --platform "$1" --mapping-mode "$2" --batch "$3" --elf "$ELF" \
    --stats "$1-$2.json" --quiet
  expect_in "0 mismatches" "$STDOUT"
}
for mode in naive replicate full; do run mpaimc-8 $mode 4; done
for mode in naive replicate full; do run mpaimc-64 $mode 6; done
# The same naive mapping with int32 partial sums (the reduction node slower
# than its crossbars: the self-timed rule's case below), and int32 on 64 clusters.
expect_exit 0 "$VP" --network resnet-tiny --platform mpaimc-8 --mapping-mode naive --batch 4 --elf "$ELF" \
  --cost psum16=0 --stats mpaimc-8-naive32.json --quiet
expect_in "bit-exact: 4 images, 1200 bytes, 0 mismatches" "$STDOUT"
expect_exit 0 "$VP" --network resnet-tiny --platform mpaimc-64 --mapping-mode full --batch 6 --elf "$ELF" \
  --cost psum16=0 --quiet
expect_in "bit-exact: 6 images, 1800 bytes, 0 mismatches" "$STDOUT"

# Any number of input slots (--cost input_slots, the mapper's figure) gives the same outputs.
for slots in 2 3 6; do
  expect_exit 0 "$VP" --network resnet-tiny --platform mpaimc-64 --mapping-mode full --batch 6 --elf "$ELF" \
    --cost input_slots=$slots --quiet
  expect_in "bit-exact: 6 images, 1800 bytes, 0 mismatches" "$STDOUT"
done

# A reduction tree of two levels with a fan-in-1 node, over several tiles per slot.
expect_exit 0 "$VP" --network "$2/firmware/dataflow/tests/two_level_tree.yaml" --platform mpaimc-64 \
  --mapping-mode replicate --batch 6 --elf "$ELF" --quiet
expect_in "bit-exact: 6 images, 196608 bytes, 0 mismatches" "$STDOUT"

# The numerics of real int8 networks (per-channel requantization and bias,
# clip, rescaled add, half-even average) on every requantizing role, in both
# firmware flavours.
INT8="$2/firmware/dataflow/tests/int8_numerics.yaml"
for pm in mpaimc-8:naive mpaimc-64:full; do
  expect_exit 0 "$VP" --network "$INT8" --platform "${pm%%:*}" --mapping-mode "${pm##*:}" --batch 4 --elf "$ELF" --quiet
  expect_in "bit-exact: 4 images, 1200 bytes, 0 mismatches" "$STDOUT"
done
expect_exit 0 "$VP" --network "$INT8" --platform mpaimc-64 --mapping-mode full --batch 4 --set core.isa=rv32imc_xcv \
  --elf "${ELF%.elf}_xcv.elf" --quiet
expect_in "bit-exact: 4 images, 1200 bytes, 0 mismatches" "$STDOUT"

/usr/bin/python3 - <<'PY' || fail "mapping modes or flow control"
import json
def load(p, m): return json.load(open(f"{p}-{m}.json"))
def roles(s):
    r = {}
    for c in s["dataflow"]["breakdown"]["clusters"]: r[c["role"]] = r.get(c["role"], 0) + 1
    return r
for p, n in [("mpaimc-8", 4), ("mpaimc-64", 6)]:
    for m in ["naive", "replicate", "full"]:
        d = load(p, m)["dataflow"]
        assert d["output_check"] == {"images": n, "bytes": n * 300, "mismatches": 0}, (p, m, d["output_check"])
        assert len(d["image_done_ns"]) == n and d["image_done_ns"] == sorted(d["image_done_ns"])
# On 64 clusters: naive uses one cluster per crossbar/part, replicate and full
# replicate layers, full keeps the residual in a store's L1.
naive, rep, full = (load("mpaimc-64", m)["dataflow"] for m in ["naive", "replicate", "full"])
assert naive["clusters_used"] == 8 and rep["clusters_used"] > 8 and full["clusters_used"] > rep["clusters_used"] - 1
assert rep["images_per_s"] > 1.2 * naive["images_per_s"], (rep["images_per_s"], naive["images_per_s"])
# Self-timed rule on 8 clusters, naive: a crossbar faster than its consumers
# (conv2's first crossbar, cluster 1, ahead of its reduction node with int32
# partial sums; with int16 the node keeps up; conv1's was until the runtime
# stopped re-zeroing unchanged window padding) may not run ahead with 2-slot
# windows, so its core 0 waits for credits, and its run lasts at least its IMA
# time plus those waits, yet nothing is lost.
s = load("mpaimc-8", "naive32")
c0 = next((c for c in s["results"]["per_cluster"] if c["ima_compute_ns"] > 0 and c["core0_phase_ns"]["wait_credit"] > 0),
          None)
assert c0, [c["core0_phase_ns"] for c in s["results"]["per_cluster"]]
start = s["dataflow"]["pipeline_start_ns"]
assert c0["core0_phase_ns"]["wait_credit"] > 0, c0
assert c0["exit_ns"] - start > c0["ima_compute_ns"] + c0["core0_phase_ns"]["wait_credit"], (c0, start)
assert c0["phase_ns"]["synchronization"] > 0
PY
echo ok
