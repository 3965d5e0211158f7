#!/usr/bin/env bash
# Seeds for compress's decoders: a small f32 field with a NaN and huge values, compressed by
# `tessera compress` in three error-bound modes and two chunk sizes, and a codebook set (.tcb)
# trained on the same field without them.
# Usage: seeds.sh <corpus-folder> <tessera>
set -euo pipefail
corpus=$1 tessera=$2
fields=$(mktemp -d)
trap 'rm -rf "$fields"' EXIT
python3 - "$fields" <<'PY'
import math, struct, sys
values = [math.sin(i * 0.05) * 10 + (i % 7) * 0.01 for i in range(48 * 40)]
open(sys.argv[1] + "/smooth.f32", "wb").write(struct.pack("<%df" % len(values), *values))
values[5] = float("nan"); values[77] = 3e38; values[78] = -1e34
open(sys.argv[1] + "/extremes.f32", "wb").write(struct.pack("<%df" % len(values), *values))
PY
n=0
for mode in "ABS 0.01" "REL 1e-4" "REL 1e-2"; do
  for chunk in 1024 100000; do
    # shellcheck disable=SC2086
    "$tessera" compress -i "$fields/extremes.f32" -z "$corpus/seed$n.tsz" -f -2 48 40 -M $mode \
      --chunk "$chunk" >/dev/null 2>&1
    n=$((n + 1))
  done
done
"$tessera" compress train -o "$corpus/books.tcb" "$fields/smooth.f32" -f -2 48 40 --bit-rates 2,3 \
  >/dev/null 2>&1
