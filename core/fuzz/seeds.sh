#!/usr/bin/env bash
# Seeds for core's .npy reader: a 40 x 70 float32 layer in numpy's header layout.
# Usage: seeds.sh <corpus-folder> [tessera]
set -euo pipefail
python3 - "$1/layer.npy" <<'PY'
import math, struct, sys
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (40, 70), }"
header += " " * (64 - (10 + len(header) + 1) % 64) + "\n"
values = [math.sin(i * 0.37) for i in range(40 * 70)]
with open(sys.argv[1], "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
    f.write(struct.pack("<%df" % len(values), *values))
PY
