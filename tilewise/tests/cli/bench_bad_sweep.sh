# A range without its step is a usage error naming the flag.
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
needs_onednn
tessera tilewise bench --m 1:2
