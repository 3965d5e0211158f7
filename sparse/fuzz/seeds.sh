#!/usr/bin/env bash
# Seeds for the Matrix Market reader: R's small example files (when r-cran-matrix is installed,
# wrong.mtx among them) and one inline file per layout, field and symmetry.
# Usage: seeds.sh <corpus-folder> [tessera]
set -euo pipefail
corpus=$1
r_files=/usr/lib/R/library/Matrix/external
for name in jgl009 pores_1 wrong; do
  if [ -f "$r_files/$name.mtx" ]; then cp "$r_files/$name.mtx" "$corpus/r-$name.mtx"; fi
done
seed() { printf '%s' "$2" >"$corpus/$1.mtx"; }
seed real-general $'%%MatrixMarket matrix coordinate real general\n% comment\n3 4 4\n1 1 1.5\n3 4 -2e3\n2 1 .25\n3 4 nan\n'
seed integer-symmetric $'%%MatrixMarket matrix coordinate integer symmetric\n3 3 3\n1 1 7\n3 1 -2\n3 2 9007199254740992\n'
seed real-skew $'%%MatrixMarket matrix coordinate real skew-symmetric\r\n3 3 2\r\n2 1 5e-324\r\n3 2 -inf\r\n'
seed complex-hermitian $'%%MatrixMarket matrix coordinate complex hermitian\n2 2 2\n1 1 5 0\n2 1 2.5 -3\n'
seed pattern-symmetric $'%%MatrixMarket matrix coordinate pattern symmetric\n4 4 3\n2 2\n4 1\n3 2\n'
seed array-real-general $'%%MatrixMarket matrix array real general\n2 3\n1\n0\n-0\n2.5\n-3\n0\n'
seed array-complex-symmetric $'%%MatrixMarket matrix array complex symmetric\n2 2\n1 0\n2 -1\n0 3\n'
seed array-integer-skew $'%%MatrixMarket matrix array integer skew-symmetric\n3 3\n1\n0\n2\n'
