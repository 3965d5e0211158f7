"""TorchRec's own sharding planner on tessera's table statistics: builds the tables of a
`tessera dlrm plan` statistics file as EmbeddingBagConfigs on the meta device (nothing is
allocated), the same topology as a TorchRec Topology, runs EmbeddingShardingPlanner.plan on this
one process and writes its ShardingPlan as a tessera plan JSON (strategy "torchrec"), which
`tessera dlrm plan STATS --rate PLAN` rates with tessera's cost model. `rate` gives TorchRec's own
estimate (its EmbeddingPerfEstimator and NoopPerfModel: the largest per-rank sum) of any plan.

The topology is the statistics file's (ranks, ranks_per_node or min(8, ranks) as tessera takes it,
memory_per_rank_bytes, the global batch_size, optimizer, bandwidths), or, with --topology, that of
a tessera plan of the same tables: the bandwidths tessera resolved (measured or assumed) are stored
there. TorchRec's Topology is a "cuda" one (its planner enumerates row_wise and table_row_wise only
for cuda; planning needs no GPU): hbm_cap = ddr_cap = the memory per rank, hbm_mem_bw = the memory
bandwidth, intra_host_bw = the intra-node one, inter_host_bw = the all-to-all one (TorchRec has no
allreduce bandwidth: its data-parallel estimate takes inter_host_bw); its batch is the per-rank
batch (global / ranks). Each table may take table_wise, row_wise, column_wise,
data_parallel or table_row_wise, with the fused kernel (data_parallel: TorchRec's dense one). The
storage reservation is TorchRec's heuristic (KJT and dense storage) with --reserve of the memory
kept back (0 by default, so both planners have the same cap; TorchRec's default is 0.15).

Usage:
  torchrec_planner.py plan STATS [--topology PLAN] [--reserve F] [--min-partition N] -o OUT
  torchrec_planner.py rate STATS PLAN
Both print one JSON line: TorchRec's estimate of the plan (makespan_s, mean_s, imbalance), and
for `plan` its planning time. `plan` exits with status 3 and {"error": ...} when TorchRec's
planner finds no plan (e.g. the tables do not fit).
"""
import argparse
import json
import sys
import time

import torch
from torchrec import EmbeddingBagCollection, EmbeddingBagConfig
from torchrec.distributed.embedding_types import EmbeddingComputeKernel
from torchrec.distributed.embeddingbag import EmbeddingBagCollectionSharder
from torchrec.distributed.planner import EmbeddingShardingPlanner, ParameterConstraints, Topology
from torchrec.distributed.planner.shard_estimators import EmbeddingPerfEstimator
from torchrec.distributed.planner.storage_reservations import HeuristicalStorageReservation
from torchrec.distributed.planner.types import PlannerError
from torchrec.distributed.types import ShardingType
from torchrec.optim.rowwise_adagrad import RowWiseAdagrad

SHARDING_TYPES = [ShardingType.TABLE_WISE.value, ShardingType.ROW_WISE.value,
                  ShardingType.COLUMN_WISE.value, ShardingType.DATA_PARALLEL.value,
                  ShardingType.TABLE_ROW_WISE.value]
# TorchRec's optimizer classes for its storage estimate (row-wise AdaGrad: 1/dim of the table).
OPTIMIZERS = {"rowwise-adagrad": RowWiseAdagrad, "adagrad": torch.optim.Adagrad,
              "sgd": torch.optim.SGD}
BANDWIDTHS = ["memory_bytes_per_s", "alltoall_bytes_per_s", "allreduce_bytes_per_s",
              "intra_node_bytes_per_s"]


def load(path):
    with open(path) as f:
        return json.load(f)


def topology_of(stats, plan):
    """The topology tessera plans for: the plan's (--topology) or the statistics file's."""
    if plan is None:
        ranks = stats["ranks"]
        missing = [k for k in BANDWIDTHS if k not in stats.get("bandwidths", {})]
        if missing:
            fields = ", ".join(f"bandwidths.{k}" for k in missing)
            sys.exit(f"the statistics file gives no {fields}: give them, or --topology a tessera "
                     "plan of these tables (it holds the bandwidths tessera resolved)")
        return {"ranks": ranks, "ranks_per_node": stats.get("ranks_per_node", min(8, ranks)),
                "memory_per_rank_bytes": stats["memory_per_rank_bytes"],
                "batch_size": stats["batch_size"],
                "optimizer": stats.get("optimizer", "rowwise-adagrad"),
                "bandwidths": stats["bandwidths"]}
    planned = {(t["name"], t["rows"], t["dim"]) for t in plan["tables"]}
    if planned != {(t["name"], t["rows"], t["dim"]) for t in stats["tables"]}:
        sys.exit("--topology: the plan's tables are not the statistics file's")
    return {k: plan[k] for k in ["ranks", "ranks_per_node", "memory_per_rank_bytes", "batch_size",
                                 "optimizer", "bandwidths"]}


