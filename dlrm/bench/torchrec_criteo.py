"""TorchRec's DLRM on the samples `tessera dlrm train --dump` wrote (a Criteo file's chronological
split): the same tables, dims, MLP widths and dot interaction (torchrec.models.dlrm.DLRM over an
EmbeddingBagCollection sharded by DistributedModelParallel on one CPU rank, gloo, so that FBGEMM's
fused table-batched kernel applies row-wise AdaGrad in the backward; AdaGrad for the dense layers),
the same learning rate, eps, batch and epochs, the training samples in the same order. Prints one
JSON object: the test AUC (average ranks for ties) and log loss, and the mean training loss of the
last epoch's steps.

Usage: torchrec_criteo.py <samples-folder> [--seed S] [--threads N] [--init torch|dlrm]
                          [--start CHECKPOINT]
  --seed:  PyTorch's seed of the initial weights
  --init:  torch keeps TorchRec's own initialisation (nn.Linear's defaults); dlrm draws the MLPs'
           weights and biases as the DLRM reference implementation (and tessera) do:
           N(0, 2 / (in + out)) and N(0, 1 / out). The tables are U(±1/√rows) either way.
  --start: a checkpoint of `tessera dlrm train --checkpoint` (of this run, within its first
           epoch): its weights and optimizer state, and training goes on from its position, so
           that both implementations train the same weights from there on.
"""
import argparse
import json
import math
import os
import struct

import numpy
import torch
import torch.distributed as dist
from torchrec import EmbeddingBagCollection, EmbeddingBagConfig, KeyedJaggedTensor
from torchrec.distributed import DistributedModelParallel
from torchrec.models.dlrm import DLRM
from torchrec.optim.apply_optimizer_in_backward import apply_optimizer_in_backward
from torchrec.optim.optimizers import in_backward_optimizer_filter
from torchrec.optim.rowwise_adagrad import RowWiseAdagrad


def load(folder, samples, about):
    """One split's dense features (samples, F), ids (tables, samples, pooling) and labels."""
    dense = numpy.fromfile(os.path.join(folder, "dense.f32"), numpy.float32)
    ids = numpy.fromfile(os.path.join(folder, "ids.i64"), numpy.int64)
    labels = numpy.fromfile(os.path.join(folder, "labels.f32"), numpy.float32)
    return (dense.reshape(samples, about["dense_features"]),
            ids.reshape(len(about["rows"]), samples, about["pooling"]), labels)


def features(keys, ids, rows, pooling):
    """The KeyedJaggedTensor of samples `rows` (a slice): every table's bags in turn."""
    values = torch.from_numpy(numpy.ascontiguousarray(ids[:, rows, :]).reshape(-1))
    count = rows.stop - rows.start
    lengths = torch.full((len(keys) * count,), pooling, dtype=torch.int32)
    return KeyedJaggedTensor.from_lengths_sync(keys=keys, values=values, lengths=lengths)


def roc_auc(scores, labels):
    """Area under the ROC curve, tied scores taking their average rank."""
    order = numpy.argsort(scores, kind="mergesort")
    ordered = scores[order]
    ranks = numpy.empty(len(scores))
    start = 0
    while start < len(ordered):
        end = start
        while end + 1 < len(ordered) and ordered[end + 1] == ordered[start]:
            end += 1
        ranks[order[start:end + 1]] = (start + end) / 2 + 1
        start = end + 1
    positives = labels == 1
    p, n = positives.sum(), (~positives).sum()
    return float((ranks[positives].sum() - p * (p + 1) / 2) / (p * n))


def log_loss(logits, labels):
    """Mean binary cross-entropy, probabilities clamped to [1e-7, 1 - 1e-7] as tessera does."""
    p = numpy.clip(1 / (1 + numpy.exp(-logits.astype(numpy.float64))), 1e-7, 1 - 1e-7)
    return float(-numpy.mean(labels * numpy.log(p) + (1 - labels) * numpy.log(1 - p)))


def dlrm_init(model):
    """The DLRM reference implementation's MLP initialisation, in place."""
    for module in model.modules():
        if isinstance(module, torch.nn.Linear):
            fan_out, fan_in = module.weight.shape
            torch.nn.init.normal_(module.weight, 0.0, math.sqrt(2 / (fan_in + fan_out)))
            torch.nn.init.normal_(module.bias, 0.0, math.sqrt(1 / fan_out))


def read_checkpoint(path):
    """The steps taken and the named arrays of a tessera checkpoint (checkpoint.hpp)."""
    data = bytearray(open(path, "rb").read())  # writable: torch.from_numpy warns otherwise
    at = 0

    def varint():
        nonlocal at
        value, shift = 0, 0
        while True:
            byte = data[at]
            at += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return value

    def string():
        nonlocal at
        length = varint()
        at += length
        return data[at - length:at].decode()

    if data[:8] != b"TSDLRMCK" or struct.unpack_from("<I", data, 8)[0] != 1:
        raise SystemExit(f"{path}: not a version 1 tessera DLRM checkpoint")
    at = 12
    string()  # the model config
    epoch, _, steps, arrays = struct.unpack_from("<qqqI", data, at)
    if epoch != 0:
        raise SystemExit(f"{path}: taken after the first epoch")
    at += 28
    named = {}
    for _ in range(arrays):
        name = string()
        count = struct.unpack_from("<Q", data, at)[0]
        named[name] = numpy.frombuffer(data, numpy.float32, count, at + 8)
        at += 8 + 4 * count
    return steps, named


