#!/usr/bin/env bash
# Runs one fuzz target for a bounded time from seeds made by the `tessera` program itself: small
# fields compressed in several modes (for stream decoders), a small .npy layer and its pruned .tw
# files (TW-2D, and TEW with restored elements), and fixed seeds otherwise.
# Usage: run_fuzzer.sh <fuzzer> <tessera> <seconds>
set -euo pipefail
fuzzer=$1 tessera=$2 seconds=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus"
# A smooth f32 field with a NaN and huge values, as raw little-endian bytes.
python3 - "$work/field.f32" <<'PY'
import math, struct, sys
values = [math.sin(i * 0.05) * 10 + (i % 7) * 0.01 for i in range(48 * 40)]
values[5] = float("nan"); values[77] = 3e38; values[78] = -1e34
open(sys.argv[1], "wb").write(struct.pack("<%df" % len(values), *values))
PY
n=0
for mode in "ABS 0.01" "REL 1e-4" "REL 1e-2"; do
  for chunk in 1024 100000; do
    # shellcheck disable=SC2086
    "$tessera" compress -i "$work/field.f32" -z "$work/corpus/seed$n.tsz" -f -2 48 40 -M $mode \
      --chunk "$chunk" >/dev/null 2>&1
    n=$((n + 1))
  done
done
# A 40 x 70 float32 .npy layer (numpy's header layout) and its packed .tw files.
python3 - "$work/corpus/layer.npy" <<'PY'
import math, struct, sys
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (40, 70), }"
header += " " * (64 - (10 + len(header) + 1) % 64) + "\n"
values = [math.sin(i * 0.37) for i in range(40 * 70)]
with open(sys.argv[1], "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
    f.write(struct.pack("<%df" % len(values), *values))
PY
for pattern in tw2d tew; do
  "$tessera" tilewise prune -i "$work/corpus/layer.npy" -o "$work/corpus/$pattern.tw" -G 16 \
    --pattern "$pattern" --sparsity 0.6 >/dev/null 2>&1
done
"$fuzzer" -max_total_time="$seconds" -seed=1 -rss_limit_mb=2048 -print_final_stats=1 \
  "$work/corpus" 2>&1 | tail -n 12
