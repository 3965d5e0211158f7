#!/usr/bin/env bash
# Seeds for the structure reader: generated shapes written by `tessera amoebot shape`, and small
# texts with comments, CRLF, tabs, negative and large coordinates, a repeated node and a node apart.
# Usage: seeds.sh <corpus-folder> <tessera>
set -euo pipefail
corpus=$1
tessera=$2
for shape in hexagon:2 triangle:3 line:5 blob:40 holes:120 comb:2; do
  "$tessera" amoebot shape "$shape" -o "$corpus/${shape/:/-}.txt"
done
printf '# a comment\r\n0 0\r\n1 0\r\n\r\n1\t-1\r\n' >"$corpus/crlf.txt"
printf '%s\n' '-2147483648 0' '2147483647 5' >"$corpus/extremes.txt"
printf '0 0\n0 1\n0 0\n' >"$corpus/repeated.txt"
printf '0 0\n2 0' >"$corpus/apart.txt"
