#!/usr/bin/env python3
"""Fails when two units of a subsystem include each other, directly or through a cycle.

A unit is a header and its source file (include/tessera/compress/fixed_ratio.hpp and
src/fixed_ratio.cpp are the unit compress/fixed_ratio): when compressor.cpp includes
fixed_ratio.hpp and fixed_ratio.hpp includes compressor.hpp, the two units form a cycle although
no file includes itself. Reads every tracked C++ file (.hpp .cpp .cu .cuh .inc), resolves its
quoted #includes against the include/ and src/ folders and the including file's own folder, and
reports each cycle as the chain of units that closes it.
Usage: check-include-cycles.py [repository root]
"""
import os
import re
import subprocess
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.MULTILINE)
SUFFIXES = (".hpp", ".cpp", ".cu", ".cuh", ".inc", ".h")


def sources(root):
    """The C++ files git tracks (or does not ignore); outside a git checkout, all but build/."""
    listed = subprocess.run(["git", "-C", root, "ls-files", "--cached", "--others",
                             "--exclude-standard"], capture_output=True, text=True)
    if listed.returncode == 0:
        paths = listed.stdout.split("\n")
    else:
        paths = [os.path.relpath(os.path.join(d, f), root)
                 for d, dirs, names in os.walk(root) for f in names
                 if not os.path.relpath(d, root).split(os.sep)[0] in ("build", ".git")]
    return sorted(p for p in paths if p.endswith(SUFFIXES))


def include_roots(files):
    """Folders named include/ (public headers) and src/ (private ones), as given to -I."""
    roots = set()
    for path in files:
        parts = path.split("/")
        for i, part in enumerate(parts[:-1]):
            if part in ("include", "src"):
                roots.add("/".join(parts[: i + 1]))
    return sorted(roots)


def resolve(name, including, roots, known):
    candidates = [os.path.normpath(os.path.join(os.path.dirname(including), name))]
    candidates += [os.path.normpath(os.path.join(r, name)) for r in roots]
    return next((c for c in candidates if c in known), None)


def unit(path):
    """The unit of a file: its top-level folder and its name without the extension."""
    stem = os.path.basename(path).split(".")[0]
    return path.split("/")[0] + "/" + stem


def cycles(graph):
    """Each cycle once, as a list of files, found by depth-first search."""
    found, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    files = sources(root)
    known, roots = set(files), include_roots(files)
    graph = {}
    for path in files:
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            text = f.read()
        targets = (resolve(n, path, roots, known) for n in INCLUDE.findall(text))
        edges = graph.setdefault(unit(path), set())
        edges.update(unit(t) for t in targets if t and unit(t) != unit(path))
    found = cycles(graph)
    for cycle in found:
        print("include cycle: " + " -> ".join(cycle))
    print(f"check-include-cycles: {len(files)} files in {len(graph)} units, {len(found)} cycle(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
