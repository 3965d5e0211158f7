# TEW packs its restored elements beside the tiles: 5% of the weights, outside them.
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
npy_weights fc1.npy 256 300 1
tessera tilewise prune -i fc1.npy -o tew.tw --pattern tew --sparsity 0.75 --delta 0.05 -G 64 \
  2>/dev/null &&
  tessera tilewise info tew.tw --json | python3 -c '
import json, sys
info = json.load(sys.stdin)
print("restored", round(info["restored"] / (256 * 300), 3), "sparsity", round(info["sparsity"], 2))'
