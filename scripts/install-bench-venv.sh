#!/usr/bin/env bash
# Installs the benchmarks' PyPI peers (bench/requirements.txt, exact versions) into one virtualenv
# made with Debian's python3, so that it also sees Debian's numpy and matplotlib. Quiet when the
# virtualenv already holds this list. `make bench` runs it; benchmark steps only use the result.
# Usage: scripts/install-bench-venv.sh <venv-dir>
set -euo pipefail
venv=${1:?usage: scripts/install-bench-venv.sh <venv-dir>}
requirements="$(cd "$(dirname "$0")/.." && pwd)/bench/requirements.txt"
installed="$venv/requirements.txt"  # the list this virtualenv was made from
if cmp -s "$requirements" "$installed"; then exit 0; fi

[ -x "$venv/bin/python" ] || /usr/bin/python3 -m venv --system-site-packages "$venv"
echo "install-bench-venv: installing bench/requirements.txt into $venv" >&2
if ! "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"; then
  echo "install-bench-venv: pip could not install bench/requirements.txt from PyPI into $venv" >&2
  exit 1
fi
cp "$requirements" "$installed"
