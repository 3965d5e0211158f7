#!/usr/bin/env python3
"""Runs one command-line test in the style of zstd's cli-tests (tessera_add_cli_tests in CMake).

A test is a bash script <name>.sh, run in a fresh empty folder with the `tessera` under test first
on PATH and the functions of cli_prelude.sh defined. Beside it, optional files give what must come
out: <name>.sh.exit (the exit code, default 0), <name>.sh.stdout.exact or .stdout.glob, and
<name>.sh.stderr.exact or .stderr.glob. A .glob file matches line by line with fnmatch patterns
("*" and "?"), and a line "..." matches any number of lines. A script that exits 77 is skipped; its
last line of stderr says why.

Usage: run_cli_test.py --tessera BIN --source-dir DIR SCRIPT
"""
import argparse
import fnmatch
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))


def glob_match(patterns, lines):
    """Whether `lines` match `patterns`, where a "..." pattern matches any run of lines."""
    if not patterns:
        return not lines
    if patterns[0] == "...":
        return any(glob_match(patterns[1:], lines[i:]) for i in range(len(lines) + 1))
    return bool(lines) and fnmatch.fnmatchcase(lines[0], patterns[0]) and glob_match(
        patterns[1:], lines[1:])


def check_stream(script, name, got):
    """Problems with stream `name` ("stdout" or "stderr") against its expectation files."""
    exact, glob = f"{script}.{name}.exact", f"{script}.{name}.glob"
    if os.path.exists(exact):
        want = open(exact, encoding="utf-8").read()
        if got != want:
            return [f"{name} differs from {os.path.basename(exact)}:\n--- want\n{want}--- got\n{got}"]
    elif os.path.exists(glob):
        patterns = open(glob, encoding="utf-8").read().splitlines()
        if not glob_match(patterns, got.splitlines()):
            return [f"{name} does not match {os.path.basename(glob)}:\n--- patterns\n"
                    + "\n".join(patterns) + f"\n--- got\n{got}"]
    return []


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tessera", required=True, help="the tessera binary under test")
    parser.add_argument("--source-dir", required=True, help="the repository root (data manifests)")
    parser.add_argument("script")
    args = parser.parse_args()
    script = os.path.abspath(args.script)
    exit_file = f"{script}.exit"
    want_code = int(open(exit_file).read()) if os.path.exists(exit_file) else 0

    work = tempfile.mkdtemp(prefix="tessera-cli-")
    try:
        env = dict(os.environ)
        env["PATH"] = os.path.dirname(os.path.abspath(args.tessera)) + os.pathsep + env["PATH"]
        env["TESSERA_SOURCE_DIR"] = os.path.abspath(args.source_dir)
        env["LC_ALL"] = "C"
        prelude = os.path.join(HERE, "cli_prelude.sh")
        run = subprocess.run(["bash", "-c", f'source "{prelude}" && source "{script}"'],
                             cwd=work, env=env, capture_output=True, text=True, timeout=600)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    if run.returncode == SKIP:
        reason = (run.stderr.strip().splitlines() or ["no reason given"])[-1]
        print(f"skipped: {reason}")
        return SKIP
    problems = []
    if run.returncode != want_code:
        problems.append(f"exit code {run.returncode}, expected {want_code}\n--- stderr\n{run.stderr}")
    problems += check_stream(script, "stdout", run.stdout)
    problems += check_stream(script, "stderr", run.stderr)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
