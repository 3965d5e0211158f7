# Two inputs and one output is a usage error, and writes nothing.
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
npy_weights fc1.npy 16 16 1
npy_weights fc2.npy 16 8 2
tessera tilewise prune -i fc1.npy -i fc2.npy -o x.npy
code=$?
ls
exit $code
