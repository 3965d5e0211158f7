#!/usr/bin/env bash
# Run by scripts/bench.sh after the benchmark binaries: the TW-GEMM speedup tables from the JSON
# lines, then the Fashion-MNIST accuracy study (every pattern at 50/75/90%), both written to
# tilewise-report.md beside them.
# Usage: after-bench.sh <build-dir>
set -euo pipefail
results="$1/bench-results"
[ -f "$results/tilewise_gemm_bench.jsonl" ] || { echo "tilewise: no benchmark results"; exit 0; }
here=$(dirname "$0")
python3 "$here/report.py" "$results/tilewise_gemm_bench.jsonl" | tee "$results/tilewise-report.md"
"$1/apps/tessera/tessera" tilewise study --json >"$results/tilewise-study.json"
python3 "$here/study_report.py" "$results/tilewise-study.json" | tee -a "$results/tilewise-report.md"
