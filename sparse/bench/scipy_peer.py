"""scipy.sparse's conversions beside tessera's: times coo.tocsr() (the COO as scipy.io.mmread
reads it) and csr.tocsc() on each real matrix of sparse/data.json, and prints them beside the
rates sparse_bench recorded (its "conversion_rate" JSON lines), with the ratio tessera / scipy.

Usage: scipy_peer.py <sparse_bench.jsonl> <source-dir> <out.jsonl>
"""
import json
import statistics
import subprocess
import sys
import time

import scipy
import scipy.io
import scipy.sparse


def median_seconds(run, budget=0.5):
    samples = []
    start = time.perf_counter()
    while len(samples) < 5 or (time.perf_counter() - start < budget and len(samples) < 101):
        t = time.perf_counter()
        run()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def main():
    bench_jsonl, source, out_path = sys.argv[1:4]
    ours = {}
    machine = ""
    for line in open(bench_jsonl):
        r = json.loads(line)
        if r.get("type") == "conversion_rate":
            ours[r["matrix"]] = r
            machine = r.get("machine", machine)
    manifest = f"{source}/sparse/data.json"
    ids = json.load(open(manifest))["sets"]["real"]
    rows = []
    print(f"# conversions, million nonzeros per second: tessera (sparse_bench) / scipy {scipy.__version__}; {machine}")
    print(f"{'matrix':<26} {'coo->csr':>9} {'scipy':>7} {'ratio':>6}   {'csr->csc':>9} {'scipy':>7} {'ratio':>6}")
    for id_ in ids:
        if id_ not in ours:
            continue
        path = subprocess.run([sys.executable, f"{source}/scripts/data-input.py", manifest, id_],
                              capture_output=True, text=True, check=True).stdout.strip()
        coo = scipy.io.mmread(path)
        if coo.dtype.kind == "c":
            coo = scipy.sparse.coo_matrix((coo.data.real, (coo.row, coo.col)), shape=coo.shape)
        coo = coo.astype("float64")
        csr = coo.tocsr()
        nnz = csr.nnz
        t_coo = median_seconds(lambda: coo.tocsr())
        t_csc = median_seconds(lambda: csr.tocsc())
        row = {"matrix": id_, "nnz": nnz, "scipy_coo_to_csr_mnnz_s": nnz / t_coo / 1e6,
               "scipy_csr_to_csc_mnnz_s": nnz / t_csc / 1e6,
               "tessera_coo_to_csr_mnnz_s": ours[id_]["coo_to_csr_mnnz_s"],
               "tessera_csr_to_csc_mnnz_s": ours[id_]["csr_to_csc_mnnz_s"]}
        rows.append(row)
        print(f"{id_:<26} {row['tessera_coo_to_csr_mnnz_s']:9.0f} {row['scipy_coo_to_csr_mnnz_s']:7.0f} "
              f"{row['tessera_coo_to_csr_mnnz_s'] / row['scipy_coo_to_csr_mnnz_s']:5.2f}x   "
              f"{row['tessera_csr_to_csc_mnnz_s']:9.0f} {row['scipy_csr_to_csc_mnnz_s']:7.0f} "
              f"{row['tessera_csr_to_csc_mnnz_s'] / row['scipy_csr_to_csc_mnnz_s']:5.2f}x")
    with open(out_path, "w") as out:
        for row in rows:
            out.write(json.dumps(row) + "\n")
    if rows:
        def geomean(key_a, key_b):
            return statistics.geometric_mean(r[key_a] / r[key_b] for r in rows)
        print(f"geometric mean over {len(rows)} matrices: coo->csr "
              f"{geomean('tessera_coo_to_csr_mnnz_s', 'scipy_coo_to_csr_mnnz_s'):.2f}x, csr->csc "
              f"{geomean('tessera_csr_to_csc_mnnz_s', 'scipy_csr_to_csc_mnnz_s'):.2f}x scipy")


if __name__ == "__main__":
    main()
