# Without --json, one table line per case, over the swept thread counts.
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
needs_onednn
tessera tilewise bench --n 64 --k 64 --m 16 --sparsity 0.5 --thread-sweep 1,2 --budget 0
