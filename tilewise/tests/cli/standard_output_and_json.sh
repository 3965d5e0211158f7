# --json and -o - would both print to standard output: a usage error, and nothing is written.
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
npy_weights fc1.npy 16 16 1
tessera tilewise prune -i fc1.npy -o - --json
