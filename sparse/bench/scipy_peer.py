"""scipy.sparse beside tessera: times coo.tocsr() (the COO as scipy.io.mmread reads it),
csr.tocsc(), csr @ x and csr @ B (B dense, 64 columns, row-major) on each real matrix of
sparse/data.json, and prints them beside what sparse_bench recorded (its "conversion_rate" JSON
lines and the times of its SpMV and SpMM(64), one thread), with the ratio scipy time / tessera time.

Usage: scipy_peer.py <sparse_bench.jsonl> <source-dir> <out.jsonl>
"""
import json
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
    """Per matrix, tessera's seconds per operation (conversions from their rates), and the machine."""
    ours, machine = {}, ""
    for line in open(bench_jsonl):
        r = json.loads(line)
        machine = r.get("machine", machine)
        if r.get("type") == "conversion_rate":
            ours.setdefault(r["matrix"], {})["rates"] = r
        elif r.get("type") == "comparison" and r["name_b"] == "eigen":
            op = r["extra"]["operation"]
            if op in ("spmv", "spmm64"):
                ours.setdefault(r["extra"]["matrix"], {})[op] = r["a"]["median_s"]
    return ours, machine


def main():
    bench_jsonl, source, out_path = sys.argv[1:4]
    ours, machine = our_results(bench_jsonl)
    manifest = f"{source}/sparse/data.json"
    ids = json.load(open(manifest))["sets"]["real"]
    rows = []
    print(f"# tessera (sparse_bench, one thread) against scipy {scipy.__version__}: scipy time / tessera time; {machine}")
    print(f"{'matrix':<26} " + " ".join(f"{op:>9}" for op in OPERATIONS))
    for id_ in ids:
        mine = ours.get(id_, {})
        if "rates" not in mine or "spmv" not in mine or "spmm64" not in mine:
            continue
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
        tessera_seconds = {"coo->csr": nnz / (mine["rates"]["coo_to_csr_mnnz_s"] * 1e6),
                           "csr->csc": nnz / (mine["rates"]["csr_to_csc_mnnz_s"] * 1e6),
                           "spmv": mine["spmv"], "spmm64": mine["spmm64"]}
        row = {"matrix": id_, "nnz": nnz,
               "scipy_seconds": scipy_seconds, "tessera_seconds": tessera_seconds,
               "ratio": {op: scipy_seconds[op] / tessera_seconds[op] for op in OPERATIONS}}
        rows.append(row)
        print(f"{id_:<26} " + " ".join(f"{row['ratio'][op]:8.2f}x" for op in OPERATIONS))
    with open(out_path, "w") as out:
        for row in rows:
            out.write(json.dumps(row) + "\n")
    if rows:
        means = ", ".join(f"{op} {statistics.geometric_mean(r['ratio'][op] for r in rows):.2f}x"
                          for op in OPERATIONS)
        print(f"geometric mean over {len(rows)} matrices: {means}")


if __name__ == "__main__":
    main()
