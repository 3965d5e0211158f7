"""Algorithm headers may include only the local view, one another (subroutines), core's error type
and the standard library: the simulator's other headers (structure, engine, frames) hold what an amoebot must not
know. Prints each offending
include and exits 1; exits 1 too when the folder holds no header (nothing was checked).

Usage: check_algorithm_includes.py <algorithms-folder>
"""
import pathlib
import re
import sys

ALLOWED = {"tessera/amoebot/local_view.hpp", "tessera/core/error.hpp"}


def main():
    folder = pathlib.Path(sys.argv[1])
    headers = sorted(folder.rglob("*.hpp"))
    if not headers:
        print(f"{folder}: no algorithm headers")
        return 1
    bad = []
    for header in headers:
        for number, line in enumerate(header.read_text().splitlines(), 1):
            match = re.match(r'\s*#\s*include\s*([<"])([^>"]+)[>"]', line)
            if not match:
                continue
            quoted, name = match.group(1) == '"', match.group(2)
            allowed = ".." not in name.split("/") and (
                name in ALLOWED or name.startswith("tessera/amoebot/algorithms/"))
            if not allowed and (quoted or name.startswith("tessera/")):
                bad.append(f"{header.name}:{number}: includes {name}")
    for line in bad:
        print(line)
    print(f"{len(headers)} algorithm headers, {len(bad)} forbidden includes")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
