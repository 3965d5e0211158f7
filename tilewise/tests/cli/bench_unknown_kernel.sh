# An unknown TW-GEMM kernel is a usage error.
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
needs_onednn
tessera tilewise bench --kernel avx9
