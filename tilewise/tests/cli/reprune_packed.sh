# A packed layer prunes further: 75% into .tw, then that .tw to 90%.
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
npy_weights fc1.npy 256 300 1
tessera tilewise prune -i fc1.npy -o fc1.tw --sparsity 0.75 -G 64 2>/dev/null &&
  tessera tilewise prune -i fc1.tw -o fc1_90.tw --sparsity 0.9 -G 64 2>/dev/null &&
  tessera tilewise info fc1_90.tw
