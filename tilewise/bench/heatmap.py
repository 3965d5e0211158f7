#!/usr/bin/env python3
"""Heat maps of `tessera tilewise bench --json` over the shape sweep: the fraction of the ideal
speedup 1/(1 - s) over oneDNN for each N×K (rows) and tokens M × sparsity (columns), one PNG per
thread count, with the CPU in the title; a Markdown table of the same cells, and the shapes below
the targets (80% of the ideal at 50% and 75%, 65% at 90%).
Usage: heatmap.py <sweep.jsonl> <png-prefix> <cpu>"""
import json
import sys

TARGET = {0.5: 0.8, 0.75: 0.8, 0.9: 0.65}


def load(path):
    """The cells by (threads, N, K, M, sparsity), and what was timed against what."""
    cells, precisions = {}, set()
    for line in open(path):
        record = json.loads(line)
        e = record["extra"]
        fraction = record["ratio"]["median"] * (1 - e["sparsity"])
        cells[(e["threads"], e["n"], e["k"], e["m"], e["sparsity"])] = fraction
        precisions.add(e.get("precision", "fp32"))
    if len(precisions) > 1:
        raise SystemExit(f"heatmap: {path} mixes precisions {sorted(precisions)}; one per file")
    what = ("TW-GEMM in bf16 over oneDNN's bf16 matmul" if precisions == {"bf16"}
            else "TW-GEMM over oneDNN's sgemm")
    return cells, what


def table(cells, threads, shapes, columns, what):
    print(f"\n{what}, {threads} thread(s): fraction of the ideal speedup (median of pairs)\n")
    print("| N×K | " + " | ".join(f"M={m} {s:.0%}" for m, s in columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for n, k in shapes:
        row = [cells.get((threads, n, k, m, s)) for m, s in columns]
        print(f"| {n}×{k} | " + " | ".join("" if f is None else f"{f:.2f}" for f in row) + " |")
    misses = [(n, k, m, s, f) for (t, n, k, m, s), f in sorted(cells.items())
              if t == threads and s in TARGET and f < TARGET[s]]
    print(f"\n{len(misses)} of {sum(1 for key in cells if key[0] == threads)} cells below the "
          "target (80% at 50% and 75%, 65% at 90%): " +
          ", ".join(f"{n}×{k} M={m} {s:.0%} {f:.2f}" for n, k, m, s, f in misses))


def plot(cells, threads, shapes, columns, png, cpu, what):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("heatmap: matplotlib missing (Debian python3-matplotlib); no plot")
        return
    grid = [[cells.get((threads, n, k, m, s), float("nan")) for m, s in columns]
            for n, k in shapes]
    figure, axis = plt.subplots(figsize=(1.0 + 0.75 * len(columns), 1.2 + 0.32 * len(shapes)))
    image = axis.imshow(grid, cmap="RdYlGn", vmin=0.4, vmax=1.0, aspect="auto")
    axis.set_xticks(range(len(columns)), [f"M={m}\n{s:.0%}" for m, s in columns], fontsize=7)
    axis.set_yticks(range(len(shapes)), [f"{n}×{k}" for n, k in shapes], fontsize=7)
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            if value == value:  # not NaN
                axis.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=6,
                          color="white" if value > 0.95 or value < 0.5 else "black")
    axis.set_title(f"{what}, fraction of the ideal speedup\n{cpu}, {threads} thread(s)",
                   fontsize=8)
    figure.colorbar(image, ax=axis, fraction=0.04)
    figure.tight_layout()
    figure.savefig(png, dpi=110)
    print(f"\nheat map: {png}")


def main(path, prefix, cpu):
    cells, what = load(path)
    shapes = sorted({(n, k) for _, n, k, _, _ in cells})
    columns = sorted({(m, s) for _, _, _, m, s in cells})
    for threads in sorted({key[0] for key in cells}):
        table(cells, threads, shapes, columns, what)
        plot(cells, threads, shapes, columns, f"{prefix}-{threads}t.png", cpu, what)


if __name__ == "__main__":
    main(*sys.argv[1:4])
