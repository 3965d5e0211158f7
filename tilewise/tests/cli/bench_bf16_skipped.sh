# Where TW-GEMM in bf16 does not run (here: TESSERA_ISA caps the instruction set below AVX-512),
# the bf16 cases are skipped, saying so, and the fp32 ones still run.
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
needs_onednn
TESSERA_ISA=avx2 tessera tilewise bench --n 64 --k 64 --m 16 --sparsity 0.5 --precision fp32,bf16 --budget 0
