# `tessera dlrm train --checkpoint/--resume`: runs stopped after 7 and after 25 steps (inside the
# first and the second epoch) and resumed from their last checkpoints end with the weights of the
# uninterrupted run; `eval` of the final checkpoint gives the test AUC that `train` reported; a
# damaged checkpoint is refused.
data="--tables 3 --rows 500 --pooling 2 --train-samples 5120 --test-samples 1000 --json"
opts="$data --bottom 16,8 --top 16,1 --batch 256 --epochs 2"
field() { python3 -c "import json, sys; print(json.load(sys.stdin)['$1'])"; }
sha() { field weights_sha256; }
tessera dlrm train $opts --checkpoint final.ckpt 2>/dev/null > whole.json
whole=$(sha < whole.json)
tessera dlrm eval final.ckpt $data > eval.json
echo "eval: same weights $([ "$(sha < eval.json)" = "$whole" ] && echo yes)," \
  "same AUC $([ "$(field test_auc < eval.json)" = "$(field test_auc < whole.json)" ] && echo yes)"
for stop in 7 25; do
  tessera dlrm train $opts --checkpoint run.ckpt --checkpoint-every 3 --max-steps $stop \
    >/dev/null 2>&1
  resumed=$(tessera dlrm train $opts --resume run.ckpt 2>/dev/null | sha)
  echo "stopped after $stop steps, resumed: same weights $([ "$resumed" = "$whole" ] && echo yes)"
done
printf 'X' | dd of=run.ckpt bs=1 seek=200 conv=notrunc 2>/dev/null
tessera dlrm train $opts --resume run.ckpt
echo "exit $?"
