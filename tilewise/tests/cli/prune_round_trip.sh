# Round trip: weights pruned into a packed .tw and unpacked again (pruned at sparsity 0, which keeps
# every weight) equal the same pruning written as .npy, byte for byte.
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
npy_weights fc1.npy 128 200 3
tessera tilewise prune -i fc1.npy -o fc1.tw --sparsity 0.6 -G 32 2>/dev/null &&
  tessera tilewise prune -i fc1.npy -o direct.npy --sparsity 0.6 -G 32 2>/dev/null &&
  tessera tilewise prune -i fc1.tw -o unpacked.npy --sparsity 0 -G 32 2>/dev/null &&
  cmp direct.npy unpacked.npy && echo "identical"
