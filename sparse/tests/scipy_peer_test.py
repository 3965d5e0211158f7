#!/usr/bin/env python3
"""Peer test of tessera's .npz reader and writer against SciPy (Debian's python3-scipy).

SciPy writes matrices drawn with a fixed seed (csr, csc, coo with repeats, bsr of 2x3 blocks;
float32, float64, complex128, bool and integer data; compressed and not; empty; int64 indices;
unsorted indices; Fortran-order blocks), tessera reads each and writes it back (the GoogleTest
case PeerScipy.RoundTripFolder), and SciPy loads what tessera wrote: same format, shape, dtype
and, bit for bit, the same arrays (after sum_duplicates where SciPy's input was not canonical).

Usage: scipy_peer_test.py <tessera_sparse_tests>. Exit 0 pass, 1 mismatch, 77 SciPy missing.
"""
import os
import subprocess
import sys
import tempfile
import zipfile

try:
    import numpy as np
    import scipy
    import scipy.sparse as sp
except ImportError as missing:
    print(f"scipy_peer_test: skipped: {missing} (apt install python3-scipy)", file=sys.stderr)
    sys.exit(77)

RNG = np.random.default_rng(20240611)


def random_values(n, dtype):
    if dtype == np.bool_:
        return np.ones(n, dtype=bool)
    if np.issubdtype(dtype, np.complexfloating):
        return (RNG.standard_normal(n) + 1j * RNG.standard_normal(n)).astype(dtype)
    if np.issubdtype(dtype, np.integer):
        return RNG.integers(-1000, 1000, n).astype(dtype)
    return RNG.standard_normal(n).astype(dtype)


def random_coo(rows, cols, n, dtype):
    """n entries at random coordinates: repeats are likely."""
    return sp.coo_matrix((random_values(n, dtype),
                          (RNG.integers(0, rows, n), RNG.integers(0, cols, n))),
                         shape=(rows, cols))


def canonical(m, fmt):
    m = m.asformat(fmt)
    m.sum_duplicates()
    return m


def unsorted_csr():
    """A csr matrix whose rows hold unsorted and repeated column indices (SciPy allows it)."""
    m = canonical(random_coo(30, 20, 120, np.float64), "csr")
    indices, data = m.indices.copy(), m.data.copy()
    for r in range(m.shape[0]):  # reverse each row, then repeat its first entry
        a, b = m.indptr[r], m.indptr[r + 1]
        indices[a:b], data[a:b] = indices[a:b][::-1], data[a:b][::-1]
    rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    extra = np.flatnonzero(np.diff(m.indptr) > 0)[:10]
    rows = np.concatenate([rows, extra])
    cols = np.concatenate([indices, indices[m.indptr[extra]]])
    vals = np.concatenate([data, random_values(len(extra), np.float64)])
    order = np.argsort(rows, kind="stable")
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=m.shape[0]))])
    out = sp.csr_matrix((vals[order], cols[order], indptr), shape=m.shape)
    assert not out.has_canonical_format
    return out


def bool_with_false():
    """A bool csr matrix with explicit False entries, which tessera drops."""
    m = canonical(random_coo(16, 16, 60, np.bool_), "csr")
    m.data[::4] = False
    return m


def with_int64_indices(m):
    out = m.copy()
    out.indices = out.indices.astype(np.int64)
    out.indptr = out.indptr.astype(np.int64)
    return out


def fortran_bsr():
    m = canonical(random_coo(12, 18, 40, np.float64), "csr").tobsr(blocksize=(2, 3))
    return sp.bsr_matrix((np.asfortranarray(m.data), m.indices, m.indptr), shape=m.shape)


