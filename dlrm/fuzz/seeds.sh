#!/usr/bin/env bash
# Seeds for the Criteo reader: small CSV and raw TSV texts written here (missing fields, "1.0"
# integers, negative values, uppercase and short hex, CRLF, stripped trailing tabs, no final
# newline) and, when the shared data folder exists, the first lines of its two Criteo files.
# Usage: seeds.sh <corpus-folder> <tessera>
set -euo pipefail
corpus=$1
header=label,I1,I2,I3,I4,I5,I6,I7,I8,I9,I10,I11,I12,I13,C1,C2,C3,C4,C5,C6,C7,C8,C9,C10,C11,C12
header=$header,C13,C14,C15,C16,C17,C18,C19,C20,C21,C22,C23,C24,C25,C26
# The rows are made up in Criteo's shape, not taken from its files.
row1=0,1.0,3,7.0,0.0,1024.0,2.0,11.0,4.0,96.0,1.0,3.0,,5.0,1a2b3c4d,5e6f7a8b,9c0d1e2f,3a4b5c6d
row1=$row1,7e8f9a0b,1c2d3e4f,5a6b7c8d,9e0f1a2b,3c4d5e6f,7a8b9c0d,1e2f3a4b,5c6d7e8f,9a0b1c2d
row1=$row1,3e4f5a6b,7c8d9e0f,1b2c3d4e,5f6a7b8c,9d0e1f2a,3b4c5d6e,7f8a9b0c,1d2e3f4a,,5b6c7d8e
row1=$row1,9f0a1b2c,3d4e5f6a,7b8c9d0e
row2=1,,-1,,,2048.0,,0.0,0.0,0.0,,0.0,,,0A1B2C3D,4e5f6a7b,8C9D0E1F,2a3b4c5d,1f,6e7f8a9b,0c1d2e3f
row2=$row2,b,4a5b6c7d,8e9f0a1b,2c3d4e5f,6a7b8c9d,0e1f2a3b,4c5d6e7f,8a9b0c1d,2e3f4a5b,6c7d8e9f
row2=$row2,0a1b2c3d,,,4e5f6a7b,8c9d0e1f,2a3b4c5d,6e7f8a9b,,
tabs() { printf '%s' "$1" | tr , '\t'; }
seed() { printf '%s' "$2" >"$corpus/$1"; }
seed csv-lf.csv "$header"$'\n'"$row1"$'\n'"$row2"$'\n'
seed csv-crlf.csv "$header"$'\r\n'"$row1"$'\r\n'"$row2"
seed raw-tabs.tsv "$(tabs "$row1")"$'\n'"$(tabs "$row2")"$'\n'
seed raw-stripped.tsv "$(tabs "$row1")"$'\n'"$(tabs "$row2" | sed 's/\t*$//')"
seed raw-crlf.tsv "$(tabs "$row2")"$'\r\n'"$(tabs "$row1")"
shared=${TESSERA_SHARED_DATA:-$(dirname "$0")/../../../shared/data}/criteo
if [ -d "$shared" ]; then
  head -n 8 "$shared/criteo_sample_10k.csv" >"$corpus/shared-head.csv"
  head -n 8 "$shared/criteo_raw_1k.tsv" >"$corpus/shared-head.tsv"
fi
