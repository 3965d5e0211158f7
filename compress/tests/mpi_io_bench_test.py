#!/usr/bin/env python3
# CTest check of compress_mpi_io_bench: 2 ranks under mpiexec, a small real field and a slow
# emulated link; every mode must run and verify, and every compressed mode must beat raw.
# Usage: mpi_io_bench_test.py MPIEXEC NUMPROC_FLAG BENCH SOURCE_DIR   (exit 77: skipped, no field)
import json
import os
import subprocess
import sys
import tempfile

# The 2-core machine is shared: when other jobs load it, every blocking MPI step waits for a
# scheduler slot (tens of ms). A 2 MB/s link makes a raw transfer (0.6 s) dwarf those waits, and 4
# pieces keep the overlapped modes' steps few, so compression wins by a wide margin even then.
LINK_MBPS = 2
MODES = {"write_raw", "write_tsz", "write_tsz_overlap",
         "gather_raw", "gather_tsz", "gather_tsz_overlap"}


def main():
    mpiexec, numproc_flag, bench, source_dir = sys.argv[1:5]
    # The field of compress/data.json's input etopo20, as scripts/data-input.py resolves it.
    found = subprocess.run([sys.executable, os.path.join(source_dir, "scripts", "data-input.py"),
                            os.path.join(source_dir, "compress", "data.json"), "etopo20"],
                           capture_output=True, text=True)
    if found.returncode == 77:
        print(f"skipped: {found.stderr.strip()}")
        return 77
    if found.returncode != 0:
        sys.exit(found.stderr.strip())
    field = found.stdout.strip()
    with tempfile.TemporaryDirectory() as folder:
        jsonl = os.path.join(folder, "mpi_io.jsonl")
        command = [mpiexec, numproc_flag, "2", "--oversubscribe", bench, "--input", field,
                   "--link-mbps", str(LINK_MBPS), "--pieces", "4", "--repetitions", "3",
                   "--dir", folder, "--jsonl", jsonl]
        print(" ".join(command), flush=True)
        run = subprocess.run(command, timeout=50)
        if run.returncode != 0:
            print(f"FAIL: the benchmark exited with {run.returncode}")
            return 1
        with open(jsonl) as lines:
            records = {r["extra"]["mode"]: r["extra"] for r in map(json.loads, lines)}
    failures = [f"mode {m} missing" for m in sorted(MODES - records.keys())]
    for mode in sorted(MODES & records.keys()):
        extra = records[mode]
        if not extra["verified"]:
            failures.append(f"{mode} not verified")
        if extra["compressed"] and extra["speedup"] <= 1.0:
            failures.append(f"{mode}: speedup {extra['speedup']:.2f} at {LINK_MBPS} MB/s, not > 1")
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
