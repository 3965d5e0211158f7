# A sparsity of 1 leaves nothing to time: a usage error.
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
needs_onednn
tessera tilewise bench --sparsity 1