# name: (matrix, saved compressed, the format and value type tessera must read it as). tessera
# writes back the input's dtype, except for integer data (float64) and complex64 (complex128).
CASES = {
    "csr_f64": (canonical(random_coo(40, 30, 200, np.float64), "csr"), True, "csr", "f64"),
    "csr_f32_stored": (canonical(random_coo(25, 50, 150, np.float32), "csr"), False, "csr", "f32"),
    "csr_c128": (canonical(random_coo(20, 20, 90, np.complex128), "csr"), True, "csr", "c128"),
    "csr_bool": (canonical(random_coo(30, 40, 100, np.bool_), "csr"), True, "csr", "pattern"),
    "csr_bool_with_false": (bool_with_false(), True, "csr", "pattern"),
    "csr_int32_data": (canonical(random_coo(15, 15, 60, np.int32), "csr"), True, "csr", "f64"),
    "csr_c64": (canonical(random_coo(10, 12, 40, np.complex64), "csr"), False, "csr", "c128"),
    "csr_int64_indices": (with_int64_indices(canonical(random_coo(33, 21, 80, np.float64), "csr")),
                          True, "csr", "f64"),
    "csr_unsorted_repeated": (unsorted_csr(), True, "csr", "f64"),
    "csr_empty": (sp.csr_matrix((5, 7), dtype=np.float64), True, "csr", "f64"),
    "csr_zero_by_zero": (sp.csr_matrix((0, 0), dtype=np.float64), False, "csr", "f64"),
    "csc_f64": (canonical(random_coo(30, 45, 200, np.float64), "csc"), True, "csc", "f64"),
    "csc_c128_stored": (canonical(random_coo(18, 9, 50, np.complex128), "csc"), False, "csc",
                        "c128"),
    "csc_bool": (canonical(random_coo(11, 13, 30, np.bool_), "csc"), True, "csc", "pattern"),
    "coo_f64_repeated": (random_coo(20, 25, 150, np.float64), True, "coo", "f64"),
    "coo_f32_stored": (random_coo(8, 9, 30, np.float32), False, "coo", "f32"),
    "coo_c128": (random_coo(12, 7, 40, np.complex128), True, "coo", "c128"),
    "coo_bool": (random_coo(14, 6, 25, np.bool_), True, "coo", "pattern"),
    "coo_empty": (sp.coo_matrix((3, 4), dtype=np.float64), True, "coo", "f64"),
    "bsr_f64": (canonical(random_coo(24, 30, 100, np.float64), "csr").tobsr(blocksize=(2, 3)),
                True, "bcsr:2x3", "f64"),
    "bsr_f32_stored": (canonical(random_coo(12, 12, 30, np.float32), "csr").tobsr(blocksize=(2, 3)),
                       False, "bcsr:2x3", "f32"),
    "bsr_c128": (canonical(random_coo(10, 9, 20, np.complex128), "csr").tobsr(blocksize=(2, 3)),
                 True, "bcsr:2x3", "c128"),
    "bsr_bool": (canonical(random_coo(8, 12, 20, np.bool_), "csr").tobsr(blocksize=(2, 3)), True,
                 "bcsr:2x3", "pattern"),
    "bsr_fortran_blocks": (fortran_bsr(), True, "bcsr:2x3", "f64"),
    "bsr_empty": (sp.bsr_matrix((4, 6), blocksize=(2, 3), dtype=np.float64), True, "bcsr:2x3",
                  "f64"),
}
# What tessera must refuse, and what its error must say.
ERRORS = {
    "csr_longdouble": (canonical(random_coo(5, 5, 8, np.longdouble), "csr"), "is float128"),
    "csr_int64_beyond_2_53": (sp.csr_matrix(np.array([[0, 2**60 + 1]], dtype=np.int64)),
                              "beyond 2^53"),
    "dia": (sp.dia_matrix(np.eye(4)), "'dia' is not supported"),
}


def written_dtype(m):
    if np.issubdtype(m.dtype, np.integer):
        return np.dtype(np.float64)
    if m.dtype == np.complex64:
        return np.dtype(np.complex128)
    return m.dtype


def check_same(name, got, want, failures):
    """got: what tessera wrote, loaded by SciPy; want: the canonical expectation."""
    def fail(what):
        failures.append(f"{name}: {what}")

    if got.format != want.format or got.shape != want.shape or got.dtype != want.dtype:
        fail(f"{got.format} {got.shape} {got.dtype}, expected {want.format} {want.shape} "
             f"{want.dtype}")
        return
    if got.format == "coo":
        arrays = ["row", "col"]
    else:
        arrays = ["indptr", "indices"]
        if got.format == "bsr" and got.blocksize != want.blocksize:
            fail(f"blocksize {got.blocksize}, expected {want.blocksize}")
    for a in arrays:
        g, w = getattr(got, a), getattr(want, a)
        if g.dtype != np.int32 or not np.array_equal(g, w):
            fail(f"{a} differs ({g.dtype}: {g[:8]}..., expected {w[:8]}...)")
    if got.data.shape != want.data.shape or got.data.tobytes() != want.data.tobytes():
        fail(f"data differs bit for bit (shape {got.data.shape}, expected {want.data.shape})")


