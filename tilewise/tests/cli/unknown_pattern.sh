# An unknown pattern is a usage error.
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
npy_weights fc1.npy 16 16 1
tessera tilewise prune -i fc1.npy -o x.npy --pattern diagonal
