#!/usr/bin/env bash
# Seeds for sparse's three readers, one corpus for all: Matrix Market (R's small example files
# when r-cran-matrix is installed, wrong.mtx among them, and one inline file per layout, field
# and symmetry), .npz (small csr, csc, coo and bsr matrices laid out as scipy.sparse.save_npz
# writes them, made with Python's zipfile and struct alone) and .tsp (a real matrix converted by
# `tessera sparse convert` to formats of every level kind).
# Usage: seeds.sh <corpus-folder> <tessera>
set -euo pipefail
corpus=$1 tessera=$2
r_files=/usr/lib/R/library/Matrix/external
for name in jgl009 pores_1 wrong; do
  if [ -f "$r_files/$name.mtx" ]; then cp "$r_files/$name.mtx" "$corpus/r-$name.mtx"; fi
done
seed() { printf '%s' "$2" >"$corpus/$1.mtx"; }
seed real-general $'%%MatrixMarket matrix coordinate real general\n% comment\n3 4 4\n1 1 1.5\n3 4 -2e3\n2 1 .25\n3 4 nan\n'
seed integer-symmetric $'%%MatrixMarket matrix coordinate integer symmetric\n3 3 3\n1 1 7\n3 1 -2\n3 2 9007199254740992\n'
seed real-skew $'%%MatrixMarket matrix coordinate real skew-symmetric\r\n3 3 2\r\n2 1 5e-324\r\n3 2 -inf\r\n'
seed complex-hermitian $'%%MatrixMarket matrix coordinate complex hermitian\n2 2 2\n1 1 5 0\n2 1 2.5 -3\n'
seed pattern-symmetric $'%%MatrixMarket matrix coordinate pattern symmetric\n4 4 3\n2 2\n4 1\n3 2\n'
seed array-real-general $'%%MatrixMarket matrix array real general\n2 3\n1\n0\n-0\n2.5\n-3\n0\n'
seed array-complex-symmetric $'%%MatrixMarket matrix array complex symmetric\n2 2\n1 0\n2 -1\n0 3\n'
seed array-integer-skew $'%%MatrixMarket matrix array integer skew-symmetric\n3 3\n1\n0\n2\n'
python3 - "$1" <<'PY'
import struct, sys, zipfile

def npy(descr, shape, payload):
    dims = "%d," % shape[0] if len(shape) == 1 else ", ".join(map(str, shape))
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (descr, dims)
    header += " " * (64 - (10 + len(header) + 1) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + payload

def pack(code, values):
    return struct.pack("<%d%s" % (len(values), code), *values)

def save(name, fmt, rows, cols, arrays, compression):
    members = dict(arrays, format=npy("|S3", (), fmt), shape=npy("<i8", (2,), pack("q", [rows, cols])))
    with zipfile.ZipFile("%s/%s.npz" % (sys.argv[1], name), "w", compression) as z:
        for key, data in members.items():
            with z.open(key + ".npy", "w", force_zip64=True) as f:
                f.write(data)

stored, deflated = zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED
save("csr_f64", b"csr", 3, 4, {"indices": npy("<i4", (5,), pack("i", [0, 2, 3, 0, 1])),
                               "indptr": npy("<i4", (4,), pack("i", [0, 2, 3, 5])),
                               "data": npy("<f8", (5,), pack("d", [1, 2, 3, 4, 5]))}, stored)
save("csc_f32", b"csc", 4, 3, {"indices": npy("<i4", (5,), pack("i", [0, 2, 3, 0, 1])),
                               "indptr": npy("<i4", (4,), pack("i", [0, 2, 3, 5])),
                               "data": npy("<f4", (5,), pack("f", [1, -2, 3, 4.5, 5]))}, deflated)
save("csr_unsorted_i8", b"csr", 3, 4, {"indices": npy("<i8", (5,), pack("q", [2, 0, 2, 1, 0])),
                                       "indptr": npy("<i8", (4,), pack("q", [0, 3, 3, 5])),
                                       "data": npy("<i8", (5,), pack("q", [1, 2, 3, 4, 5]))}, stored)
save("coo_c128", b"coo", 5, 5, {"row": npy("<i4", (4,), pack("i", [4, 0, 4, 2])),
                                "col": npy("<i4", (4,), pack("i", [1, 3, 1, 2])),
                                "data": npy("<c16", (4,), pack("d", [1, -1, 2, 0, 3, 0.5, 0, 4]))},
     deflated)
save("bsr_bool", b"bsr", 4, 6, {"indices": npy("<i4", (3,), pack("i", [1, 0, 1])),
                                "indptr": npy("<i4", (3,), pack("i", [0, 1, 3])),
                                "data": npy("|b1", (3, 2, 3), bytes([1, 0, 1, 1, 1, 0] * 3))},
     deflated)
PY

for format in csr csc coo dcsr bitmap rlc:3 ell bcsr:2x3 dense; do
  "$tessera" sparse convert -i "$corpus/real-general.mtx" --to "$format" \
    -o "$corpus/tsp-${format//:/-}.tsp" 2>/dev/null
done
