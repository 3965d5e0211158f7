#!/usr/bin/env python3
"""Side-by-side report of tessera, zfp and SZ3 from compress_bench's and sz3_peer.py's JSON lines:
a markdown table per error bound (ratio, PSNR, speeds), geometric means over the fill-free fields,
and a rate-distortion plot (PSNR against bits per value) as PNG.

Usage: report.py <compress_bench.jsonl> <sz3.jsonl or -> <plot.png>
"""
import json
import math
import sys
from collections import defaultdict
from pathlib import Path


def read_lines(path):
    if path == "-" or not Path(path).exists():
        return []
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def geomean(values):
    values = [v for v in values if v > 0 and math.isfinite(v)]
    return math.exp(sum(map(math.log, values)) / len(values)) if values else float("nan")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    cases = [r for r in read_lines(sys.argv[1]) if r.get("suite") == "compress"]
    sz3 = {(r["field"], r["rel"]): r["sz3"] for r in read_lines(sys.argv[2])}
    by_bound = defaultdict(list)
    for case in cases:
        by_bound[case["rel"]].append(case)

    for rel in sorted(by_bound, reverse=True):
        print(f"\n### REL {rel:g}\n")
        print("| field | tessera ratio | zfp ratio (same eb) | zfp ratio (matched max error) "
              "| SZ3 ratio | PSNR tessera / zfp / SZ3 | compress MB/s tessera / zfp / SZ3 "
              "| decompress MB/s tessera / zfp / SZ3 |")
        print("|---|---|---|---|---|---|---|---|")
        means = defaultdict(list)
        for c in by_bound[rel]:
            ours, zfp, matched = c["tessera"], c["zfp_same_tolerance"], c["zfp_matched_error"]
            peer = sz3.get((c["field"], rel))
            mb = c["mb"]
            speed = [mb / c["compress_speed"]["a"]["median_s"],
                     mb / c["compress_speed"]["b"]["median_s"]]
            dspeed = [mb / c["decompress_speed"]["a"]["median_s"],
                      mb / c["decompress_speed"]["b"]["median_s"]]
            sz3_ratio = f"{peer['ratio']:.2f}" if peer else "—"
            sz3_psnr = f"{peer['psnr_db']:.1f}" if peer else "—"
            sz3_speed = f"{peer['compress_mb_s']:.0f}" if peer else "—"
            sz3_dspeed = f"{peer['decompress_mb_s']:.0f}" if peer else "—"
            name = c["field"] + (" (fill)" if c["has_fill"] else "")
            print(f"| {name} | {ours['ratio']:.2f} | {zfp['ratio']:.2f} | {matched['ratio']:.2f} "
                  f"| {sz3_ratio} | {ours['psnr_db']:.1f} / {zfp['psnr_db']:.1f} / {sz3_psnr} "
                  f"| {speed[0]:.0f} / {speed[1]:.0f} / {sz3_speed} "
                  f"| {dspeed[0]:.0f} / {dspeed[1]:.0f} / {sz3_dspeed} |")
            if c["has_fill"]:
                continue
            means["vs zfp"].append(ours["ratio"] / zfp["ratio"])
            means["vs zfp matched"].append(ours["ratio"] / matched["ratio"])
            means["compress vs zfp"].append(speed[0] / speed[1])
            means["decompress vs zfp"].append(dspeed[0] / dspeed[1])
            if peer:
                means["vs SZ3"].append(ours["ratio"] / peer["ratio"])
                means["compress vs SZ3"].append(speed[0] / peer["compress_mb_s"])
        summary = ", ".join(f"{k} {geomean(v):.2f}x" for k, v in means.items())
        print(f"\nGeometric means over fill-free fields (tessera ÷ peer): {summary}")

    plot_rate_distortion(cases, sz3, sys.argv[3])


def plot_rate_distortion(cases, sz3, png):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("report: matplotlib missing (Debian python3-matplotlib); no plot")
        return
    fields = sorted({c["field"] for c in cases if not c["has_fill"]})
    if not fields:
        return
    columns = min(3, len(fields))
    rows = math.ceil(len(fields) / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(5 * columns, 3.6 * rows), squeeze=False)
    for axis, field in zip(axes.flat, fields):
        own = sorted((c for c in cases if c["field"] == field), key=lambda c: c["rel"])
        series = {
            "tessera": [(c["tessera"]["bits_per_value"], c["tessera"]["psnr_db"]) for c in own],
            "zfp": [(c["zfp_same_tolerance"]["bits_per_value"], c["zfp_same_tolerance"]["psnr_db"])
                    for c in own],
            "SZ3": [(sz3[(field, c["rel"])]["bits_per_value"], sz3[(field, c["rel"])]["psnr_db"])
                    for c in own if (field, c["rel"]) in sz3],
        }
        for label, points in series.items():
            if points:
                axis.plot(*zip(*points), marker="o", label=label)
        axis.set_title(field, fontsize=9)
        axis.set_xlabel("bits per value")
        axis.set_ylabel("PSNR (dB)")
        axis.grid(True, alpha=0.3)
        axis.legend(fontsize=8)
    for axis in list(axes.flat)[len(fields):]:
        axis.axis("off")
    figure.tight_layout()
    figure.savefig(png, dpi=110)
    print(f"\nrate-distortion plot: {png}")


if __name__ == "__main__":
    main()
