# Only tile-wise patterns pack into .tw: vw to a .tw output is a usage error, and writes nothing.
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
npy_weights fc1.npy 16 16 1
tessera tilewise prune -i fc1.npy -o x.tw --pattern vw
code=$?
ls
exit $code
