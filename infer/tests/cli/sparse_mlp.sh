# `tessera infer sparse-mlp` on a small MLP: the dense and the pruned model written as ONNX, the
# pruned one's plan checked against the reference runtime (else exit 1) and timed; planned again
# from its file, its two pruned Gemm nodes get TW-GEMM as a candidate and the dense output layer
# does not. Skips without oneDNN or Fashion-MNIST.
if ! tessera doctor | grep -q '^  oneDNN  *built'; then
  echo "this build has no oneDNN (TESSERA_WITH_ONEDNN=OFF)" >&2
  exit 77
fi
if ! tessera doctor | grep -q '^  dataset-fashion-mnist  *present'; then
  echo "Fashion-MNIST is absent (Debian's dataset-fashion-mnist)" >&2
  exit 77
fi
tessera infer sparse-mlp -o mlp --hidden 128 --epochs 1 --steps 1 --batches 8 --budget 0.05 \
  2>/dev/null | sed -E -e 's/[0-9]+\.[0-9]+ ms/T ms/g' -e 's/[0-9]+\.[0-9]+x/Rx/g' \
  -e 's/difference\| [0-9.e+-]+/difference| D/' \
  -e 's/tilewise-tw-gemm|openblas-sgemm|onednn-inner-product/K/g'
echo "exit ${PIPESTATUS[0]}"
ls mlp
tessera infer compile mlp/mlp-tw75-b8.onnx -o p.plan 2>/dev/null
tessera infer plan p.plan | awk '$2 == "Gemm" { print $1, ($0 ~ /tilewise-tw-gemm/) }'
