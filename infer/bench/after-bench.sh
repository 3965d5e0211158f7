#!/usr/bin/env bash
# Run by scripts/bench.sh after the benchmark binaries: the zoo models (ResNet-18, MobileNetV2,
# SqueezeNet 1.1) at batch 1 and 8, each through `tessera infer bench` (the mixed plan beside the
# oneDNN-only and OpenBLAS-only ones), through ONNX Runtime (ort_peer.py, the same .onnx file and
# thread count) and through PyTorch eager and torch.compile (torch_peer.py, torchvision's models
# with the file's weights), pinned to the machine's first two cores as the other benchmarks are;
# then tessera's output on PyTorch's input against PyTorch's (max-abs difference).
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
    taskset -c 0,1 "$python" "$here/torch_peer.py" "$model" "$file" "$threads" 20 2>/dev/null |
      tee -a "$results/infer-torch.jsonl"
    stem="${file%.onnx}"
    taskset -c 0,1 "$tessera" --threads "$threads" infer run "$file" -i "$stem.input.npy" \
      -o "$stem.tessera.npy" --plan 2>/dev/null
    "$python" -c 'import json, sys, numpy
a, b = numpy.load(sys.argv[2]), numpy.load(sys.argv[3])
print(json.dumps({"model": sys.argv[1], "max_abs_vs_pytorch": float(abs(a - b).max())}))' \
      "$file" "$stem.tessera.npy" "$stem.torch.npy" | tee -a "$results/infer-torch.jsonl"
  done
done
