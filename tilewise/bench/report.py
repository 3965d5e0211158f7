#!/usr/bin/env python3
"""Markdown tables of tilewise_gemm_bench's JSON lines: speedup of TW-GEMM over each peer per shape,
tokens M, sparsity and thread count, with the fraction of the ideal 1/(1 - s) over oneDNN.
Usage: report.py <tilewise_gemm_bench.jsonl>"""
import json
import sys


def main(path):
    rows = {}
    for line in open(path):
        record = json.loads(line)
        e = record["extra"]
        key = (e["threads"], e["n"], e["k"], e["m"], e["sparsity"])
        rows.setdefault(key, {})[record["name_b"]] = record["ratio"]["median"]
    for threads in sorted({k[0] for k in rows}):
        print(f"\n{threads} thread(s): speedup of TW-GEMM (peer time / TW time, median of the pairs)\n")
        print("| N×K | M | sparsity | vs oneDNN | of ideal | vs OpenBLAS | vs Eigen CSR |")
        print("|---|---|---|---|---|---|---|")
        for key in sorted(k for k in rows if k[0] == threads):
            _, n, k, m, s = key
            r = rows[key]
            onednn = r["onednn_sgemm_dense"]
            csr = r.get("eigen_csr_spmm")
            blas = r.get("openblas_sgemm_dense")
            print(f"| {n}×{k} | {m} | {s:.0%} | {onednn:.2f} | {onednn * (1 - s):.0%} | "
                  f"{'' if blas is None else f'{blas:.2f}'} | {'' if csr is None else f'{csr:.1f}'} |")


if __name__ == "__main__":
    main(sys.argv[1])
