#!/usr/bin/env python3
"""Prints a real input of a subsystem's data manifest (<subsystem>/data.json) as the command line
takes it: "path" or "path:VARIABLE". With --set, prints every input of a named set, one per line.
Exits 77 (a test's skip status) with the reason on stderr when an input is not on this machine,
and 2 for a mistake: an id or set the manifest does not have, or bad arguments.

Usage: data-input.py <manifest> <id>      data-input.py <manifest> --set <name>
"""
import json
import os
import sys

ABSENT = 77


def fail(problem, code):
    print(problem, file=sys.stderr)
    sys.exit(code)


def main():
    if len(sys.argv) not in (3, 4) or (len(sys.argv) == 4 and sys.argv[2] != "--set"):
        fail(__doc__.strip().splitlines()[-1].strip(), 2)
    manifest = json.load(open(sys.argv[1], encoding="utf-8"))
    sources = {s["name"]: s for s in manifest["sources"]}
    if len(sys.argv) == 4 and sys.argv[3] not in manifest["sets"]:
        fail(f"{sys.argv[1]}: no set '{sys.argv[3]}'", 2)
    ids = manifest["sets"][sys.argv[3]] if len(sys.argv) == 4 else [sys.argv[2]]
    for input_id in ids:
        if input_id not in manifest["inputs"]:
            fail(f"{sys.argv[1]}: no input '{input_id}'", 2)
        entry = manifest["inputs"][input_id]
        source = sources[entry["source"]]
        if "package" in source:
            root, how = source["root"], f"install Debian's {source['package']}"
        else:
            shared = os.environ.get("TESSERA_SHARED_DATA") or os.path.join(
                os.path.dirname(os.path.abspath(sys.argv[1])), "..", "..", "shared", "data")
            root, how = os.path.join(shared, source["shared"]), "needs the shared data folder"
        path = os.path.join(root, entry["file"])
        if not os.path.isfile(path):
            fail(f"{path} is missing: {how}", ABSENT)
        print(path + (":" + entry["variable"] if entry.get("variable") else ""))


if __name__ == "__main__":
    main()
