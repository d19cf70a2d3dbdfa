#!/usr/bin/env python3
"""Exit 0 when two --stats files agree in every key but the host's (host_*,
mips: wall time and speed of the machine; the platform's
simulation.threads); else print
the first differences and exit 1."""
import json
import sys


def strip(v, key=""):
    if isinstance(v, dict):
        return {k: strip(x, k) for k, x in v.items()
                if not (k.startswith("host_") or k == "mips" or (key == "simulation" and k == "threads"))}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v


def diff(a, b, path, out):
    if len(out) >= 10:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{path}.{k}: only in {'second' if k not in a else 'first'}")
            else:
                diff(a[k], b[k], f"{path}.{k}", out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{path}[{i}]", out)
    elif a != b:
        out.append(f"{path}: {a!r} != {b!r}")


a, b = (strip(json.load(open(p))) for p in sys.argv[1:3])
out = []
diff(a, b, "", out)
if out:
    print(f"{sys.argv[1]} and {sys.argv[2]} differ:\n  " + "\n  ".join(out))
    sys.exit(1)
