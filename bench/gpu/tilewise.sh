#!/usr/bin/env bash
# The GPU check of tilewise, in one go (< 5 minutes on an H100): builds the tensor-core TW-GEMM and
# its benchmark with nvcc alone (no other project dependency), checks TW-GEMM against cuBLAS on the
# pruned weights and times it against cuBLAS's dense fp16 GEMM on BERT-base shapes, M = 12800, at
# 50/75/90% sparsity (and 0%: the kernel's own efficiency). Exits 3 if a result is wrong.
# Usage: bench/gpu/tilewise.sh [results-folder]   (default: $OUT, else the current folder)
# Environment: CUDA_ARCH (default 90, Hopper), NVCC (default nvcc).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
results=${1:-${OUT:-.}}
mkdir -p "$results"
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
"${NVCC:-nvcc}" -std=c++20 -O3 -arch="sm_${CUDA_ARCH:-90}" -I"$root/tilewise/include" \
  "$root/tilewise/src/cuda/tw_gemm_cuda.cu" "$root/tilewise/bench/tw_gemm_gpu_bench.cu" \
  -lcublas -o "$build/tilewise_gpu_bench"
nvidia-smi --query-gpu=name,driver_version,clocks.sm --format=csv,noheader || true
"$build/tilewise_gpu_bench" --jsonl "$results/tilewise_gpu.jsonl"
