#!/usr/bin/env bash
# Run by scripts/bench.sh after the benchmark binaries: the TW-GEMM speedup tables from the JSON
# lines, also written to tilewise-report.md beside them.
# Usage: after-bench.sh <build-dir>
set -euo pipefail
results="$1/bench-results"
[ -f "$results/tilewise_gemm_bench.jsonl" ] || { echo "tilewise: no benchmark results"; exit 0; }
python3 "$(dirname "$0")/report.py" "$results/tilewise_gemm_bench.jsonl" | tee "$results/tilewise-report.md"
