# Two .npy layers prune under one threshold into a packed .tw and a zeroed .npy; info reads the
# tile statistics back, as text and JSON.
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
npy_weights fc1.npy 256 300 1
npy_weights fc2.npy 300 64 2
tessera tilewise prune -i fc1.npy -i fc2.npy -o fc1.tw -o fc2_pruned.npy --sparsity 0.75 -G 64 --json &&
  tessera tilewise info fc1.tw &&
  tessera tilewise info fc1.tw --json
