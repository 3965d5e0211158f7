#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time from a corpus that the target's own seed script
# writes (each subsystem's fuzz/seeds.sh), so every decoder starts from valid inputs of its format.
# Usage: run_fuzzer.sh <fuzzer> <seconds> <seed-script> <tessera>
#   the seed script is called as: <seed-script> <corpus-folder> <tessera>
set -euo pipefail
fuzzer=$1 seconds=$2 seeds=$3 tessera=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus"
"$seeds" "$work/corpus" "$tessera"
[ -n "$(ls -A "$work/corpus")" ] || { echo "run_fuzzer: $seeds wrote no seeds" >&2; exit 1; }
"$fuzzer" -max_total_time="$seconds" -seed=1 -rss_limit_mb=2048 -print_final_stats=1 \
  "$work/corpus" 2>&1 | tail -n 12
