#!/usr/bin/env python3
"""SZ3 (pysz, from PyPI) on the fields compress_bench exported, at the same absolute error bounds
tessera used: ratio, max error, PSNR, compression and decompression speed (one thread, median of
repeated runs after a warm-up). Writes one JSON object per case.

Usage: sz3_peer.py <fields-dir> <out.jsonl>
"""
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pysz


def timed(function, repetitions=5):
    function()  # warm-up
    samples = []
    result = None
    for _ in range(repetitions):
        start = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - start)
    return result, statistics.median(samples)


def sz3_case(data, bound):
    config = pysz.szConfig()
    config.errorBoundMode = pysz.szErrorBoundMode.ABS
    config.absErrorBound = bound
    config.openmp = False
    (compressed, _), compress_s = timed(lambda: pysz.sz.compress(data, config))
    (decoded, _), decompress_s = timed(
        lambda: pysz.sz.decompress(compressed, data.dtype, data.shape))
    finite = np.isfinite(data)
    original = data[finite].astype(np.float64)
    error = np.abs(original - decoded[finite].astype(np.float64))
    value_range = float(original.max() - original.min()) if original.size else 0.0
    rmse = float(np.sqrt(np.mean(error * error))) if error.size else 0.0
    return {
        "ratio": data.nbytes / compressed.nbytes,
        "bits_per_value": 8.0 * compressed.nbytes / data.size,
        "max_error": float(error.max()) if error.size else 0.0,
        "psnr_db": 20 * np.log10(value_range / rmse) if rmse > 0 else float("inf"),
        "compress_mb_s": data.nbytes / 1e6 / compress_s,
        "decompress_mb_s": data.nbytes / 1e6 / decompress_s,
    }


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    fields_dir, out_path = Path(sys.argv[1]), Path(sys.argv[2])
    manifest = json.loads((fields_dir / "manifest.json").read_text())
    with out_path.open("w") as out:
        for field in manifest:
            data = np.fromfile(fields_dir / field["file"], dtype=field["dtype"])
            data = data.reshape(field["shape"])
            for case in field["cases"]:
                result = sz3_case(data, case["error_bound"])
                record = {"suite": "sz3", "field": field["name"], "rel": case["rel"],
                          "error_bound": case["error_bound"], "sz3": result}
                out.write(json.dumps(record) + "\n")
                print(f"{field['name']:<34} REL {case['rel']:<6g} SZ3 ratio {result['ratio']:7.2f}"
                      f"  max error {result['max_error']:.4g}  PSNR {result['psnr_db']:6.1f} dB"
                      f"  compress {result['compress_mb_s']:6.0f} MB/s"
                      f"  decompress {result['decompress_mb_s']:6.0f} MB/s")


if __name__ == "__main__":
    main()
