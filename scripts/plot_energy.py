#!/usr/bin/python3
"""Energy and area figures of a dataflow run from vp-run --stats (docs/energy.md):
Fig. 7 of Bruschi et al. (area efficiency, GOPS/mm2, per layer group: layers
grouped by their input feature-map size) and the energy per image split by
component, as one PNG with two panels; --csv writes the layer groups.

usage: scripts/plot_energy.py STATS.json OUT.png [--csv OUT.csv]
(Debian's python3 with python3-matplotlib.)
"""
import argparse
import csv
import json
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("stats")
    ap.add_argument("png")
    ap.add_argument("--csv")
    a = ap.parse_args()
    stats = json.load(open(a.stats))
    e = stats.get("energy")
    if not e or "layer_groups" not in e:
        sys.exit(f"{a.stats}: no energy figures of a dataflow job (vp-run --network ... --stats)")
    groups = e["layer_groups"]
    if a.csv:
        with open(a.csv, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["group", "input_height", "layers", "clusters", "area_mm2", "gops_per_mm2"])
            for g in groups:
                w.writerow([g["group"], g["input_height"], " ".join(g["layers"]), g["clusters"],
                            f"{g['area_mm2']:.3f}", "" if g["gops_per_mm2"] is None else f"{g['gops_per_mm2']:.2f}"])
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5), gridspec_kw={"width_ratios": [3, 2]})
    labels = [f"{g['group']}\n{g['input_height']}x{g['input_height']}\n{g['clusters']} cl." for g in groups]
    values = [g["gops_per_mm2"] or 0 for g in groups]
    left.bar(range(len(groups)), values, color="#4c72b0")
    left.set_xticks(range(len(groups)), labels, fontsize=8)
    left.set_ylabel("GOPS/mm$^2$")
    left.set_xlabel("layer group (input feature map, clusters)")
    whole = e.get("gops_per_mm2")
    if whole:
        left.axhline(whole, color="black", lw=1, ls="--")
        left.text(len(groups) - 0.5, whole, f" whole chip {whole:.1f}", va="bottom", ha="right", fontsize=8)
    left.set_title("Area efficiency per layer group (Fig. 7)")
    comp = e["components_mj"]
    batch = stats["dataflow"]["batch"]
    names = list(comp)
    per_image = [comp[n] / batch for n in names]
    right.barh(names, per_image, color="#dd8452")
    right.set_xlabel("mJ per image")
    right.set_title(f"Energy: {e['mj_per_image']:.3f} mJ/image, {e['tops_per_w']:.2f} TOPS/W, {e['watts']:.2f} W")
    for i, v in enumerate(per_image):
        right.text(v, i, f" {v:.3f}", va="center", fontsize=8)
    fig.suptitle(f"{stats['dataflow']['network']} ({stats['dataflow']['mode']}) on {stats['dataflow']['platform']}: "
                 f"{e['area_mm2']:.0f} mm$^2$", fontsize=10)
    fig.tight_layout()
    fig.savefig(a.png, dpi=120)


if __name__ == "__main__":
    main()
