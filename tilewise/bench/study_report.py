#!/usr/bin/env python3
"""Markdown table of `tessera tilewise study --json`: test accuracy per pattern and sparsity beside
the dense model's, and the TW model's inference speed against the dense model on oneDNN.
Usage: study_report.py <study.json>"""
import json
import sys


def main(path):
    study = json.load(open(path))
    dense = study["dense_fine_tuned_accuracy"]
    sparsities = sorted({c["sparsity"] for c in study["cases"]})
    patterns = list(dict.fromkeys(c["pattern"] for c in study["cases"]))
    print(f"\nFashion-MNIST test accuracy; dense {study['dense_accuracy']:.2%}, fine-tuned like the "
          f"pruned models {dense:.2%} (points against it in brackets)\n")
    print("| pattern | " + " | ".join(f"{s:.0%}" for s in sparsities) + " |")
    print("|---" * (len(sparsities) + 1) + "|")
    for p in patterns:
        cells = []
        for s in sparsities:
            case = next(c for c in study["cases"] if c["pattern"] == p and c["sparsity"] == s)
            cell = f"{case['accuracy']:.2%} ({100 * (case['accuracy'] - dense):+.2f})"
            if "latency" in case:
                cell += f", {case['latency']['ratio']['median']:.2f}x"
            cells.append(cell)
        print(f"| {p} | " + " | ".join(cells) + " |")
    print("\nTW rows: inference of the 10000 test images with TW-GEMM, in units of the dense model's "
          "speed with oneDNN (interleaved, median).")


if __name__ == "__main__":
    main(sys.argv[1])
