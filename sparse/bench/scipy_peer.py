"""scipy.sparse beside tessera: times coo.tocsr() (the COO as scipy.io.mmread reads it),
csr.tocsc(), csr @ x and csr @ B (B dense, 64 columns, row-major) on each real matrix of
sparse/data.json, and prints them beside tessera's times of the same operations on one thread
(sparse_bench's "alone_seconds" JSON lines), with the ratio scipy time / tessera time. Both sides
are timed alone, each operation in a loop of its own: timed between Eigen's and GraphBLAS's runs,
tessera would start each run with caches the peers had taken.

With an npz folder (sparse_bench --npz-dir), the generated matrices saved there are timed too,
their COO in the order sparse_bench converts it.

Usage: scipy_peer.py <sparse_bench.jsonl> <source-dir> <out.jsonl> [<npz-dir>]
"""
import json
import os
import statistics
import subprocess
import sys
import time

import numpy
import scipy
import scipy.io
import scipy.sparse

# (name, what the row holds): conversions as rates, kernels as seconds; each ratio is > 1 where
# tessera is faster.
OPERATIONS = ["coo->csr", "csr->csc", "spmv", "spmm64"]


def median_seconds(run, budget=0.5):
    samples = []
    start = time.perf_counter()
    while len(samples) < 5 or (time.perf_counter() - start < budget and len(samples) < 101):
        t = time.perf_counter()
        run()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def our_results(bench_jsonl):
    """Per matrix, tessera's seconds per operation timed alone ("alone_seconds"), and the machine."""
    ours, machine = {}, ""
    for line in open(bench_jsonl):
        r = json.loads(line)
        machine = r.get("machine", machine)
        if r.get("type") == "alone_seconds":
            ours[r["matrix"]] = {op: r[op] for op in OPERATIONS}
    return ours, machine


def main():
    bench_jsonl, source, out_path = sys.argv[1:4]
    npz_dir = sys.argv[4] if len(sys.argv) > 4 else None
    ours, machine = our_results(bench_jsonl)
    manifest = f"{source}/sparse/data.json"
    ids = json.load(open(manifest))["sets"]["real"]
    generated = [id_ for id_ in ours if id_ not in ids and npz_dir and os.path.exists(f"{npz_dir}/{id_}.npz")]
    rows = []
    print(f"# tessera (sparse_bench, one thread) against scipy {scipy.__version__}: scipy time / tessera time; {machine}")
    print(f"{'matrix':<26} " + " ".join(f"{op:>9}" for op in OPERATIONS))
    for id_ in ids + generated:
        if id_ not in ours:
            continue
        if id_ in generated:
            coo = scipy.sparse.load_npz(f"{npz_dir}/{id_}.npz")
        else:
            path = subprocess.run([sys.executable, f"{source}/scripts/data-input.py", manifest, id_],
                                  capture_output=True, text=True, check=True).stdout.strip()
            coo = scipy.io.mmread(path)
        if coo.dtype.kind == "c":
            coo = scipy.sparse.coo_matrix((coo.data.real, (coo.row, coo.col)), shape=coo.shape)
        coo = coo.astype("float64")
        csr = coo.tocsr()
        nnz = csr.nnz
        rng = numpy.random.default_rng(1)
        x = rng.uniform(-1, 1, csr.shape[1])
        b = rng.uniform(-1, 1, (csr.shape[1], 64))
        scipy_seconds = {"coo->csr": median_seconds(lambda: coo.tocsr()),
                         "csr->csc": median_seconds(lambda: csr.tocsc()),
                         "spmv": median_seconds(lambda: csr @ x),
                         "spmm64": median_seconds(lambda: csr @ b)}
        tessera_seconds = ours[id_]
        row = {"matrix": id_, "nnz": nnz,
               "scipy_seconds": scipy_seconds, "tessera_seconds": tessera_seconds,
               "ratio": {op: scipy_seconds[op] / tessera_seconds[op] for op in OPERATIONS}}
        rows.append(row)
        print(f"{id_:<26} " + " ".join(f"{row['ratio'][op]:8.2f}x" for op in OPERATIONS))
    with open(out_path, "w") as out:
        for row in rows:
            out.write(json.dumps(row) + "\n")
    for label, subset in (("real", [r for r in rows if r["matrix"] in ids]), ("all", rows)):
        if subset and (label == "real" or generated):
            means = ", ".join(f"{op} {statistics.geometric_mean(r['ratio'][op] for r in subset):.2f}x"
                              for op in OPERATIONS)
            print(f"geometric mean over {len(subset)} matrices ({label}): {means}")


if __name__ == "__main__":
    main()
