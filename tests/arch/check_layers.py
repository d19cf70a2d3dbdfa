#!/usr/bin/env python3
"""The dependency rule of docs/architecture.md, checked on the sources.

Layers, bottom up: contracts/ (C headers shared by models, host and firmware),
core/ (configuration, simulation error, tracer interface), then ip/ and
mapping/ side by side, then platform/. firmware/ sees only contracts/. A file
may include its own layer and the layers below it; tests/ and bench/ folders
are exempt (a test may drive any layer). Every quoted include of production
code must resolve to a file of an allowed layer (or to a header the folder's
CMakeLists.txt generates into ${CMAKE_CURRENT_BINARY_DIR}), and no
CMakeLists.txt of a lower layer may add a higher layer's folder to an include
path.

usage: check_layers.py SOURCE_DIR     exit 0 clean, 1 with the violations listed
"""
import os
import re
import sys

ALLOWED = {
    "contracts": ["contracts"],
    "core": ["contracts", "core"],
    "ip": ["contracts", "core", "ip"],
    "mapping": ["contracts", "core", "mapping"],
    "firmware": ["contracts", "firmware"],
    "platform": ["contracts", "core", "ip", "mapping", "platform"],
}
# Data, not code: the schema and the built-in platforms are embedded into the
# configuration library (core/) although users find them under platform/, and
# core/'s data-folder lookup names the built-in networks' folder.
DATA_FOLDERS = ("platform/schema", "platform/configs", "mapping/networks")
SOURCE_EXT = (".c", ".h", ".cpp", ".hpp", ".S")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def include_roots(root, layer):
    """Folders a layer's targets put on include paths: the layer, and its subfolders."""
    top = os.path.join(root, layer)
    if not os.path.isdir(top):
        return []
    roots = [top]
    for sub in sorted(os.listdir(top)):
        path = os.path.join(top, sub)
        if os.path.isdir(path) and sub != "tests":
            roots.append(path)
            if layer == "mapping" and os.path.isdir(os.path.join(path, "src")):
                roots.append(os.path.join(path, "src"))
    return roots


def generated(dirpath, inc):
    """True if the folder's CMakeLists.txt generates `inc` into its binary folder."""
    cmake = os.path.join(dirpath, "CMakeLists.txt")
    if not os.path.isfile(cmake):
        return False
    return "${CMAKE_CURRENT_BINARY_DIR}/" + inc in open(cmake, encoding="utf-8").read()


def exempt(rel):
    parts = rel.split(os.sep)
    return "tests" in parts or "bench" in parts


def main():
    root = os.path.abspath(sys.argv[1])
    roots = {layer: include_roots(root, layer) for layer in ALLOWED}
    problems = []
    for layer in ALLOWED:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, layer)):
            dirnames[:] = [d for d in dirnames if not d.startswith("build")]
            dirnames.sort()
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                if exempt(rel):
                    continue
                if name == "CMakeLists.txt":
                    text = open(path, encoding="utf-8").read()
                    for m in re.finditer(r"\$\{PROJECT_SOURCE_DIR\}/(\w+)(/\w+)?", text):
                        if m.group(0).endswith(DATA_FOLDERS):
                            continue
                        if m.group(1) in ALLOWED and m.group(1) not in ALLOWED[layer]:
                            line = text.count("\n", 0, m.start()) + 1
                            problems.append(f"{rel}:{line}: names {m.group(1)}/, above the {layer}/ layer")
                    continue
                if not name.endswith(SOURCE_EXT):
                    continue
                text = open(path, encoding="utf-8", errors="replace").read()
                for m in INCLUDE.finditer(text):
                    inc = m.group(1)
                    line = text.count("\n", 0, m.start()) + 1
                    where = None
                    candidates = [(layer, dirpath)] + [(l, r) for l in ALLOWED for r in roots[l]]
                    for owner, base in candidates:
                        if os.path.isfile(os.path.join(base, inc)):
                            where = (owner, os.path.relpath(os.path.join(base, inc), root))
                            break
                    if where is None and generated(dirpath, inc):
                        continue
                    if where is None:
                        problems.append(f"{rel}:{line}: #include \"{inc}\" resolves to no file of the tree")
                    elif where[0] not in ALLOWED[layer]:
                        problems.append(f"{rel}:{line}: #include \"{inc}\" is {where[1]}: the {layer}/ layer may use "
                                        f"only {', '.join(ALLOWED[layer])}")
    for p in problems:
        print(p)
    print(f"{len(problems)} layer violation(s)" if problems else "layers: no violation")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
