# --tune searches each case's cache blocking and appends every measurement and the best to
# --tuning-log; a second run starts warm from the log, and without --tune the log's schedule is
# used.
source "$TESSERA_SOURCE_DIR/tilewise/tests/cli/tilewise.bash"
needs_onednn
tessera tilewise bench --n 200 --k 600 --m 40 --sparsity 0.5 --budget 0 --tune --trials 4 \
  --search random --tuning-log tw.jsonl 2>/dev/null | grep -o 'schedule .*'
echo "tw.jsonl: $(wc -l < tw.jsonl) lines, $(grep -c '"final":true' tw.jsonl) final"
tessera tilewise bench --n 200 --k 600 --m 40 --sparsity 0.5 --budget 0 --tune --trials 4 \
  --tuning-log tw.jsonl 2>/dev/null | grep -o 'schedule .*'
tessera tilewise bench --n 200 --k 600 --m 40 --sparsity 0.5 --budget 0 --tuning-log tw.jsonl \
  2>/dev/null | grep -o 'schedule .*'
tessera tilewise bench --n 200 --k 600 --m 41 --sparsity 0.5 --budget 0 --tuning-log tw.jsonl \
  2>/dev/null | grep -o 'schedule .*'
tessera tilewise bench --n 200 --k 600 --m 40 --trials 0
echo "exit $?"
