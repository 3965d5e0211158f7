#!/usr/bin/env python3
"""Checks that every file outside the repository that a build read comes from a Debian package that
a bare Debian 12 machine gets from the build's own scripts/packages.txt.

The files: the paths in CMakeCache.txt, the headers in ninja's deps log, and the shared libraries
that the built executables and libraries link (ldd). Each is mapped to its package (dpkg -S). A
package passes when it is listed in the groups the build uses (build; dev too for a fuzz build), is
in the Depends/Pre-Depends closure of those (Recommends do not count: install-deps.sh skips them),
or is part of a bare Debian 12 (Essential: yes or Priority: required, and what those depend on).
Files owned by no package fail, except the CUDA compiler and toolkit that CMake found (NVIDIA's,
and optional) and the temp folder (compiler and ccache scratch files).

Usage: scripts/check-deps.py <build-dir>...
Exit status: 0 when every file passes, 1 otherwise (each failure names the file and its source).
"""
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

# Cache entries that name paths the build does not read: where it would install, and the test data.
CACHE_SKIP = {"CMAKE_INSTALL_PREFIX", "TESSERA_SHARED_DATA"}
CACHE_TYPES = {"FILEPATH", "PATH", "STRING", "UNINITIALIZED", "INTERNAL"}


def fail_usage(problem):
    print(f"check-deps: {problem}", file=sys.stderr)
    print("usage: scripts/check-deps.py <build-dir>...", file=sys.stderr)
    sys.exit(2)


def read_cache(build):
    cache = {}
    for line in (build / "CMakeCache.txt").read_text().splitlines():
        match = re.match(r"([^#/][^:=]*):([A-Z]+)=(.*)", line)
        if match:
            cache[match[1]] = (match[2], match[3])
    return cache


def cache_value(cache, name):
    return cache.get(name, ("", ""))[1]


def cache_paths(build, cache):
    for name, (kind, value) in cache.items():
        if kind in CACHE_TYPES and name not in CACHE_SKIP:
            for item in value.split(";"):
                if item.startswith("/"):
                    yield os.path.normpath(item), f"{build}/CMakeCache.txt {name}"


def header_paths(build, cache):
    ninja = cache_value(cache, "CMAKE_MAKE_PROGRAM") or "ninja"
    log = subprocess.run([ninja, "-C", str(build), "-t", "deps"], check=True, capture_output=True,
                         text=True).stdout
    target = ""
    for line in log.splitlines():
        if not line.startswith(" "):
            target = line.split(":", 1)[0]
        elif line.strip():
            yield os.path.normpath(build / line.strip()), f"header of {build}/{target}"


def linked_paths(build):
    binaries = []
    for path in build.rglob("*"):
        if "CMakeFiles" in path.parts or not path.is_file() or not os.access(path, os.X_OK):
            continue
        with open(path, "rb") as file:
            if file.read(4) == b"\x7fELF":
                binaries.append(path)
    for binary in binaries:
        # One ldd per binary, so that each library is traced to a binary that links it.
        result = subprocess.run(["ldd", str(binary)], capture_output=True, text=True)
        for line in result.stdout.splitlines():
            match = re.match(r"\s*(\S+) => (\S+)", line) or re.match(r"\s*(/\S+) \(", line)
            if not match:
                continue
            library = match[match.lastindex]
            if library == "not":
                yield f"{match[1]} (not found)", f"linked by {binary}"
            else:
                yield library, f"linked by {binary}"


def candidates(path):
    """The names dpkg may know a file by: itself, its /usr-merged twin, its target and that twin."""
    names = [path]
    real = os.path.realpath(path)
    if real != path:
        names.append(real)
    for name in list(names):
        if name.startswith("/usr/"):
            names.append(name[4:])
        elif name.startswith(("/lib", "/bin/", "/sbin/")):
            names.append("/usr" + name)
    return names


def owners(paths):
    """Maps each name to the set of packages that own it (dpkg -S, one batched call)."""
    owned = {}
    names = sorted({name for path in paths for name in candidates(path)})
    for start in range(0, len(names), 2000):
        result = subprocess.run(["dpkg", "-S", *names[start:start + 2000]], capture_output=True,
                                text=True)
        for line in result.stdout.splitlines():
            if line.startswith(("diversion by", "local diversion")):
                continue
            packages, _, name = line.partition(": ")
            owned.setdefault(name, set()).update(p.strip().split(":")[0]
                                                 for p in packages.split(","))
    return {path: next((owned[n] for n in candidates(path) if n in owned), set()) for path in paths}


def installed_packages():
    fields = "${Package}\t${Essential}\t${Priority}\t${Provides}\t${Depends}\t${Pre-Depends}\t" \
             "${Recommends}\t${db:Status-Abbrev}\n"
    result = subprocess.run(["dpkg-query", "-W", "-f", fields], check=True, capture_output=True,
                            text=True)
    packages = {}
    for line in result.stdout.splitlines():
        name, essential, priority, provides, depends, predepends, recommends, status = \
            line.split("\t")
        if not status.startswith("ii"):
            continue
        package = packages.setdefault(name, {"base": False, "provides": set(), "depends": [],
                                             "recommends": set()})
        package["base"] |= essential == "yes" or priority == "required"
        package["provides"] |= {alternatives[0] for alternatives in parse_relations(provides)}
        package["depends"] += parse_relations(depends) + parse_relations(predepends)
        package["recommends"] |= {a for alternatives in parse_relations(recommends)
                                  for a in alternatives}
    return packages


