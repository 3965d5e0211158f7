# A model's Gemm weights out as W (K, N), pruned by `tessera tilewise prune`, and back in from the
# .tw file: the plan of the pruned model then times TW-GEMM for that node. A name that is no Gemm's
# weights, and a file of another shape, are refused (exit 1) with no output written.
tessera infer zoo mobilenetv2 --image 32 -o m.onnx 2>/dev/null
tessera infer export-weights m.onnx classifier.1.weight -o w.npy
tessera tilewise prune -i w.npy -o w.tw --sparsity 0.75 > /dev/null
tessera infer import-weights m.onnx --weights classifier.1.weight=w.tw -o pruned.onnx
tessera infer compile pruned.onnx -o p.plan 2>/dev/null
tessera infer plan p.plan | awk '$2 == "Gemm" { print $1, ($0 ~ /tilewise-tw-gemm/) }'
tessera infer import-weights m.onnx --weights classifier.1.bias=w.tw -o bad.onnx
echo "exit $?"
tessera infer export-weights m.onnx features.0.0.weight -o bad.npy
echo "exit $?"
ls
