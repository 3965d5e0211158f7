# `tessera infer tune` tunes the tasks of a small model's convolutions (3 trials each: the GEMM
# tasks of the generated-GEMM record and the convolutions of the blocked one), appends them to the
# log and saves the plan; run again with the same log, it tunes nothing. An unknown search is a
# usage error (exit 2).
export TESSERA_CACHE_DIR="$PWD/kernels"
tessera infer zoo squeezenet1.1 --image 32 -o small.onnx 2>/dev/null
# The first task, the first GEMM task and the summary, its timings masked.
summary() {
  awk 'NR == 1 || (/^gemm/ && !g++) || /^#/' |
    sed -E -e 's/[0-9.]+ s;/T s;/' -e 's/runs [0-9]+ of/runs N of/'
}
tessera --threads 1 infer tune small.onnx --trials 3 --log t.jsonl -o tuned.plan | summary
wc -l < t.jsonl
tessera --threads 1 infer tune small.onnx --trials 3 --log t.jsonl | summary
wc -l < t.jsonl
tessera infer tune small.onnx --search annealing 2>&1 | sed -n 1p
echo "exit ${PIPESTATUS[0]}"
ls
