#!/usr/bin/env bash
# Fig. 5A of Bruschi et al.: the network's throughput in the three mapping
# modes (naive -> data replication + parallelization -> residuals in free L1),
# each a vp-run dataflow job with --stats. Writes OUT/fig5a.md (table, paper
# beside ours), OUT/fig5a.png and OUT/<mode>.json.
#   usage: scripts/fig5a.sh [NETWORK] [PLATFORM] [KEY=VALUE...]   (default resnet18 mpaimc-512)
#          KEY=VALUE: platform overrides for every run (vp-run --set), e.g.
#          scripts/fig5a.sh resnet18 mpaimc-512-gvsoc 'noc.latency_mode=[pipelined,pipelined,pipelined,pipelined,pipelined]'
#   env:   BUILD_DIR (default build/), OUT (default $BUILD_DIR/fig5a, or fig5a-PLATFORM for
#          another platform than mpaimc-512), BATCH (default 16), VP (a vp-run binary)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
net=${1:-resnet18}
platform=${2:-mpaimc-512}
shift $(( $# < 2 ? $# : 2 ))
sets=()
for kv in "$@"; do sets+=(--set "$kv"); done
build=${BUILD_DIR:-$root/build}
vp=${VP:-$build/bin/vp-run}
default_out=$build/fig5a
[ "$platform" = mpaimc-512 ] || default_out=$build/fig5a-$(basename "$platform" .yaml)
out=${OUT:-$default_out}
batch=${BATCH:-16}
[ -x "$vp" ] || { echo "fig5a: $vp not found (build first: scripts/build.sh)" >&2; exit 2; }
mkdir -p "$out"
for mode in naive replicate full; do
  cmd=("$vp" --network "$net" --platform "$platform" --mapping-mode "$mode" --batch "$batch" -q --stats "$out/$mode.json" "${sets[@]}")
  echo "fig5a: ${cmd[*]}" >&2
  "${cmd[@]}" > "$out/$mode.txt" 2> "$out/$mode.err"
  rc=$?
  # A usage error writes no stats: stop; a failed run still has its stats.
  [ $rc -eq 2 ] && { cat "$out/$mode.err" >&2; exit 2; }
  [ $rc -ne 0 ] && echo "fig5a: $mode: exit $rc: $(head -1 "$out/$mode.err")" >&2
done
exec /usr/bin/python3 - "$out" "$net" "$platform" "$batch" "$*" <<'PY'
import json, os, sys
out, net, platform, batch, sets = sys.argv[1:6]
# The paper (section VI, Fig. 5A): ResNet-18, batch 16, 3303 images/s in full
# mode; 1.6x from naive to replicate (+61 clusters), 1.9x to full (+2); 322
# clusters in full mode, so 259 in naive (mapping/README.md).
paper = {"naive": (259, 1.0), "replicate": (320, 1.6), "full": (322, 1.6 * 1.9)}
paper_full_rate = 3303.0
rows = []
for mode in ["naive", "replicate", "full"]:
    s = json.load(open(os.path.join(out, mode + ".json")))
    d = s.get("dataflow", {})
    rows.append({"mode": mode, "status": s["status"], "clusters": d.get("clusters_used"),
                 "total": d.get("clusters_total"), "rate": d.get("images_per_s"),
                 "latency_ms": d["batch_latency_ns"] / 1e6 if d else None,
                 "model": d.get("cost_model_images_per_s"),
                 "note": d.get("images_per_s_note") if d else s.get("message", "").splitlines()[0]})
base = rows[0]["rate"]
for r in rows:
    r["speedup"] = r["rate"] / base if r["rate"] and base else None
fmt = lambda v, f: "n/a" if v is None else format(v, f)
# The paper's platform: Table I (mpaimc-512) or its simulator's figures (mpaimc-512-gvsoc).
is_paper_case = net in ("resnet18", "resnet18.yaml") and platform.startswith("mpaimc-512")
lines = [f"Fig. 5A: {net} on {platform}{' with ' + sets if sets else ''}, batch {batch} "
         f"(scripts/fig5a.sh {net} {platform}{' ' + sets if sets else ''})", "",
         "| mode | status | clusters | images/s | speed-up vs naive | batch latency (ms) | cost model images/s |"
         + (" paper clusters | paper images/s | paper speed-up |" if is_paper_case else ""),
         "|---|---|---|---|---|---|---|" + ("---|---|---|" if is_paper_case else "")]
for r in rows:
    pc, ps = paper[r["mode"]]
    line = (f"| {r['mode']} | {r['status']} | {fmt(r['clusters'], 'd')} of {fmt(r['total'], 'd')} | "
            f"{fmt(r['rate'], '.0f')} | {fmt(r['speedup'], '.2f')} | {fmt(r['latency_ms'], '.3f')} | "
            f"{fmt(r['model'], '.0f')} |")
    if is_paper_case:
        line += f" {pc} | {paper_full_rate / paper['full'][1] * ps:.0f} | {ps:.2f} |"
    lines.append(line)
notes = [f"- {r['mode']}: {r['note']}" for r in rows if r["rate"] is None]
if notes:
    lines += ["", "images/s n/a:"] + notes
text = "\n".join(lines) + "\n"
open(os.path.join(out, "fig5a.md"), "w").write(text)
print(text, end="")

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
modes = [r["mode"] for r in rows]
x = range(len(modes))
fig, ax = plt.subplots(figsize=(6.4, 4.2))
ours = [r["speedup"] or 0 for r in rows]
ax.bar([i - 0.2 for i in x], ours, width=0.4, color="#2c7bb6", label="this VP")
for i, r in enumerate(rows):
    label = "n/a" if r["rate"] is None else f"{r['rate']:.0f}/s\n{r['clusters']} cl."
    ax.text(i - 0.2, ours[i] + 0.03, label, ha="center", va="bottom", fontsize=7)
if is_paper_case:
    ps = [paper[m][1] for m in modes]
    ax.bar([i + 0.2 for i in x], ps, width=0.4, color="#bdbdbd", label="paper (Fig. 5A)")
    for i, m in enumerate(modes):
        ax.text(i + 0.2, ps[i] + 0.03, f"{paper_full_rate / paper['full'][1] * ps[i]:.0f}/s\n{paper[m][0]} cl.",
                ha="center", va="bottom", fontsize=7)
ax.set_xticks(list(x))
ax.set_xticklabels(["naive", "+ replication,\nparallelization", "+ residuals\nin free L1"])
ax.set_ylabel("throughput, relative to naive")
ax.set_title(f"{os.path.basename(net)} on {platform}, batch {batch}" + (f"\n{sets}" if sets else ""), fontsize=8)
ax.legend(fontsize=8, loc="upper left")
ax.set_ylim(0, max(ours + [3.2 if is_paper_case else 1.0]) * 1.25)
fig.tight_layout()
fig.savefig(os.path.join(out, "fig5a.png"), dpi=120)
PY
