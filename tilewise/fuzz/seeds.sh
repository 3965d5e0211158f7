#!/usr/bin/env bash
# Seeds for the .tw reader: core's .npy layer pruned by `tessera tilewise prune` to TW-2D and to
# TEW with restored elements.
# Usage: seeds.sh <corpus-folder> <tessera>
set -euo pipefail
corpus=$1 tessera=$2
layer=$(mktemp -d)
trap 'rm -rf "$layer"' EXIT
"$(dirname "$0")/../../core/fuzz/seeds.sh" "$layer"
for pattern in tw2d tew; do
  "$tessera" tilewise prune -i "$layer/layer.npy" -o "$corpus/$pattern.tw" -G 16 \
    --pattern "$pattern" --sparsity 0.6 >/dev/null
done
