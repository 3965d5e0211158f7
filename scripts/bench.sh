#!/usr/bin/env bash
# `make bench`: runs every benchmark binary the build registered (tessera_add_bench), each writing
# JSON lines to <build-dir>/bench-results/<name>.jsonl and a readable table to stdout, then each
# subsystem's bench/after-bench.sh (peers outside C++, reports, plots).
# Usage: scripts/bench.sh <build-dir>
set -euo pipefail
build=${1:?usage: scripts/bench.sh <build-dir>}
list="$build/benchmarks.txt"
[ -f "$list" ] || { echo "bench: $list missing (configure first)" >&2; exit 1; }
rm -rf "$build/bench-results"  # results of this run only (the suites append)
mkdir -p "$build/bench-results"
# Files a suite leaves for its after-bench step go here too.
export TESSERA_BENCH_RESULTS="$build/bench-results"
count=0
while read -r binary; do
  [ -n "$binary" ] || continue
  name=$(basename "$binary")
  echo "=== $name"
  "$binary" --jsonl "$build/bench-results/$name.jsonl"
  count=$((count + 1))
done <"$list"
# Subsystem steps that need the binaries' results (peers outside C++, reports, plots).
for after in */bench/after-bench.sh; do
  [ -x "$after" ] || continue
  echo "=== $after"
  "$after" "$build"
done
echo "bench: ran $count suite(s); JSON lines in $build/bench-results/"
