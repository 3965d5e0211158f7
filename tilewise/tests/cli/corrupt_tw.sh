# A cut .tw fails its checksum (exit 1) naming the file, in info and as prune's input; prune
# writes no partial output.
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
npy_weights fc1.npy 64 64 1
tessera tilewise prune -i fc1.npy -o fc1.tw --sparsity 0.5 -G 32 2>/dev/null || exit
head -c 100 fc1.tw > cut.tw
tessera tilewise info cut.tw
echo "info: $?"
tessera tilewise prune -i fc1.npy -i cut.tw -o a.npy -o b.npy
code=$?
ls
exit $code
