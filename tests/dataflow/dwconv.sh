# The dwconv layer kind end to end (issue 17 point 3, issue 19): bit-exact
# against the golden model on the cores (both ISAs, every mapping mode that
# fits), a flipped depthwise weight caught, and MobileNetV2's structure at 32x32
# on mpaimc-512 in full mode (residual stores, replicated depthwise layers).
. "$2/tests/cli/lib.sh"
NET=$SRC/tests/dataflow
[ -f "$(dirname "$VP")/../firmware/dataflow.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }

# One layer, HBM to HBM: 5x5/2 with edge taps, per-channel requantization, ReLU6.
for isa in rv32imc rv32imc_xcv; do
  expect_exit 0 "$VP" --network "$NET/one_dwconv.yaml" --platform mpaimc-8 --batch 3 --set core.isa=$isa --stats one-$isa.json
  expect_in "bit-exact: 3 images, 4320 bytes, 0 mismatches" "$STDOUT"
done
# The depthwise weights are the first record: flipping one must show.
expect_exit 1 "$VP" --network "$NET/one_dwconv.yaml" --platform mpaimc-8 --batch 2 --test-flip-weight -q
expect_in "mismatch" "$STDOUT$STDERR"

# Depthwise-separable blocks with a residual add.
expect_exit 0 "$VP" --network "$NET/dw_tiny.yaml" --platform mpaimc-8 --mapping-mode naive --batch 3 --set core.isa=rv32imc
expect_in "clusters used     8 of 8" "$STDOUT"
expect_in "bit-exact: 3 images, 432 bytes, 0 mismatches" "$STDOUT"
for mode in replicate full; do
  expect_exit 0 "$VP" --network "$NET/dw_tiny.yaml" --platform mpaimc-64 --mapping-mode $mode --batch 3 --stats tiny-$mode.json
  expect_in "bit-exact: 3 images, 432 bytes, 0 mismatches" "$STDOUT"
done

# Through the depthwise accelerator (ip/dwconv): one cluster (hetero-cluster-8), and the
# multi-array platform; the accelerator computes the full-width tiles, the cores the others.
expect_exit 0 "$VP" --network "$NET/one_dwconv.yaml" --platform hetero-cluster-8 --batch 3 --stats h8.json \
  --vcd h8.vcd --breakdown h8.csv
expect_in "bit-exact: 3 images, 4320 bytes, 0 mismatches" "$STDOUT"
# The accelerator's accounting: core 0's waits for it are its own phase (dwconv_wait_ns), not the
# IMA's; its area is in the area model; its busy signal is in the VCD beside ima_busy.
/usr/bin/python3 - h8.json h8.vcd h8.csv <<'PY' || fail "the accelerator's accounting"
import csv, json, sys
s = json.load(open(sys.argv[1]))
row = s["dataflow"]["breakdown"]["clusters"][0]
pc = s["results"]["per_cluster"][0]
assert row["dwconv_wait_ns"] > 0 and row["ima_wait_ns"] == 0, row
assert abs(row["dwconv_wait_ns"] * pc["cores"] - pc["phase_ns"]["dwconv"]) < 1e-6, (row, pc["phase_ns"])
# Core 0 waits at least as long as the accelerator computes its jobs (it sleeps until the last).
assert pc["phase_ns"]["dwconv"] >= pc["dwconv_compute_ns"] > 0, pc
a, p = s["energy"]["area"], s["platform"]
want = p["cluster"]["dwconv"]["lanes"] * p["cluster"]["dwconv"]["taps_per_cycle"] * p["area"]["dwconv_mm2_per_mac"]
assert want > 0 and abs(a["components_mm2"]["dwconv"] - want) < 1e-12, (a["components_mm2"], want)
assert abs(sum(a["components_mm2"].values()) - a["area_mm2"]) < 1e-9, a
vcd = open(sys.argv[2]).read()
ident = [l.split()[3] for l in vcd.splitlines() if l.startswith("$var") and l.split()[4] == "dwconv_busy"]
assert len(ident) == 1, ident
body = vcd.split("$enddefinitions $end", 1)[1].splitlines()
assert 1 <= body.count("1" + ident[0]) <= 3, "a busy span per convolution (3), back-to-back ones merged"
assert abs(float(next(csv.DictReader(open(sys.argv[3])))["dwconv_wait_ns"]) - row["dwconv_wait_ns"]) < 0.051
PY
expect_exit 0 "$VP" --network "$NET/dw_tiny.yaml" --platform hetero-multi-256 --mapping-mode naive --batch 3 --stats h256.json
expect_in "bit-exact: 3 images, 432 bytes, 0 mismatches" "$STDOUT"
/usr/bin/python3 - h8.json h256.json <<'PY' || fail "the accelerator did not run the depthwise layers"
import json, sys
for f, want in zip(sys.argv[1:], (3, 3 * 3)):  # one_dwconv: 1 full tile of 2 per image; dw_tiny: dw1, dw2, dw3 one tile each
    pc = json.load(open(f))["results"]["per_cluster"]
    n = sum(c.get("dwconv_convolutions", 0) for c in pc)
    assert n == want, (f, n, want)
PY
expect_exit 0 "$VP" --network "$NET/dw_tiny.yaml" --platform mpaimc-8 --mapping-mode naive --batch 3 --stats cores.json -q
/usr/bin/python3 -c 'import json, sys; pc = json.load(open("cores.json"))["results"]["per_cluster"]
assert sum(c.get("dwconv_convolutions", 0) for c in pc) == 0' || fail "a platform without the accelerator used it"

# MobileNetV2's layer sequence at 32x32 (the generator of mapping/networks/mobilenetv2.yaml).
/usr/bin/python3 "$SRC/scripts/gen_mobilenetv2.py" mnv2-32.yaml --resolution 32 --name mnv2-32 || fail "generator"
expect_exit 0 "$VP" --network mnv2-32.yaml --batch 2 --stats mnv2.json
expect_in "bit-exact: 2 images, 2000 bytes, 0 mismatches" "$STDOUT"
/usr/bin/python3 - mnv2.json <<'PY' || fail "mnv2-32 report"
import json, sys
d = json.load(open(sys.argv[1]))["dataflow"]
assert d["network"] == "mnv2-32" and d["mode"] == "full", d["mode"]
assert d["output_check"]["mismatches"] == 0 and d["images_per_s"] > 0
PY
echo "ok"