def parse_relations(field):
    """'a (>= 1) | b:any, c' -> [['a', 'b'], ['c']]"""
    relations = []
    for relation in filter(None, (r.strip() for r in field.split(","))):
        relations.append([re.sub(r"[\s(:\[].*", "", a.strip()) for a in relation.split("|")])
    return relations


def closure(roots, packages):
    providers = {}
    for name, package in packages.items():
        providers.setdefault(name, []).append(name)
        for virtual in package["provides"]:
            providers.setdefault(virtual, []).append(name)
    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name in seen or name not in packages:
            continue
        seen.add(name)
        for alternatives in packages[name]["depends"]:
            # The first alternative installed here is what satisfies it (apt also picks the first).
            chosen = next((providers[a] for a in alternatives if a in providers), [])
            todo += chosen
    return seen


def listed_packages(packages_txt, groups):
    listed = set()
    for line in packages_txt.read_text().splitlines():
        fields = line.split()
        if len(fields) == 2 and not fields[0].startswith("#") and fields[0] in groups:
            listed.add(fields[1])
    return listed


def exempt(cache):
    """Paths whose unowned files are fine: the CUDA compiler and toolkit CMake found (the toolkit
    comes from NVIDIA, not Debian, and CUDA is optional), and the temp folder (compiler and ccache
    scratch files)."""
    roots = [tempfile.gettempdir(), "/tmp"]
    compiler = cache_value(cache, "CMAKE_CUDA_COMPILER")
    toolkit = cache_value(cache, "CUDAToolkit_BIN_DIR")
    if toolkit:
        roots.append(os.path.dirname(os.path.realpath(toolkit)))
    roots = [r.rstrip("/") + "/" for r in roots]
    files = {compiler, os.path.realpath(compiler)} if compiler.startswith("/") else set()
    return lambda path: path in files or any(
        p.startswith(r) for p in (path, os.path.realpath(path)) for r in roots)


def check(build, packages):
    cache = read_cache(build)
    groups = {"build"} | ({"dev"} if cache_value(cache, "TESSERA_FUZZ") == "ON" else set())
    source = Path(cache_value(cache, "CMAKE_HOME_DIRECTORY"))
    listed = listed_packages(source / "scripts" / "packages.txt", groups)
    problems = []
    missing = sorted(listed - packages.keys())
    if missing:
        problems.append(f"listed in {sorted(groups)} but not installed here: {' '.join(missing)}"
                        " (run scripts/install-deps.sh first)")
    base = closure([n for n, p in packages.items() if p["base"]], packages)
    allowed = closure(listed, packages) | base
    inside = [str(source.resolve()) + "/", str(build.resolve()) + "/"]
    is_exempt = exempt(cache)
    sources = {}
    for path, source in [*cache_paths(build, cache), *header_paths(build, cache),
                         *linked_paths(build)]:
        if not any((path + "/").startswith(i) for i in inside):
            sources.setdefault(path, source)
    owned = owners([p for p in sources if os.path.exists(p)])
    failures, exempted = {}, 0
    for path, source in sorted(sources.items()):
        if path.endswith("(not found)"):
            failures.setdefault("(not found at run time)", []).append((path, source))
        elif not os.path.exists(path):
            continue  # a cache path that was looked for and is not there: nothing was read
        elif not owned[path]:
            exempted += is_exempt(path)
            if not is_exempt(path):
                failures.setdefault("(owned by no Debian package)", []).append((path, source))
        elif not owned[path] & allowed:
            for package in sorted(owned[path]):
                failures.setdefault(package, []).append((path, source))
    for package, files in sorted(failures.items()):
        if package.startswith("("):
            problems.append(f"{package}:")
        else:
            recommended = sorted(n for n in allowed if package in packages[n]["recommends"])
            why = f" (only recommended by {', '.join(recommended)})" if recommended else ""
            problems.append(f"{package}: not in scripts/packages.txt {sorted(groups)}, not needed "
                            f"by those and not part of a bare Debian 12{why}; read as")
        problems += [f"    {path}  <- {source}" for path, source in files[:5]]
        if len(files) > 5:
            problems.append(f"    ... and {len(files) - 5} more file(s)")
    return len(sources), exempted, problems


def main():
    builds = [Path(arg).resolve() for arg in sys.argv[1:]]
    if not builds:
        fail_usage("no build folder given")
    for build in builds:
        if not (build / "CMakeCache.txt").is_file():
            fail_usage(f"{build}: no CMakeCache.txt (not a configured build folder)")
    packages = installed_packages()
    failed = False
    for build in builds:
        count, exempted, problems = check(build, packages)
        if problems:
            failed = True
            print(f"check-deps: {build}: FAILED", file=sys.stderr)
            for problem in problems:
                print(f"  {problem}", file=sys.stderr)
        else:
            print(f"check-deps: {build}: {count} files outside the repository, each from a listed "
                  f"package, one they need, or a bare Debian 12 ({exempted} from the CUDA toolkit "
                  "or the temp folder)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
