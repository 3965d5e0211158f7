#!/usr/bin/env bash
# Run by scripts/bench.sh after the benchmark binaries: scipy.sparse's tocsr(), tocsc(), SpMV and
# SpMM(64) (Debian's python3-scipy, which the benchmarks' virtualenv sees) beside what sparse_bench
# recorded, on the same real matrices and on the generated ones sparse_bench saved in
# bench-results/sparse-npz.
# Usage: after-bench.sh <build-dir>
set -euo pipefail
build=$1
results="$build/bench-results"
[ -f "$results/sparse_bench.jsonl" ] || { echo "sparse: no sparse_bench results, skipping scipy"; exit 0; }
here=$(cd "$(dirname "$0")" && pwd)
python=${TESSERA_BENCH_PYTHON:-/usr/bin/python3}
"$python" "$here/scipy_peer.py" "$results/sparse_bench.jsonl" "$here/../.." "$results/sparse-scipy.jsonl" \
  "$results/sparse-npz" |
  tee "$results/sparse-scipy.md"
