#!/usr/bin/env bash
# Run by scripts/bench.sh after the benchmark binaries: measures SZ3 (pysz from PyPI, pinned in
# bench/requirements.txt) on the fields compress_bench exported, then
# prints the side-by-side tables and draws the rate-distortion plot.
# Usage: after-bench.sh <build-dir>
set -euo pipefail
build=$1
results="$build/bench-results"
fields="$results/compress-fields"
[ -f "$fields/manifest.json" ] || { echo "compress: no exported fields, skipping SZ3"; exit 0; }
here=$(cd "$(dirname "$0")" && pwd)
# The virtualenv of pinned PyPI peers that `make bench` made (scripts/install-bench-venv.sh).
python=${TESSERA_BENCH_PYTHON:?"set by make bench: the python of the virtualenv scripts/install-bench-venv.sh makes"}
sz3="$results/sz3.jsonl"
: >"$sz3"
"$python" "$here/sz3_peer.py" "$fields" "$sz3"
"$python" "$here/report.py" "$results/compress_bench.jsonl" "$sz3" \
  "$results/compress-rate-distortion.png" | tee "$results/compress-report.md"
