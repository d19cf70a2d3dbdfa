"""Checks a --gtkw save file and an --fst file against the --vcd of the same run.

usage: check_gtkw_fst.py VCD GTKW FST_AS_VCD DUMPFILE

GTKW names exactly the VCD's signals (vectors as name[msb:0]), in balanced
groups, and opens DUMPFILE; FST_AS_VCD (fst2vcd's output for the FST) has the
same signals with the same value changes as the VCD.
"""
import re
import sys

vcd_path, gtkw_path, back_path, dumpfile = sys.argv[1:5]


def parse_vcd(path):
    """Full signal names (with their range) -> list of (time, value)."""
    head, body = open(path).read().split("$enddefinitions $end", 1)
    names, scope = {}, []
    # fst2vcd puts each keyword on its own line; fold the header into tokens.
    toks = head.split()
    i = 0
    while i < len(toks):
        if toks[i] == "$scope":
            scope.append(toks[i + 2])
            i += 4
        elif toks[i] == "$upscope":
            scope.pop()
            i += 2
        elif toks[i] == "$var":
            end = toks.index("$end", i)
            width, ident, name, rest = toks[i + 2], toks[i + 3], toks[i + 4], toks[i + 5:end]
            full = ".".join(scope + [name]) + "".join(rest)
            assert (int(width) > 1) == bool(rest), f"{full}: width {width}"
            names.setdefault(ident, []).append(full)
            i = end + 1
        else:
            i += 1
    changes = {n: [] for ns in names.values() for n in ns}
    time = 0
    for tok in body.split("\n"):
        tok = tok.strip()
        if tok.startswith("#"):
            time = int(tok[1:])
        elif re.match(r"^[01xz][!-~]+$", tok):
            for n in names[tok[1:]]:
                changes[n].append((time, int(tok[0])))
        elif tok.startswith("b"):
            v, ident = tok[1:].split()
            for n in names[ident]:
                changes[n].append((time, int(v, 2)))
    # A repeated value is no change (dumpvars may repeat the initial one).
    return {n: [c for k, c in enumerate(cs) if k == 0 or c[1] != cs[k - 1][1]] for n, cs in changes.items()}


vcd = parse_vcd(vcd_path)
assert vcd, "no signals in the VCD"

lines = open(gtkw_path).read().splitlines()
assert f'[dumpfile] "{dumpfile}"' in lines, f"dumpfile is not {dumpfile}"
signals, groups, depth = [], [], 0
flags = 0
filtered = []  # signals shown through the core-state translate filter
for line in lines:
    if line.startswith("@"):
        flags = int(line[1:], 16)
    elif line.startswith("*"):  # zoom and markers
        continue
    elif line.startswith("^1 "):
        filt = line[3:]
        names = open(filt).read().split("\n")
        assert "0 compute" in names and "5 wait_credit" in names and "7 halted" in names, f"{filt}: not the core states: {names}"
        filtered.append(None)
    elif line.startswith("-"):
        if flags & 0x800000:
            groups.append(line[1:])
            depth += 1
        elif flags & 0x1000000:
            assert depth > 0 and groups[-1] == line[1:], f"group end {line} unmatched"
            depth -= 1
    elif line and not line.startswith("["):
        signals.append(line)
        if filtered and filtered[-1] is None:
            filtered[-1] = line
assert depth == 0, "a group is left open"
states = sorted(n for n in vcd if "_state[" in n)
assert sorted(filtered) == states, f"filtered {filtered[:4]} are not the core states {states[:4]}"
assert len(signals) == len(set(signals)), "a signal is listed twice"
assert set(signals) == set(vcd), f"gtkw and VCD differ: {sorted(set(signals) ^ set(vcd))[:10]}"
assert any(g.startswith("cluster ") for g in groups) and "network links" in groups, groups

back = parse_vcd(back_path)
assert set(back) == set(vcd), f"FST and VCD signals differ: {sorted(set(back) ^ set(vcd))[:10]}"
for n in vcd:
    assert back[n] == vcd[n], f"{n}: FST {back[n][:6]} vs VCD {vcd[n][:6]}"
print(f"gtkw and fst ok: {len(vcd)} signals, groups {groups[:3]}...")
