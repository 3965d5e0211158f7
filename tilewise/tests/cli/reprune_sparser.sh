# Pruning a 75% layer to 50% reports the sparsity it has, 75%, and warns that pruning cannot
# restore weights.
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
npy_weights fc1.npy 256 300 1
tessera tilewise prune -i fc1.npy -o fc1.tw --sparsity 0.75 -G 64 2>/dev/null
tessera tilewise prune -i fc1.tw -o fc1_50.tw --sparsity 0.5 -G 64
