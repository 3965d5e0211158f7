#!/usr/bin/env bash
# Installs the benchmarks' PyPI peers (bench/requirements.txt, exact versions) into one virtualenv
# made with Debian's python3, so that it also sees Debian's numpy and matplotlib, then the ones of
# bench/requirements-no-deps.txt without their declared dependencies (torchrec names the CUDA
# build of fbgemm-gpu, whose module the CPU build in requirements.txt provides). Quiet when the
# virtualenv already holds these lists. `make bench` runs it; benchmark steps only use the result.
# Usage: scripts/install-bench-venv.sh <venv-dir>
set -euo pipefail
venv=${1:?usage: scripts/install-bench-venv.sh <venv-dir>}
bench="$(cd "$(dirname "$0")/.." && pwd)/bench"
requirements=$bench/requirements.txt
no_deps=$bench/requirements-no-deps.txt
installed="$venv/requirements.txt"  # the lists this virtualenv was made from
if cat "$requirements" "$no_deps" | cmp -s - "$installed"; then exit 0; fi

[ -x "$venv/bin/python" ] || /usr/bin/python3 -m venv --system-site-packages "$venv"
echo "install-bench-venv: installing bench/requirements*.txt into $venv" >&2
pip=("$venv/bin/pip" install --quiet --disable-pip-version-check)
if ! "${pip[@]}" -r "$requirements" || ! "${pip[@]}" --no-deps -r "$no_deps"; then
  echo "install-bench-venv: pip could not install bench/requirements*.txt from PyPI into $venv" >&2
  exit 1
fi
cat "$requirements" "$no_deps" >"$installed"
