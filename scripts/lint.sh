#!/usr/bin/env bash
# `make lint`: clang-tidy on the C++ sources changed since the main branch (or all, with --all).
# Usage: scripts/lint.sh <build-dir> [--all]
set -euo pipefail
build=${1:?usage: scripts/lint.sh <build-dir> [--all]}
if [ "${2:-}" = --all ]; then
  files=$(git ls-files '*.cpp')
else
  base=$(git merge-base HEAD origin/main 2>/dev/null || git rev-list --max-parents=0 HEAD | tail -n1)
  files=$( (git diff --name-only --diff-filter=AM "$base"; git ls-files --others --exclude-standard) |
    grep -E '\.cpp$' | sort -u || true)
fi
[ -n "$files" ] || { echo "lint: no changed C++ sources"; exit 0; }
echo "lint: clang-tidy on $(echo "$files" | wc -l) file(s)"
echo "$files" | xargs clang-tidy -p "$build" --quiet
