"""TorchRec beside tessera: DLRM training throughput on the batches `tessera dlrm bench --dump`
wrote, with TorchRec's DLRM (torchrec.models.dlrm) and its fused EmbeddingBagCollection (FBGEMM's
table-batched embedding, row-wise AdaGrad applied in the backward, as TorchRec trains tables),
sharded by DistributedModelParallel on one CPU rank (gloo); the dense layers take AdaGrad, as in
tessera. Prints one JSON object: the median step time and every step's loss.

Usage: torchrec_peer.py <batches-folder> <threads>
"""
import json
import os
import statistics
import sys
import time

import numpy
import torch
import torch.distributed as dist
from torchrec import EmbeddingBagCollection, EmbeddingBagConfig, KeyedJaggedTensor
from torchrec.distributed import DistributedModelParallel
from torchrec.models.dlrm import DLRM
from torchrec.optim.optimizers import in_backward_optimizer_filter
from torchrec.optim.apply_optimizer_in_backward import apply_optimizer_in_backward
from torchrec.optim.rowwise_adagrad import RowWiseAdagrad


def main():
    folder, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    about = json.load(open(os.path.join(folder, "batches.json")))
    steps = about["steps"]
    batch, tables, pooling = about["batch"], about["tables"], about["pooling"]
    samples = steps * batch
    dense = numpy.fromfile(os.path.join(folder, "dense.f32"), numpy.float32)
    dense = dense.reshape(samples, about["dense_features"])
    ids = numpy.fromfile(os.path.join(folder, "ids.i64"), numpy.int64)
    ids = ids.reshape(tables, samples, pooling)
    labels = numpy.fromfile(os.path.join(folder, "labels.f32"), numpy.float32)

    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    os.environ.setdefault("MASTER_PORT", "29517")
    dist.init_process_group("gloo", rank=0, world_size=1)
    dim = about["bottom_mlp"][-1]
    keys = [f"t{t}" for t in range(tables)]
    ebc = EmbeddingBagCollection(
        tables=[
            EmbeddingBagConfig(name=k, embedding_dim=dim, num_embeddings=about["rows"],
                               feature_names=[k])
            for k in keys
        ],
        device=torch.device("meta"),
    )
    model = DLRM(embedding_bag_collection=ebc, dense_in_features=about["dense_features"],
                 dense_arch_layer_sizes=about["bottom_mlp"],
                 over_arch_layer_sizes=about["top_mlp"])
    lr = about["learning_rate"]
    apply_optimizer_in_backward(RowWiseAdagrad, model.sparse_arch.parameters(), {"lr": lr})
    model = DistributedModelParallel(model, device=torch.device("cpu"))
    dense_optimizer = torch.optim.Adagrad(
        dict(in_backward_optimizer_filter(model.named_parameters())).values(), lr=lr)
    loss_fn = torch.nn.BCEWithLogitsLoss()

    lengths = torch.full((tables * batch,), pooling, dtype=torch.int32)
    prepared = []
    for s in range(steps):
        rows = slice(s * batch, (s + 1) * batch)
        values = torch.from_numpy(numpy.ascontiguousarray(ids[:, rows, :]).reshape(-1))
        prepared.append((torch.from_numpy(dense[rows]),
                         KeyedJaggedTensor.from_lengths_sync(keys=keys, values=values,
                                                             lengths=lengths),
                         torch.from_numpy(labels[rows])))
    seconds, losses = [], []
    for d, kjt, y in prepared:
        start = time.perf_counter()
        dense_optimizer.zero_grad()
        logits = model(d, kjt).squeeze(-1)
        loss = loss_fn(logits, y)
        loss.backward()
        dense_optimizer.step()
        seconds.append(time.perf_counter() - start)
        losses.append(loss.item())
    timed = seconds[about["warmup"]:]
    median = statistics.median(timed)
    print(json.dumps({"peer": "torchrec", "torch": torch.__version__, "threads": threads,
                      "median_step_s": median, "samples_per_second": batch / median,
                      "losses": losses}))
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
