# A sparsity above 1 is a usage error naming --sparsity, and writes nothing.
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
npy_weights fc1.npy 16 16 1
tessera tilewise prune -i fc1.npy -o x.npy --sparsity 1.5
code=$?
ls
exit $code
