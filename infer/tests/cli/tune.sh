# `tessera infer tune` tunes the GEMM tasks of a small model's convolutions (3 trials each),
# appends them to the log and saves the plan; run again with the same log, it tunes nothing. An
# unknown search is a usage error (exit 2).
export TESSERA_CACHE_DIR="$PWD/kernels"
tessera infer zoo squeezenet1.1 --image 32 -o small.onnx 2>/dev/null
tessera --threads 1 infer tune small.onnx --trials 3 --log t.jsonl -o tuned.plan | grep -v '^#' | sed -n 1,3p
wc -l < t.jsonl
tessera --threads 1 infer tune small.onnx --trials 3 --log t.jsonl | grep -v '^#' | sed -n 1,3p
wc -l < t.jsonl
tessera infer tune small.onnx --search annealing 2>&1 | sed -n 1p
echo "exit ${PIPESTATUS[0]}"
ls
