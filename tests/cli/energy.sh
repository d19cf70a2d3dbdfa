# The energy model on the real VP, on programs whose counts are known by hand:
# the IMA example runs 8 jobs of 64 rows x 32 columns, the DMA example moves
# 2 x 32 blocks of 2 KiB; unused clusters of a mapping cost what the gating
# says; the report's figures match; bad figures are located errors.
. "$(dirname "$0")/lib.sh"
FW=$(dirname "$VP")/../firmware
[ -f "$FW/ex_ima_job.elf" ] && [ -f "$FW/ex_dma_double_buffer.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }
check() { python3 -c "import json,sys; s=json.load(open('$1')); e=s['energy']; $2" || fail "$3"; }
expect_exit 0 "$VP" -q --platform cluster-1 --elf "$FW/ex_ima_job.elf" --stats ima.json
# Defaults: 150 pJ a job, 1 pJ a row, 6 pJ a column, 0.04 pJ a cell.
check ima.json "want=(8*150 + 8*64*1 + 8*32*6 + 8*64*32*0.04)*1e-9; got=e['components_mj']['ima']; sys.exit(0 if abs(got-want) < 1e-12 else print(got, want) or 1)" \
  "IMA energy is not 8 jobs of 64 x 32"
expect_exit 0 "$VP" -q --platform cluster-1 --elf "$FW/ex_dma_double_buffer.elf" --stats dma.json \
  --set energy.dma_pj_per_byte=2.5
check dma.json "want=2*32*2048*2.5e-9; got=e['components_mj']['dma']; sys.exit(0 if abs(got-want) < 1e-12 else print(got, want) or 1)" \
  "DMA energy is not 128 KiB at 2.5 pJ/B"
check dma.json "parts=sum(e['components_mj'].values()); sys.exit(0 if abs(parts-e['total_mj']) < 1e-9*e['total_mj'] else 1)" \
  "total is not the sum of the components"
check dma.json "a=e['area']; sys.exit(0 if abs(sum(a['components_mm2'].values())-e['area_mm2']) < 1e-9 else 1)" "area is not the sum of its parts"

# A mapping that leaves clusters unused: power-gated they cost nothing, clock-gated only their leakage.
for g in power_gated clock_gated powered; do
  expect_exit 0 "$VP" -q --network resnet-tiny --platform mpaimc-64 --batch 2 --set energy.unused_clusters=$g --stats $g.json
done
check power_gated.json "u=s['dataflow']['clusters_used']; sys.exit(0 if u < 64 and all(v == 0 for v in e['per_cluster_mj'][u:]) and e['clusters_power_gated'] == 64-u else 1)" \
  "power-gated clusters are charged"
check clock_gated.json "
u=s['dataflow']['clusters_used']; leak=s['platform']['energy']['cluster_leakage_mw']*1e-3*s['simulated_ns']*1e-9*1e3
sys.exit(0 if all(abs(v-leak) < 1e-12 for v in e['per_cluster_mj'][u:]) else 1)" "clock-gated clusters cost more than their leakage"
python3 - <<'PY' || fail "gating does not order the totals powered > clock_gated > power_gated"
import json
t = {g: json.load(open(f"{g}.json"))["energy"]["total_mj"] for g in ("power_gated", "clock_gated", "powered")}
assert t["powered"] > t["clock_gated"] > t["power_gated"] > 0, t
PY
check power_gated.json "d=s['dataflow']['energy']; sys.exit(0 if abs(e['mj_per_image']*2 - e['total_mj']) < 1e-12 and e['tops_per_w'] > 0 and d['area_mm2'] == e['area_mm2'] else 1)" \
  "per-image figures do not follow from the totals"
expect_in "TOPS/W" "$STDOUT"
# Fig. 7 and the energy split as a PNG, the layer groups as CSV.
expect_exit 0 "$SRC/scripts/plot_energy.py" power_gated.json e.png --csv g.csv
[ -s e.png ] && head -1 g.csv | grep -q '^group,input_height,layers,clusters,area_mm2,gops_per_mm2' || fail "no plot or CSV"
[ "$(tail -n +2 g.csv | wc -l)" -ge 2 ] || fail "too few layer groups: $(cat g.csv)"  # resnet-tiny: 16x16 and the FC

# The calibration (docs/energy.md, scripts/calibrate_energy.py) on a small job: the figures it
# prints, set back into the same job, make it cost the target it was asked for (to their 4
# significant digits), and every core figure is the uncalibrated one times the same k.
T=0.1
expect_exit 0 /usr/bin/python3 "$SRC/scripts/calibrate_energy.py" --stats power_gated.json --target-mj $T
expect_in "calibration: " "$STDOUT"
expect_in "not the paper's configuration" "$STDERR"
SETS=$(echo "$STDOUT" | sed -n 's/^  energy\.\([a-z_]*\): \(.*\)$/--set energy.\1=\2/p')
[ "$(echo "$SETS" | wc -w)" = 24 ] || fail "calibrate_energy.py printed no 12 figures: $STDOUT"
expect_exit 0 "$VP" -q --network resnet-tiny --platform mpaimc-64 --batch 2 $SETS --stats cal.json
check cal.json "sys.exit(0 if abs(e['mj_per_batch'] - $T) < 5e-4 * $T else print(e['mj_per_batch']) or 1)" \
  "the calibrated figures do not land on the target"
expect_exit 1 /usr/bin/python3 "$SRC/scripts/calibrate_energy.py" --stats power_gated.json --target-mj 0.000001
expect_in "cannot land on" "$STDERR"

expect_exit 2 "$VP" -q --platform cluster-1 --elf "$FW/ex_ima_job.elf" --set energy.cluster_leakage_mw=-1
expect_in "energy.cluster_leakage_mw" "$STDERR"
expect_exit 2 "$VP" -q --platform cluster-1 --elf "$FW/ex_ima_job.elf" --set energy.unused_clusters=asleep
expect_in "energy.unused_clusters" "$STDERR"
echo "energy ok"
