# float64 weights fail (exit 1) naming the file and its dtype, and write nothing.
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
npy_weights f64.npy 4 4 3 "<f8"
tessera tilewise prune -i f64.npy -o x.npy
code=$?
ls
exit $code
