# In bf16 (where the CPU has AVX512_BF16), each case is checked against oneDNN's bf16 matmul on the
# pruned weights, then timed against it on the dense ones.
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
needs_onednn
if ! tessera doctor | grep -q 'tilewise.tw_gemm_bf16 .*-> avx512_bf16'; then
  echo "this machine does not run TW-GEMM in bf16 (no AVX512_BF16)" >&2
  exit 77
fi
tessera tilewise bench --n 80 --k 96 --m 30 --sparsity 0.5,0.75 --precision bf16 --budget 0
