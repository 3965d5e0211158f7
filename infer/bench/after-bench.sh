#!/usr/bin/env bash
# Run by scripts/bench.sh after the benchmark binaries: the zoo models (ResNet-18, MobileNetV2,
# SqueezeNet 1.1) at batch 1 and 8, each through `tessera infer bench` (the mixed plan beside the
# oneDNN-only and OpenBLAS-only ones) and through ONNX Runtime (ort_peer.py, the same .onnx file
# and thread count), pinned to the machine's first two cores as the other benchmarks are.
# Usage: after-bench.sh <build-dir>
set -euo pipefail
build=$1
results="$build/bench-results"
here=$(cd "$(dirname "$0")" && pwd)
python=${TESSERA_BENCH_PYTHON:?"set by make bench: the python of the virtualenv scripts/install-bench-venv.sh makes"}
tessera="$build/apps/tessera/tessera"
models="$results/infer-models"
mkdir -p "$models"
threads=2
for model in resnet18 mobilenetv2 squeezenet1.1; do
  for batch in 1 8; do
    file="$models/$model-b$batch.onnx"
    "$tessera" infer zoo "$model" --batch "$batch" -o "$file" 2>/dev/null
    taskset -c 0,1 "$tessera" --threads "$threads" infer bench "$file" --runs 20 2>/dev/null |
      tee -a "$results/infer-bench.txt"
    taskset -c 0,1 "$python" "$here/ort_peer.py" "$file" "$threads" 20 |
      tee -a "$results/infer-ort.jsonl"
  done
done
