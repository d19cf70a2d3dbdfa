#!/usr/bin/env python3
"""Guideline 3's experiment (docs/results.md): a platform on which the clusters
doing group 5's digital work (layers l4b*: their reduction nodes, which also
requantize, the residual adds, and avgpool) have CORES cores, every other
cluster as in the base platform, for ResNet-18's full mapping.

The mapper sees the class (its cost model reads each cluster's cores) and may
place group 5's roles elsewhere, or add reduction nodes, so the class is moved
to where the mapping of the new platform puts them until the two agree (a
fixed point, usually after 2-3 mappings with vp-map).

usage: group5_platform.py VP_MAP BASE.yaml CORES OUT.yaml
  BASE.yaml: a homogeneous platform as `vp-run --print-platform` writes it.
Prints the group-5 clusters of the final mapping.
"""
import subprocess
import sys
import tempfile

import yaml


def group5(vp_map, platform_file):
    with tempfile.NamedTemporaryFile(suffix=".yaml") as out:
        subprocess.run([vp_map, "--platform", platform_file, "--network", "resnet18", "--out-yaml", out.name],
                       check=True, capture_output=True)
        m = yaml.safe_load(open(out.name))
    return {c["id"] for c in m["clusters"]
            if c["role"] in ("reduce", "digital") and (str(c["layer"]).startswith("l4b") or c["layer"] == "avgpool")}


def main():
    vp_map, base, cores, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    p = yaml.safe_load(open(base))
    if p["cluster"].get("classes"):
        sys.exit(f"{base}: the base platform already has classes; use a homogeneous one")
    n, name = p["cluster"]["count"], p["name"]
    yaml.safe_dump(p, open(out, "w"), sort_keys=False)
    ids = group5(vp_map, out)
    for _ in range(10):
        p["name"] = f"{name}-group5-{cores}cores"
        p["description"] = f"{name}; the {len(ids)} clusters of group 5's digital work have {cores} cores"
        p["cluster_classes"] = {"base": {"cores": p["cluster"]["cores"]}, "group5": {"cores": cores}}
        p["cluster"]["classes"] = ["group5" if i in ids else "base" for i in range(n)]
        p["cluster"]["classes_repeat"] = False
        yaml.safe_dump(p, open(out, "w"), sort_keys=False)
        again = group5(vp_map, out)
        if again == ids:
            print(" ".join(map(str, sorted(ids))))
            return
        ids = again
    sys.exit("no fixed point after 10 mappings")


if __name__ == "__main__":
    main()
