#!/usr/bin/env bash
# The main job (`make demo`): runs each subsystem's flagship step with the built `tessera` and ends
# with a summary table of what ran, how long it took and what it measured.
# Usage: scripts/demo.sh <build-dir>
set -euo pipefail
build=${1:?usage: scripts/demo.sh <build-dir>}
tessera="$build/apps/tessera/tessera"
[ -x "$tessera" ] || { echo "demo: $tessera not built (run make demo)" >&2; exit 1; }

names=() statuses=() seconds=() results=()
# step <name> <result-command> -- <command...>: runs the command, then the result command summarises it.
step() {
  local name=$1 summary=$2
  shift 3
  echo
  echo "=== $name: $*"
  local start end status=ok
  start=$(date +%s%N)
  "$@" 2>&1 | tee "$build/demo-$name.out" || status=FAILED
  end=$(date +%s%N)
  names+=("$name") statuses+=("$status")
  seconds+=("$(awk -v ns=$((end - start)) 'BEGIN { printf "%.1f", ns / 1e9 }')")
  results+=("$(bash -c "$summary" <"$build/demo-$name.out" 2>/dev/null || true)")
}

step doctor "grep -E '^  kernels|^Threads' | sed 's/ (.*//' | tr -s ' ' | paste -sd ';'" \
  -- "$tessera" doctor

# compress: a real 37 MB topography field (the "demo" set of compress/data.json) at REL 1e-3,
# beside zfp.
root=$(cd "$(dirname "$0")/.." && pwd)
field=$(python3 "$root/scripts/data-input.py" "$root/compress/data.json" --set demo)
step compress "grep ' REL ' | grep -o 'ratio *[0-9.]* vs zfp *[0-9.]*\|\(de\)\{0,1\}compress *[0-9]*/ *[0-9]* MB/s ([0-9.]*x)' | tr -s ' ' | paste -sd ';'" \
  -- "$build/compress/compress_bench" --field "$field" --rel 1e-3 --budget 0.5
step compress-cli "grep -o 'ratio [0-9.]*\|PSNR [0-9.]* dB' | paste -sd ';'" \
  -- "$tessera" compress -i "$field" -z "$build/demo-etopo5.tsz" -M REL 1e-3 -a

# tilewise: an MLP trained on Fashion-MNIST (Debian dataset-fashion-mnist), pruned to 75% tile-wise
# sparsity, its accuracy and its TW-GEMM inference speed beside the dense model on oneDNN.
step tilewise "grep -o 'fine-tuned as the pruned models: [0-9.]*%\| tw  75%: test accuracy [0-9.]*%\|inference [0-9.]*x' | paste -sd ';'" \
  -- "$tessera" tilewise study --patterns tw --sparsities 0.75 --budget 0.5

# sparse: a real matrix (the "demo" set of sparse/data.json) in every format, the advisor's picks
# beside the measured fastest, and the multi-format accelerator model over the real matrices.
matrix=$(python3 "$root/scripts/data-input.py" "$root/sparse/data.json" --set demo)
step sparse-info "head -1 | grep -o '[0-9]* entries, density [0-9.]*%'" \
  -- "$tessera" sparse info "$matrix"
step sparse-bench "grep -o 'advisor: .*' | paste -sd ';'" \
  -- "$tessera" sparse bench -i "$matrix" --seconds 0.02
step sparse-accel "grep -o 'geometric mean speedup.*: [0-9.]*x over [0-9]* matrices'" \
  -- "$tessera" sparse accel --png "$build/demo-accel.png"

# infer: ResNet-18 (seeded weights) tuned (its GEMM tasks, GA search, into a tuning log), then its
# plan timed beside the oneDNN-only and OpenBLAS-only plans, and ONNX Runtime's latency on the same
# file where `make bench` installed it.
model="$build/demo-resnet18.onnx"
"$tessera" infer zoo resnet18 -o "$model" >/dev/null
rm -f "$build/demo-tuning.jsonl"
step infer-tune "grep -o '[0-9]* GEMM tasks\|[0-9.]* s;' | tr -d ';' | paste -sd ' '" \
  -- "$tessera" infer tune "$model" --search ga --trials 32 --log "$build/demo-tuning.jsonl" \
  -o "$build/demo-resnet18.plan"
step infer-bench "grep median | awk '{ print \$1, \$3, \"ms\" }' | paste -sd ';'" \
  -- "$tessera" infer bench "$model" --tuning-log "$build/demo-tuning.jsonl" --runs 20
python=${TESSERA_BENCH_PYTHON:-}
if [ -n "$python" ] && "$python" -c 'import onnxruntime' 2>/dev/null; then
  step infer-ort "grep -o '\"median_s\": [0-9.]*' | awk '{ printf \"onnxruntime %.3f ms\", \$2 * 1000 }'" \
    -- "$python" "$root/infer/bench/ort_peer.py" "$model" "$("$tessera" doctor | sed -n 's/^Threads *\([0-9]*\) used.*/\1/p')" 20
else
  echo
  echo "=== infer-ort: ONNX Runtime is not installed (make bench installs it into build/bench-venv)"
fi

# dlrm: DLRM trained over 2 MPI ranks (tables placed by the sharding planner) on 8 million samples
# of the synthetic stream, its test AUC beside the teacher's oracle, and its throughput.
step dlrm "grep -o 'AUC [0-9.]*\|oracle AUC [0-9.]*\|throughput: [0-9]* samples/s' | paste -sd ';'" \
  -- "$tessera" --threads 1 dlrm train --ranks 2 --tables 8 --rows 1000 --pooling 1 \
  --bottom 64,16 --top 64,1 --batch 256 --lr 0.05 --train-samples 8000000 --test-samples 50000

# amoebot: leader election on 100,000 amoebots beside the calibration's rounds, pictured a pixel an
# amoebot (the leader framed); chirality agreement and compass alignment on a blob with holes,
# pictured as circuits; parallelogram recognition with side ratio 3 (Θ(log n)) and without (5
# rounds) on a 200 × 600 parallelogram, and on one an amoebot longer, which must be refused.
step amoebot-leader "grep -o '1 leader after [0-9]* rounds\|log2 n = [0-9.]*' | paste -sd ';'" \
  -- "$tessera" amoebot run leader-election --shape blob:100000 --seed 7 \
  --png "$build/demo-amoebot-leader.png"
step amoebot-compass "grep -o 'one compass after [0-9]* rounds'" \
  -- "$tessera" amoebot run compass --shape holes:2000 --seed 7 --svg "$build/demo-amoebot.svg"
recognise() {
  "$tessera" amoebot run parallelogram --shape parallelogram:200x600 --ratio 3 --seed 7 &&
    "$tessera" amoebot run parallelogram --shape parallelogram:200x600 --seed 7 &&
    "$tessera" amoebot run parallelogram --shape parallelogram:200x601 --ratio 3 --seed 7
}
step amoebot-shape "grep -o 'is[a-z ]* parallelogram[a-z0-9 ]* (right) after [0-9]* rounds' | paste -sd ';'" \
  -- recognise

echo
echo "=== summary"
printf '%-12s %-7s %8s  %s\n' step status seconds result
failed=0
for i in "${!names[@]}"; do
  printf '%-12s %-7s %8s  %s\n' "${names[$i]}" "${statuses[$i]}" "${seconds[$i]}" "${results[$i]}"
  [ "${statuses[$i]}" = ok ] || failed=1
done
exit $failed