def torchrec_topology(topo):
    bw = topo["bandwidths"]
    per_ms = 1e-3  # TorchRec's bandwidths are bytes per millisecond
    return Topology(world_size=topo["ranks"], compute_device="cuda",
                    hbm_cap=topo["memory_per_rank_bytes"], ddr_cap=topo["memory_per_rank_bytes"],
                    local_world_size=topo["ranks_per_node"],
                    hbm_mem_bw=bw["memory_bytes_per_s"] * per_ms,
                    ddr_mem_bw=bw["memory_bytes_per_s"] * per_ms,
                    intra_host_bw=bw["intra_node_bytes_per_s"] * per_ms,
                    inter_host_bw=bw["alltoall_bytes_per_s"] * per_ms)


def local_batch(topo):
    return max(1, topo["batch_size"] // topo["ranks"])


def shard_perfs(table, sharding_type, sizes, topo, topology):
    """TorchRec's estimate (ms) of each shard [rows, columns] of `table` sharded so."""
    kernel = (EmbeddingComputeKernel.DENSE.value
              if sharding_type == ShardingType.DATA_PARALLEL.value
              else EmbeddingComputeKernel.FUSED.value)
    return EmbeddingPerfEstimator.perf_func_emb_wall_time(
        shard_sizes=sizes, compute_kernel=kernel, compute_device=topology.compute_device,
        sharding_type=sharding_type, batch_sizes=[local_batch(topo)],
        world_size=topology.world_size, local_world_size=topology.local_world_size,
        input_lengths=[table["pooling"]], input_data_type_size=8, table_data_type_size=4,
        fwd_a2a_comm_data_type_size=4, bwd_a2a_comm_data_type_size=4,
        fwd_sr_comm_data_type_size=4, bwd_sr_comm_data_type_size=4, num_poolings=[1.0],
        hbm_mem_bw=topology.hbm_mem_bw, ddr_mem_bw=topology.ddr_mem_bw,
        intra_host_bw=topology.intra_host_bw, inter_host_bw=topology.inter_host_bw,
        bwd_compute_multiplier=topology.bwd_compute_multiplier, is_pooled=True)


def rating(loads):
    """TorchRec's NoopPerfModel on per-rank sums of shard estimates (s): the largest."""
    mean = sum(loads) / len(loads)
    return {"makespan_s": max(loads), "mean_s": mean,
            "imbalance": max(loads) / mean if mean > 0 else 1.0}


def torchrec_rating(stats, plan, topo):
    """TorchRec's estimate of a tessera plan."""
    topology = torchrec_topology(topo)
    by_name = {t["name"]: t for t in stats["tables"]}
    loads = [0.0] * topo["ranks"]
    for t in plan["tables"]:
        sizes = [[s["rows"][1] - s["rows"][0], s["columns"][1] - s["columns"][0]]
                 for s in t["shards"]]
        for s, perf in zip(t["shards"], shard_perfs(by_name[t["name"]], t["sharding"], sizes,
                                                     topo, topology)):
            loads[s["rank"]] += perf.total * 1e-3
    return rating(loads)


def run_planner(stats, topo, reserve, min_partition):
    """TorchRec's ShardingPlan of the statistics' tables and the planner's wall time (s)."""
    tables = [EmbeddingBagConfig(name=t["name"], embedding_dim=t["dim"],
                                 num_embeddings=t["rows"], feature_names=[t["name"]])
              for t in stats["tables"]]
    ebc = EmbeddingBagCollection(tables=tables, device=torch.device("meta"))
    for param in ebc.parameters():  # read by TorchRec's storage estimate
        param._optimizer_class = OPTIMIZERS[topo["optimizer"]]
    constraints = {
        t["name"]: ParameterConstraints(
            sharding_types=SHARDING_TYPES,
            compute_kernels=[EmbeddingComputeKernel.FUSED.value,
                             EmbeddingComputeKernel.DENSE.value],  # dense: data_parallel only
            min_partition=min_partition, pooling_factors=[t["pooling"]])
        for t in stats["tables"]}
    planner = EmbeddingShardingPlanner(
        topology=torchrec_topology(topo), batch_size=local_batch(topo), constraints=constraints,
        storage_reservation=HeuristicalStorageReservation(percentage=reserve), debug=False)
    start = time.perf_counter()
    plan = planner.plan(ebc, [EmbeddingBagCollectionSharder()])
    return plan, time.perf_counter() - start


def to_tessera(stats, topo, sharding_plan):
    """The ShardingPlan as a tessera plan (shards' ranks, rows and columns) and TorchRec's own
    per-rank estimates (s). Row-wise blocks of no rows (TorchRec gives the last ranks none when the
    rows do not divide) are left out of the plan, not of the estimates. The shards' costs are
    TorchRec's estimates (comm_bytes: none); `tessera dlrm plan --rate` re-estimates them."""
    topology = torchrec_topology(topo)
    module = sharding_plan.plan[""]
    tables, loads = [], [0.0] * topo["ranks"]
    for t in stats["tables"]:
        p = module[t["name"]]
        if p.sharding_type == ShardingType.DATA_PARALLEL.value:
            metas = [([0, 0], [t["rows"], t["dim"]], r) for r in p.ranks]
        else:
            metas = [(m.shard_offsets, m.shard_sizes, m.placement.rank())
                     for m in p.sharding_spec.shards]
        perfs = shard_perfs(t, p.sharding_type, [list(size) for _, size, _ in metas], topo,
                            topology)
        shards = []
        for (offset, size, rank), perf in zip(metas, perfs):
            loads[rank] += perf.total * 1e-3
            if size[0] == 0:
                continue
            state = {"rowwise-adagrad": 4 * size[0], "adagrad": 4 * size[0] * size[1],
                     "sgd": 0}[topo["optimizer"]]
            shards.append({"rank": rank, "rows": [offset[0], offset[0] + size[0]],
                           "columns": [offset[1], offset[1] + size[1]],
                           "memory_bytes": 4 * size[0] * size[1] + state,
                           "compute_s": (perf.fwd_compute + perf.bwd_compute
                                         + perf.prefetch_compute) * 1e-3,
                           "comm_s": (perf.fwd_comms + perf.bwd_comms) * 1e-3,
                           "comm_bytes": 0})
        tables.append({"name": t["name"], "rows": t["rows"], "dim": t["dim"],
                       "sharding": p.sharding_type, "shards": shards})
    return {"schema": "tessera.dlrm.plan", "version": 1, "strategy": "torchrec",
            "ranks": topo["ranks"], "ranks_per_node": topo["ranks_per_node"],
            "memory_per_rank_bytes": topo["memory_per_rank_bytes"],
            "batch_size": topo["batch_size"], "optimizer": topo["optimizer"],
            "bandwidths": topo["bandwidths"], "tables": tables}, loads


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["plan", "rate"])
    parser.add_argument("stats", help="tessera's table statistics (JSON)")
    parser.add_argument("plan", nargs="?", help="rate: the tessera plan to estimate")
    parser.add_argument("--topology", help="plan: take the topology from this tessera plan")
    parser.add_argument("--reserve", type=float, default=0.0,
                        help="plan: share of the memory TorchRec keeps back (its default 0.15)")
    parser.add_argument("--min-partition", type=int, default=None,
                        help="plan: narrowest column-wise shard (TorchRec's default 128)")
    parser.add_argument("-o", "--output", help="plan: write the tessera plan JSON here")
    args = parser.parse_args()
    stats = load(args.stats)
    if args.mode == "rate":
        if not args.plan:
            sys.exit("rate: give the plan to estimate")
        plan = load(args.plan)
        topo = topology_of(stats, plan)
        print(json.dumps({"plan": plan["strategy"], **torchrec_rating(stats, plan, topo)}))
        return
    if not args.output:
        sys.exit("plan: give -o")
    topo = topology_of(stats, load(args.topology) if args.topology else None)
    try:
        sharding_plan, seconds = run_planner(stats, topo, args.reserve, args.min_partition)
    except PlannerError as e:
        print(json.dumps({"plan": "torchrec", "error": str(e).strip().splitlines()[0]}))
        sys.exit(3)
    plan, loads = to_tessera(stats, topo, sharding_plan)
    with open(args.output, "w") as f:
        json.dump(plan, f, indent=1)
        f.write("\n")
    print(json.dumps({"plan": "torchrec", "planning_s": seconds, **rating(loads)}))


if __name__ == "__main__":
    main()
