#!/usr/bin/env bash
# Run by scripts/bench.sh after the benchmark binaries: the TW-GEMM speedup tables from the JSON
# lines; the sweep over GPT- and BERT-style layer shapes (N, K in 768..11008, N·K at most
# 11008·4096; M 128/512/2048; 50/75/90%; 1 and 2 threads) with one heat map per thread count,
# and in bf16 at 75% where the CPU has AVX512_BF16;
# then the Fashion-MNIST accuracy study (every pattern at 50/75/90%) and the wider MLP's
# inference speed (784-4096-4096-10), all written to tilewise-report.md beside them.
# Usage: after-bench.sh <build-dir>
set -euo pipefail
results="$1/bench-results"
[ -f "$results/tilewise_gemm_bench.jsonl" ] || { echo "tilewise: no benchmark results"; exit 0; }
here=$(dirname "$0")
tessera="$1/apps/tessera/tessera"
report="$results/tilewise-report.md"
python3 "$here/report.py" "$results/tilewise_gemm_bench.jsonl" | tee "$report"

sizes="768 1024 3072 4096 8192 11008"
# sweep <jsonl> <bench flags...>: every N×K with N·K at most 11008·4096, into one JSON lines file.
sweep() {
  local out="$1"
  shift
  : >"$out"
  for n in $sizes; do
    for k in $sizes; do
      [ $((n * k)) -le $((11008 * 4096)) ] || continue
      echo "tilewise sweep: N=$n K=$k $*"
      "$tessera" tilewise bench --n "$n" --k "$k" --m 128,512,2048 --budget 0.3 --json "$@" \
        2>"$results/tilewise-sweep.log" >>"$out" || { cat "$results/tilewise-sweep.log" >&2; exit 1; }
    done
  done
}
sweep "$results/tilewise-sweep.jsonl" --sparsity 0.5,0.75,0.9 --thread-sweep 1,2
# bf16 (where the CPU has AVX512_BF16; the bench says so and skips elsewhere) at 75%, one thread,
# against oneDNN's bf16 matmul.
sweep "$results/tilewise-sweep-bf16.jsonl" --sparsity 0.75 --precision bf16
cpu=$(grep -m1 '^model name' /proc/cpuinfo | sed 's/^[^:]*: //' || true)
python3 "$here/heatmap.py" "$results/tilewise-sweep.jsonl" "$results/tilewise-heatmap" \
  "${cpu:-unknown CPU}" | tee -a "$report"
if [ -s "$results/tilewise-sweep-bf16.jsonl" ]; then
  python3 "$here/heatmap.py" "$results/tilewise-sweep-bf16.jsonl" "$results/tilewise-heatmap-bf16" \
    "${cpu:-unknown CPU}" | tee -a "$report"
fi

"$tessera" tilewise study --json >"$results/tilewise-study.json"
python3 "$here/study_report.py" "$results/tilewise-study.json" | tee -a "$report"
"$tessera" tilewise study --hidden 4096 --patterns tw --sparsities 0.75 --epochs 2 --steps 2 --json \
  >"$results/tilewise-study-4096.json"
python3 "$here/study_report.py" "$results/tilewise-study-4096.json" | tee -a "$report"
