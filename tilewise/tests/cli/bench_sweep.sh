# A sweep of 2 x 3 x 2 = 12 checked cases, one JSON line each; 0.99 of 96 rows keeps one.
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
needs_onednn
tessera tilewise bench --n 64,100 --k 96 --m 8:32:*2 --sparsity 0,0.99 -G 32 --budget 0 \
  --json > bench.jsonl 2>/dev/null || exit
wc -l < bench.jsonl
grep -c '"extra":{"achieved_sparsity":0.98958' bench.jsonl