def check_archive(name, path, scipy_path, failures):
    """tessera's .npz holds the members, dtypes and compression save_npz writes."""
    with zipfile.ZipFile(path) as z:
        ours = {i.filename: i.compress_type for i in z.infolist()}
    with zipfile.ZipFile(scipy_path) as z:
        theirs = sorted(i.filename for i in z.infolist())
    if sorted(ours) != theirs:
        failures.append(f"{name}: members {sorted(ours)}, save_npz writes {theirs}")
    if any(c != zipfile.ZIP_DEFLATED for c in ours.values()):
        failures.append(f"{name}: members not deflated as save_npz's default")
    with np.load(path, allow_pickle=False) as z:
        if z["format"].dtype.kind != "S" or z["shape"].dtype != np.int64:
            failures.append(f"{name}: format {z['format'].dtype}, shape {z['shape'].dtype}")


def expected(m):
    """The matrix tessera should write back: canonical (coo as it is), with its written dtype."""
    want = m.copy()
    if want.format != "coo":
        want.sum_duplicates()
    if want.dtype == np.bool_ and want.format != "bsr":
        want.eliminate_zeros()
    want = want.astype(written_dtype(m))
    if want.format != "coo":
        want.indices = want.indices.astype(np.int32)
        want.indptr = want.indptr.astype(np.int32)
    else:
        want.row = want.row.astype(np.int32)
        want.col = want.col.astype(np.int32)
    if want.format == "bsr":
        want.data = np.ascontiguousarray(want.data)
    return want


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="tessera-scipy-peer-") as work:
        os.makedirs(os.path.join(work, "in"))
        os.makedirs(os.path.join(work, "out"))
        for name, (m, compressed, *_) in CASES.items():
            sp.save_npz(os.path.join(work, "in", name + ".npz"), m, compressed=compressed)
        for name, (m, _) in ERRORS.items():
            sp.save_npz(os.path.join(work, "in", name + ".npz"), m)
        run = subprocess.run([binary, "--gtest_filter=PeerScipy.RoundTripFolder"],
                             env=dict(os.environ, TESSERA_NPZ_PEER_DIR=work),
                             capture_output=True, text=True, check=False)
        if run.returncode != 0:
            print(run.stdout + run.stderr, file=sys.stderr)
            return 1
        failures = []

        def report(name):
            with open(os.path.join(work, "out", name + ".txt"), encoding="utf-8") as f:
                return f.read().strip()

        for name, (m, _, fmt, value_type) in CASES.items():
            line = report(name)
            fields = line.split()
            # Entries as tessera counts them: a bsr block's zeros are no entries, coo keeps repeats.
            entries = np.count_nonzero(expected(m).data) if m.format == "bsr" else expected(m).nnz
            want = [fmt, f"{m.shape[0]}x{m.shape[1]}", value_type, str(entries)]
            if fields[:4] != want:
                failures.append(f"{name}: tessera read '{line}', expected '{' '.join(want)} ...'")
                continue
            out = os.path.join(work, "out", name + ".npz")
            check_archive(name, out, os.path.join(work, "in", name + ".npz"), failures)
            check_same(name, sp.load_npz(out), expected(m), failures)
        for name, (_, says) in ERRORS.items():
            line = report(name)
            if not line.startswith("error: ") or says not in line:
                failures.append(f"{name}: tessera reported '{line}', expected an error saying "
                                f"'{says}'")
            if os.path.exists(os.path.join(work, "out", name + ".npz")):
                failures.append(f"{name}: tessera wrote output for an input it refused")
    for f in failures:
        print("scipy_peer_test: " + f, file=sys.stderr)
    print(f"scipy_peer_test: {len(CASES)} matrices through tessera and SciPy {scipy.__version__}, "
          f"{len(ERRORS)} refused, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
