# Restored elements beyond the weights are a usage error naming --delta, the flag of
# KernelCase::restored, before any case runs (the first case, at sparsity 0.5, would be valid).
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
needs_onednn
tessera tilewise bench --sparsity 0.5,0.9 --delta 0.2 --n 8 --k 8 --m 8
