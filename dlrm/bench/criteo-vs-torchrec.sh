#!/usr/bin/env bash
# Test AUC of tessera's DLRM against TorchRec's (torchrec_criteo.py) on a Criteo file's
# chronological split (the last 20% tested): `tessera dlrm train --dump` writes the preprocessed
# samples and the config once, then each seed trains tessera (--seed: its initial weights) and
# TorchRec (PyTorch's seed) on the same samples in the same order: 13-64-16 / 64-1, 26 tables of
# 100,000 hashed rows, d16, batch 128, row-wise AdaGrad (AdaGrad for the MLPs), lr 0.02. TorchRec
# runs three times: with its own initialisation, with the DLRM reference's (tessera's
# distributions, its own draw), and from tessera's checkpoint after tessera's first step (the same
# weights from there on: the implementations compared alone). One thread each. Prints a markdown
# table, then each side's mean ± sd and the differences of the means with their standard errors.
# Usage: criteo-vs-torchrec.sh <tessera> <python with torchrec> <criteo file> [seeds] [epochs]
set -euo pipefail
tessera=$1
python=$2
criteo=$3
seeds=${4:-10}
epochs=${5:-1}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMP_NUM_THREADS=1
train() {
  "$tessera" --threads 1 dlrm train --criteo "$criteo" --bottom 64,16 --top 64,1 --batch 128 \
    --lr 0.02 --hash-rows 100000 --epochs "$epochs" --json "$@" 2>/dev/null
}
torchrec() {
  "$python" "$here/torchrec_criteo.py" "$work/samples" "$@" 2>/dev/null
}
train --dump "$work/samples" >/dev/null
for seed in $(seq "$seeds"); do
  train --seed "$seed" >"$work/tessera-$seed.json"
  train --seed "$seed" --max-steps 1 --checkpoint "$work/step1.ckpt" >/dev/null
  torchrec --seed "$seed" --init torch >"$work/torchrec-$seed.json"
  torchrec --seed "$seed" --init dlrm >"$work/dlrm-init-$seed.json"
  torchrec --start "$work/step1.ckpt" >"$work/same-weights-$seed.json"
  rm "$work/step1.ckpt"
done
"$python" - "$work" "$seeds" <<'PY'
import json, math, sys
import numpy
work, seeds = sys.argv[1], int(sys.argv[2])
sides = {"tessera": "tessera", "TorchRec": "torchrec", "TorchRec, DLRM init": "dlrm-init",
         "TorchRec from tessera's step 1": "same-weights"}
runs = {name: [json.load(open(f"{work}/{prefix}-{s}.json")) for s in range(1, seeds + 1)]
        for name, prefix in sides.items()}
print("| seed | " + " | ".join(f"{n} AUC" for n in sides) + " | "
      + " | ".join(f"{n} log loss" for n in sides) + " |")
print("|---:" * (1 + 2 * len(sides)) + "|")
for s in range(seeds):
    print(f"| {s + 1} | " + " | ".join(f"{runs[n][s]['test_auc']:.4f}" for n in sides) + " | "
          + " | ".join(f"{runs[n][s]['test_log_loss']:.4f}" for n in sides) + " |")
stats = {}
for n in sides:
    for metric in ("test_auc", "test_log_loss"):
        values = numpy.array([r[metric] for r in runs[n]])
        stats[n, metric] = values, values.mean(), values.std(ddof=1) if seeds > 1 else math.nan
print()
for n in sides:
    (_, auc, auc_sd), (_, loss, loss_sd) = stats[n, "test_auc"], stats[n, "test_log_loss"]
    print(f"- {n}: AUC {auc:.4f} ± {auc_sd:.4f}, log loss {loss:.4f} ± {loss_sd:.4f} "
          f"(mean ± sd over {seeds} seeds)")
for peer in ("TorchRec", "TorchRec, DLRM init"):
    (_, a, a_sd), (_, b, b_sd) = stats["tessera", "test_auc"], stats[peer, "test_auc"]
    se = math.sqrt((a_sd ** 2 + b_sd ** 2) / seeds)
    print(f"- tessera − {peer}: AUC {a - b:+.4f} (standard error {se:.4f}; "
          f"within ±0.005: {abs(a - b) <= 0.005})")
for metric in ("test_auc", "test_log_loss"):
    gap = numpy.abs(stats["tessera", metric][0]
                    - stats["TorchRec from tessera's step 1", metric][0]).max()
    print(f"- tessera against TorchRec from its weights after step 1: largest {metric} gap "
          f"{gap:.1e}")
first = runs["tessera"][0]
print(f"- {first['test_samples']} test samples; tessera on {first['cpu']}")
PY
