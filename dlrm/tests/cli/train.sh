# `tessera dlrm train` on a small synthetic stream: it learns (test AUC well above chance, within
# reach of the oracle's), its result is the same bytes for the same seed and for each instruction
# set's build of the embedding kernels, --dump writes the samples and config it says, and bad
# options and inputs fail with a clear message and exit code.
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
weights() { python3 -c "import json, sys; print(json.load(sys.stdin)['weights_sha256'])"; }
same=yes
for isa in scalar avx2; do
  [ "$(TESSERA_ISA=$isa train --bag-pooling mean | weights)" = "$(train --bag-pooling mean | weights)" ] ||
    same=no
done
echo "the scalar and AVX2 builds of the embedding kernels give this machine's weights: $same"
tessera dlrm train --tables 3 --rows 500 --pooling 2 --bottom 16,8 --top 16,1 --train-samples 1000 \
  --test-samples 300 --dump dump --json 2>/dev/null > /dev/null
python3 - dump <<'PY'
import json, os, sys
about = json.load(open(os.path.join(sys.argv[1], "samples.json")))
sizes = {}
for split in ("train", "test"):
    n, tables = about[f"{split}_samples"], len(about["rows"])
    want = {"dense.f32": n * about["dense_features"] * 4, "labels.f32": n * 4,
            "ids.i64": tables * n * about["pooling"] * 8}
    sizes[split] = all(os.path.getsize(os.path.join(sys.argv[1], split, k)) == v
                       for k, v in want.items())
print("dump", about["train_samples"], about["test_samples"], about["bottom_mlp"], about["top_mlp"],
      about["optimizer"], about["batch"], about["epochs"], "sizes match", sizes)
PY
tessera dlrm train --optimizer adam --train-samples 10
echo "exit $?"
tessera dlrm train --criteo missing.csv
echo "exit $?"
printf 'label,I1\n1,2\n' > short.csv
tessera dlrm train --criteo short.csv
echo "exit $?"
cat > run.json <<'JSON'
{"tables": 3, "rows": 500, "pooling": 2, "train-samples": 2048, "test-samples": 512,
 "bottom": [16, 8], "top": [16, 1], "batch": 256, "json": true}
JSON
from_file=$(tessera dlrm train --config run.json 2>/dev/null |
  python3 -c "import json, sys; print(json.load(sys.stdin)['weights_sha256'])")
from_flags=$(tessera dlrm train --tables 3 --rows 500 --pooling 2 --train-samples 2048 \
  --test-samples 512 --bottom 16,8 --top 16,1 --batch 256 --json 2>/dev/null |
  python3 -c "import json, sys; print(json.load(sys.stdin)['weights_sha256'])")
echo "--config gives the weights of the same flags: $([ "$from_file" = "$from_flags" ] && echo yes)"
echo "flags win over the file: $(tessera dlrm train --config run.json --batch 128 2>/dev/null |
  python3 -c "import json, sys; print(json.load(sys.stdin)['steps'])") steps"
echo '{"tabels": 3}' > typo.json
tessera dlrm train --config typo.json
echo "exit $?"
