#!/usr/bin/env bash
# Run by scripts/bench.sh after the benchmark binaries: measures SZ3 (pysz from PyPI, installed
# into an ignored virtualenv under the build folder) on the fields compress_bench exported, then
# prints the side-by-side tables and draws the rate-distortion plot.
# Usage: after-bench.sh <build-dir>
set -euo pipefail
build=$1
results="$build/bench-results"
fields="$results/compress-fields"
[ -f "$fields/manifest.json" ] || { echo "compress: no exported fields, skipping SZ3"; exit 0; }
here=$(cd "$(dirname "$0")" && pwd)
venv="$build/bench-venv"
if [ ! -x "$venv/bin/python" ]; then
  # Debian's interpreter, so that the venv sees Debian's numpy and matplotlib.
  /usr/bin/python3 -m venv --system-site-packages "$venv"
fi
if ! "$venv/bin/python" -c 'import pysz' 2>/dev/null; then
  echo "compress: installing the SZ3 peer (pysz) into $venv"
  "$venv/bin/pip" install --quiet pysz numpy || echo "compress: pysz unavailable; SZ3 column empty"
fi
sz3="$results/sz3.jsonl"
: >"$sz3"
if "$venv/bin/python" -c 'import pysz' 2>/dev/null; then
  "$venv/bin/python" "$here/sz3_peer.py" "$fields" "$sz3"
fi
"$venv/bin/python" "$here/report.py" "$results/compress_bench.jsonl" "$sz3" \
  "$results/compress-rate-distortion.png" | tee "$results/compress-report.md"
