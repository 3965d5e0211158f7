# Every option of the study is checked before the data is read or any training starts.
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
needs_onednn
tessera tilewise study --lr nan; echo "exit $?"
tessera tilewise study --fine-tune-lr -1; echo "exit $?"
tessera tilewise study --patterns tw,bogus; echo "exit $?"
tessera tilewise study -G 0; echo "exit $?"
tessera tilewise study --steps 0; echo "exit $?"
