# "-" is standard input for -i and info, standard output for -o: what a pipe carries equals the
# files written without one, in both formats (--to npy; tw by default for tw).
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
npy_weights fc1.npy 64 96 3
tessera tilewise prune -i fc1.npy -o file.tw --sparsity 0.75 -G 32 2>/dev/null &&
  tessera tilewise prune -i - -o - --sparsity 0.75 -G 32 <fc1.npy >pipe.tw 2>/dev/null &&
  cmp file.tw pipe.tw &&
  tessera tilewise prune -i fc1.npy -o file.npy --sparsity 0.75 -G 32 2>/dev/null &&
  tessera tilewise prune -i fc1.npy -o - --to npy --sparsity 0.75 -G 32 2>/dev/null |
  tessera tilewise prune -i - -o pipe.npy --sparsity 0 -G 32 2>/dev/null &&
  cmp file.npy pipe.npy &&
  tessera tilewise info - <pipe.tw
