# `tessera dlrm train --ranks N` (hybrid parallel over MPI): with table-wise, column-wise and
# data-parallel tables, 1, 2 and 4 ranks end with the same weights; a run checkpointed on 2 ranks
# resumes on 4 and ends there too; the planner's plan trains (without the splits that row-wise
# AdaGrad and mean pooling rule out); 16-bit payloads halve the bytes sent and keep the AUC; runs
# that cannot be world-size invariant, or place tables that the model cannot train, are refused.
require_component MPI
data="--tables 4 --rows 2000 --pooling 5 --train-samples 4096 --test-samples 2048 --json"
opts="$data --bottom 32,16 --top 32,1 --batch 512"
field() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }
train() { tessera --threads 1 dlrm train $opts "$@" 2>/dev/null; }
for sharding in table_wise column_wise data_parallel; do
  for ranks in 1 2 4; do
    train --ranks $ranks --sharding $sharding --optimizer adagrad --world-size-invariant \
      > $sharding.$ranks.json
  done
  same=yes
  for ranks in 2 4; do
    [ "$(field "['weights_sha256']" < $sharding.$ranks.json)" = \
      "$(field "['weights_sha256']" < $sharding.1.json)" ] || same=no
  done
  echo "$sharding: same weights on 1, 2 and 4 ranks: $same"
done
train --ranks 2 --sharding column_wise --optimizer adagrad --world-size-invariant \
  --checkpoint run.ckpt --max-steps 3 > /dev/null
train --ranks 4 --sharding column_wise --optimizer adagrad --world-size-invariant \
  --resume run.ckpt > resumed.json
echo "stopped on 2 ranks, resumed on 4: same weights" \
  "$([ "$(field "['weights_sha256']" < resumed.json)" = \
       "$(field "['weights_sha256']" < column_wise.1.json)" ] && echo yes)"
train --ranks 2 --bag-pooling mean > auto.json
echo "the planner's plan on 2 ranks: trains $(field "['test_auc'] > 0.55" < auto.json)"
for comm in bf16 fp16; do
  train --ranks 2 --sharding table_wise --optimizer adagrad --comm $comm --loss-scale 1024 \
    > $comm.json
  python3 - table_wise.2.json $comm.json <<'PY'
import json, sys
full, half = (json.load(open(f)) for f in sys.argv[1:])
ratio = {k: half["bytes_per_step"][k] / full["bytes_per_step"][k] for k in ("pooled", "gradients", "dense")}
print(half["comm"]["forward"], "payloads: bytes x", sorted(set(round(r, 3) for r in ratio.values())),
      "AUC within 0.002:", abs(half["test_auc"] - full["test_auc"]) <= 0.002)
PY
done
train --ranks 2 --comm bf16 --world-size-invariant
echo "exit $?"
train --ranks 2 --sharding row_wise --world-size-invariant
echo "exit $?"
tessera --threads 1 dlrm train $opts --ranks 2 --sharding row_wise --bag-pooling mean 2>&1 |
  grep -o "plan table 0 (table0): row blocks need sum pooling.*" | head -1
tessera --threads 1 dlrm bench --ranks 2 --tables 3 --rows 1000 --pooling 4 --batch 256 --steps 2 \
  --warmup 1 --bottom 16,8 --top 16,1 --json 2>/dev/null > bench.json
echo "bench over $(field "['ranks']" < bench.json) ranks with the planner's plan: pooled bytes" \
  "$(field "['bytes_per_step']['pooled'] > 0" < bench.json)"
