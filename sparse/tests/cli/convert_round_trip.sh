# A real matrix through .tsp in BCSR, .npz in CSC and back to .mtx keeps every entry: the two
# Matrix Market texts written from COO are identical, and info reads each file.
data_input m sparse jgl009
tessera sparse convert -i "$m" -o a.mtx 2>/dev/null || exit
tessera sparse convert -i "$m" --to bcsr:2x3 -o b.tsp 2>/dev/null || exit
tessera sparse convert -i b.tsp --to csc -o c.npz 2>/dev/null || exit
tessera sparse convert -i c.npz -o d.mtx 2>/dev/null || exit
cmp a.mtx d.mtx && echo "same entries"
for f in b.tsp c.npz; do tessera sparse info "$f" | head -1; done
