#!/usr/bin/env bash
# Run by scripts/bench.sh after the benchmark binaries: DLRM training throughput of tessera and of
# TorchRec (torchrec_peer.py) on the same batches of the synthetic stream, the issue's
# configuration (8 tables x 1M rows x d64, pooling 20, batch 2048, 13-512-256-64 / 512-256-1,
# row-wise AdaGrad) and a d128 one, both pinned to the machine's first two cores with two
# threads; each prints one JSON object with its median step time and every step's loss.
# Usage: after-bench.sh <build-dir>
set -euo pipefail
build=$1
results="$build/bench-results"
here=$(cd "$(dirname "$0")" && pwd)
python=${TESSERA_BENCH_PYTHON:?"set by make bench: the python of the virtualenv scripts/install-bench-venv.sh makes"}
batches="$results/dlrm-batches"
mkdir -p "$results"
: > "$results/dlrm-bench.jsonl"
# The issue's configuration, then one it does not name (d128, pooling 10, batch 1024).
for config in "" "--rows 500000 --pooling 10 --batch 1024 --bottom 512,256,128"; do
  # shellcheck disable=SC2086  # the configuration is a list of options
  taskset -c 0,1 "$build/apps/tessera/tessera" --threads 2 dlrm bench $config --dump "$batches" \
    --json 2>/dev/null | tee -a "$results/dlrm-bench.jsonl"
  taskset -c 0,1 "$python" "$here/torchrec_peer.py" "$batches" 2 2>/dev/null |
    tee -a "$results/dlrm-bench.jsonl"
  rm -rf "$batches"
done
