#!/usr/bin/env bash
# Installs the Debian packages that tessera needs (scripts/packages.txt), only those missing.
# Usage: scripts/install-deps.sh [group ...]   (default group: build; "all" for every group)
# Quiet when everything is already installed; uses sudo when not run as root.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(build)

wanted=()
while read -r group package; do
  case "$group" in '' | '#'*) continue ;; esac
  for g in "${groups[@]}"; do
    if [ "$g" = all ] || [ "$g" = "$group" ]; then wanted+=("$package"); fi
  done
done <"$here/packages.txt"

missing=()
for package in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
[ ${#missing[@]} -gt 0 ] || exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: apt-get not found; install these packages by hand: ${missing[*]}" >&2
  exit 1
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-deps: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi

echo "install-deps: installing ${#missing[@]} Debian package(s): ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done" >&2