def pair_order(tables, dim):
    """For each input of tessera's top MLP, the index of that value in TorchRec's interaction:
    both begin with the dense vector; tessera's pairs are (j, i) for i = 1..F, j < i, TorchRec's
    the upper triangle of the (F + 1)² dot products, row by row."""
    upper = {(a, b): k for k, (a, b) in enumerate(
        (a, b) for a in range(tables + 1) for b in range(a + 1, tables + 1))}
    return list(range(dim)) + [dim + upper[j, i] for i in range(1, tables + 1) for j in range(i)]


def reorder(matrix, order):
    """`matrix` with its column k moved to column order[k]."""
    moved = numpy.empty_like(matrix)
    moved[:, order] = matrix
    return moved


def linears(model):
    """The DLRM's Linear layers in tessera's order: the bottom MLP's, then the top's."""
    bottom = [layer._linear for layer in model.dense_arch.model._mlp]
    top = [layer._linear for layer in model.over_arch.model[0]._mlp]
    return bottom + top + [model.over_arch.model[1]]


def start_from(named, model, about):
    """Copies tessera's MLP weights into `model` (before sharding); returns, per Linear layer, its
    weights' and biases' AdaGrad state."""
    bottom = len(about["bottom_mlp"])
    order = pair_order(len(about["rows"]), about["bottom_mlp"][-1])
    states = []
    for index, linear in enumerate(linears(model)):
        name = f"bottom.{index}" if index < bottom else f"top.{index - bottom}"
        out, into = linear.weight.shape
        weight, weight_state = (named[f"{name}.weight{part}"].reshape(into, out).T
                                for part in ("", ".state"))
        if index == bottom:  # the interaction's values, in TorchRec's order
            weight, weight_state = (reorder(m, order) for m in (weight, weight_state))
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(numpy.ascontiguousarray(weight)))
            linear.bias.copy_(torch.from_numpy(named[f"{name}.bias"]))
        states.append((linear, numpy.ascontiguousarray(weight_state), named[f"{name}.bias.state"]))
    return states


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--init", choices=("torch", "dlrm"), default="torch")
    parser.add_argument("--start")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    about = json.load(open(os.path.join(args.folder, "samples.json")))
    if about["optimizer"] != "rowwise-adagrad" or about["bag_pooling"] != "sum":
        raise SystemExit("torchrec_criteo.py: needs --optimizer rowwise-adagrad, sum pooling")
    train = load(os.path.join(args.folder, "train"), about["train_samples"], about)
    test = load(os.path.join(args.folder, "test"), about["test_samples"], about)

    # One rank: an in-process store, no port.
    dist.init_process_group("gloo", store=dist.HashStore(), rank=0, world_size=1)
    dim = about["bottom_mlp"][-1]
    keys = [f"t{t}" for t in range(len(about["rows"]))]
    ebc = EmbeddingBagCollection(
        tables=[
            EmbeddingBagConfig(name=k, embedding_dim=dim, num_embeddings=rows, feature_names=[k])
            for k, rows in zip(keys, about["rows"])
        ],
        device=torch.device("meta"),
    )
    model = DLRM(embedding_bag_collection=ebc, dense_in_features=about["dense_features"],
                 dense_arch_layer_sizes=about["bottom_mlp"],
                 over_arch_layer_sizes=about["top_mlp"])
    if args.init == "dlrm":
        dlrm_init(model)
    first_step, named = read_checkpoint(args.start) if args.start else (0, None)
    states = start_from(named, model, about) if named else []
    lr, eps = about["learning_rate"], about["eps"]
    apply_optimizer_in_backward(RowWiseAdagrad, model.sparse_arch.parameters(),
                                {"lr": lr, "eps": eps})
    model = DistributedModelParallel(model, device=torch.device("cpu"))
    dense_optimizer = torch.optim.Adagrad(
        dict(in_backward_optimizer_filter(model.named_parameters())).values(), lr=lr, eps=eps)
    for linear, weight_state, bias_state in states:
        dense_optimizer.state[linear.weight]["sum"].copy_(torch.from_numpy(weight_state))
        dense_optimizer.state[linear.bias]["sum"].copy_(torch.from_numpy(bias_state))
    if named:
        tables = model.module.sparse_arch.embedding_bag_collection._lookups[0]._emb_modules[0]
        tables = tables._emb_module
        for t, (weights, state) in enumerate(
                zip(tables.split_embedding_weights(), tables.split_optimizer_states())):
            weights.copy_(torch.from_numpy(named[f"table.{t}"].reshape(weights.shape)))
            state[0].copy_(torch.from_numpy(named[f"table.{t}.state"]))
    loss_fn = torch.nn.BCEWithLogitsLoss()

    batch, pooling = about["batch"], about["pooling"]
    dense, ids, labels = train
    steps = []
    for start in range(0, about["train_samples"], batch):
        rows = slice(start, min(start + batch, about["train_samples"]))
        steps.append((torch.from_numpy(dense[rows]), features(keys, ids, rows, pooling),
                      torch.from_numpy(labels[rows])))
    for epoch in range(about["epochs"]):
        loss_sum, trained = 0.0, 0
        for d, kjt, y in steps[first_step if epoch == 0 else 0:]:
            dense_optimizer.zero_grad()
            loss = loss_fn(model(d, kjt).squeeze(-1), y)
            loss.backward()
            dense_optimizer.step()
            loss_sum += loss.item() * len(y)
            trained += len(y)

    dense, ids, labels = test
    model.eval()
    with torch.no_grad():
        logits = model(torch.from_numpy(dense),
                       features(keys, ids, slice(0, about["test_samples"]), pooling))
    logits = logits.squeeze(-1).numpy()
    print(json.dumps({"peer": "torchrec", "torch": torch.__version__, "seed": args.seed,
                      "init": args.init, "train_loss": loss_sum / trained,
                      "test_samples": about["test_samples"], "test_auc": roc_auc(logits, labels),
                      "test_log_loss": log_loss(logits, labels)}))
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
