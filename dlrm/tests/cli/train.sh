# `tessera dlrm train` on a small synthetic stream: it learns (test AUC well above chance, within
# reach of the oracle's), its result is the same bytes for the same seed, and bad options and
# inputs fail with a clear message and exit code.
train() {
  tessera dlrm train --tables 3 --rows 500 --pooling 2 --bottom 16,8 --top 16,1 --batch 256 \
    --train-samples 20000 --test-samples 5000 --lr 0.05 --json "$@" 2>/dev/null
}
train > a.json
train > b.json
python3 - a.json b.json <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
print("steps", a["steps"], "train samples", a["train_samples"], "test samples", a["test_samples"])
print("learns", a["test_auc"] > 0.65 and a["oracle_auc"] - a["test_auc"] < 0.15)
same = all(a[k] == b[k] for k in ("train_loss", "test_auc", "test_log_loss"))
print("same result for the same seed", same)
PY
tessera dlrm train --optimizer adam --train-samples 10
echo "exit $?"
tessera dlrm train --criteo missing.csv
echo "exit $?"
printf 'label,I1\n1,2\n' > short.csv
tessera dlrm train --criteo short.csv
echo "exit $?"
