# Sourced by the tests of this folder.

# npy_weights <file> <rows> <cols> <seed> [<descr>]: a (rows, cols) .npy array in numpy's own
# header layout, float32 (or <descr>, e.g. "<f8"), values from a fixed linear congruence in
# [-0.5, 0.5).
npy_weights() {
  python3 - "$@" <<'PY'
import struct, sys
path, rows, cols, x = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
descr = sys.argv[5] if len(sys.argv) > 5 else "<f4"
header = "{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }" % (descr, rows, cols)
header += " " * (64 - (10 + len(header) + 1) % 64) + "\n"
values = []
for _ in range(rows * cols):
    x = (1103515245 * x + 12345) % 2**31
    values.append(x / 2**31 - 0.5)
with open(path, "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
    f.write(struct.pack("<%d%s" % (len(values), "f" if descr == "<f4" else "d"), *values))
PY
}

# needs_onednn: skips the test (exit 77) when this build has no oneDNN, which `tilewise study` and
# `tilewise bench` need.
needs_onednn() {
  if ! tessera doctor | grep -q '^  oneDNN  *built'; then
    echo "this build has no oneDNN (TESSERA_WITH_ONEDNN=OFF)" >&2
    exit 77
  fi
}
