# --sparsities takes the sweep syntax; values outside [0, 1] are a usage error before any training.
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
needs_onednn
tessera tilewise study --sparsities 0.5:1.5:0.5
