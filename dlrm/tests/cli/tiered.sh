# `tessera dlrm train --cache-fraction`: tables tiered into a RAM cache of 5% of their rows over a
# file on disk train to the weights of tables all in RAM, with LRU and LFU eviction; the store
# reports its hit rate; a cache set too small for a batch and a missing folder are errors.
opts="--tables 4 --pooling 5 --bottom 32,16 --top 32,1 --batch 512 --json"
opts="$opts --train-samples 10240 --test-samples 1024"
field() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }
train() { tessera --threads 1 dlrm train $opts --rows 200000 "$@" 2>/dev/null; }
ram=$(train | field "['weights_sha256']")
for policy in lru lfu; do
  train --cache-fraction 0.05 --cache-policy $policy > $policy.json
  echo "$policy: same weights $([ "$(field "['weights_sha256']" < $policy.json)" = "$ram" ] &&
    echo yes), hit rate in (0, 1): $(field "['store']['hit_rate'] > 0 < 1" < $policy.json)"
done
tessera dlrm train $opts --rows 20000 --cache-fraction 0.05 2>&1 | grep -o "tier config: table 0: .*"
tessera dlrm train $opts --cache-fraction 0.05 --cache-dir missing/folder 2>&1
echo "exit $?"
