#!/usr/bin/env bash
# tessera's sharding planner against TorchRec's own EmbeddingShardingPlanner (torchrec_planner.py)
# on the same table statistics and topology: MLPerf DLRMv2's tables (64 GiB a rank) and
# dlrm_datasets-like ones (200 tables, 3 seeds, 640 GiB a rank: the largest set takes 973 GiB) at
# 2 to 64 ranks. TorchRec runs twice: with its defaults (column-wise shards of at least 128
# columns) and with tessera's narrowest slice (--min-partition 32). Every plan (tessera's greedy,
# DreamShard's heuristics, LPT, KK, ours; TorchRec's) is rated by the same cost model, `tessera
# dlrm plan STATS --rate PLAN`; TorchRec's default plan and ours are also rated by TorchRec's own
# estimator. Prints one markdown table, then the mean and worst ratios and imbalances; a case where
# a planner finds no plan is reported as such.
# Usage: planner-vs-torchrec.sh <tessera> <python with torchrec> [work-dir]
set -euo pipefail
tessera=$1
python=$2
work=${3:-$(mktemp -d)}
here=$(cd "$(dirname "$0")" && pwd)
ranks_list=(2 4 8 16 32 64)
seeds=(1 2 3)
dlrm_datasets_tables=200
strategies=(greedy dim size lookup size_lookup lpt kk ours)
# The bandwidths of dlrm/README.md's MLPerf table, given so that nothing is measured: memory
# 100 GB/s, all-to-all and allreduce 12.5 GB/s (TorchRec's cross-node default), intra-node
# 100 GB/s; 8 ranks a node (tessera's default, min(8, ranks)).
bandwidths='{"memory_bytes_per_s": 1e11, "alltoall_bytes_per_s": 1.25e10,
             "allreduce_bytes_per_s": 1.25e10, "intra_node_bytes_per_s": 1e11}'
# TorchRec's enumerator orders sharding types through a set of strings, so equal estimates (e.g.
# row_wise and table_row_wise on one node) break ties by Python's string hash: fixed here, so that
# its plans are the same on every run.
export PYTHONHASHSEED=0
mkdir -p "$work"

# plan_case <case> <ranks> <generator arguments...>: every plan of one case, each rated, in
# $work/<case>-<ranks>/.
plan_case() {
  local name=$1 ranks=$2
  shift 2
  local dir="$work/$name-$ranks"
  rm -rf "$dir"  # no plan of an earlier run may stand in for one that fails now
  mkdir -p "$dir"
  "$tessera" dlrm plan --generate "$@" --ranks "$ranks" -o "$dir/stats.json"
  "$python" -c 'import json, sys
s = json.load(open(sys.argv[1])); s["bandwidths"] = json.loads(sys.argv[2])
json.dump(s, open(sys.argv[1], "w"), indent=1)' "$dir/stats.json" "$bandwidths"
  for s in "${strategies[@]}"; do
    if "$tessera" dlrm plan "$dir/stats.json" --strategy "$s" -o "$dir/$s.json" \
      >/dev/null 2>"$dir/$s.err"; then
      "$tessera" dlrm plan "$dir/stats.json" --rate "$dir/$s.json" -o "$dir/$s.rated.json" \
        >/dev/null 2>&1
    fi
  done
  local variant options
  for variant in torchrec torchrec-cw32; do
    options=()
    if [ "$variant" = torchrec-cw32 ]; then options=(--min-partition 32); fi
    if "$python" "$here/torchrec_planner.py" plan "$dir/stats.json" -o "$dir/$variant.json" \
      "${options[@]}" >"$dir/$variant.out" 2>"$dir/$variant.err"; then
      "$tessera" dlrm plan "$dir/stats.json" --rate "$dir/$variant.json" \
        -o "$dir/$variant.rated.json" >/dev/null 2>&1
    fi
  done
  if [ -f "$dir/ours.json" ]; then
    "$python" "$here/torchrec_planner.py" rate "$dir/stats.json" "$dir/ours.json" \
      >"$dir/ours.torchrec-estimate" 2>/dev/null
  fi
  echo "$name $ranks" >>"$work/cases"
}

rm -f "$work/cases"
for r in "${ranks_list[@]}"; do
  plan_case mlperf "$r" mlperf --memory-per-rank 64GiB
  for seed in "${seeds[@]}"; do
    plan_case "dlrm-datasets-s$seed" "$r" dlrm-datasets --tables "$dlrm_datasets_tables" \
      --seed "$seed" --memory-per-rank 640GiB
  done
done

"$python" - "$work" "${strategies[@]}" <<'PY'
import json, os, sys

work, strategies = sys.argv[1], sys.argv[2:]
heuristics = [s for s in strategies if s not in ("greedy", "ours")]
torchrecs = ["torchrec", "torchrec-cw32"]


def rated(d, s):
    """(makespan s, imbalance, within the memory caps) by tessera's cost model, or why none."""
    path = os.path.join(d, f"{s}.rated.json")
    if not os.path.exists(path):
        for stream in ("out", "err"):
            p = os.path.join(d, f"{s}.{stream}")
            lines = open(p).read().strip().splitlines() if os.path.exists(p) else []
            if lines:
                try:
                    return json.loads(lines[-1])["error"][:70]
                except (ValueError, KeyError):
                    return lines[-1][:70]
        return "no plan"
    p = json.load(open(path))
    fits = all(r["memory_bytes"] <= p["memory_per_rank_bytes"] for r in p["per_rank"])
    return p["rating"]["makespan_s"], p["rating"]["imbalance"], fits


def cell(r):
    if isinstance(r, str):
        return f"no plan: {r}"
    return f"{r[0] * 1e3:.1f} / {r[1]:.3f}" + ("" if r[2] else " (over the cap)")


def estimate(path):
    """TorchRec's own estimate (ms) of a plan, from a line torchrec_planner.py printed."""
    if not os.path.exists(path):
        return None
    line = open(path).read().strip().splitlines()[-1]
    return json.loads(line).get("makespan_s", 0) * 1e3 or None


vs_torchrec, vs_greedy = [], []
imbalance = {s: [] for s in ["greedy", *torchrecs, "ours"]}
print("| case | ranks | greedy | best heuristic | torchrec | torchrec, CW ≥ 32 | ours | "
      "best torchrec ÷ ours | greedy ÷ ours | TorchRec's estimate: torchrec / ours |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for line in open(os.path.join(work, "cases")):
    name, ranks = line.split()
    d = os.path.join(work, f"{name}-{ranks}")
    r = {s: rated(d, s) for s in strategies + torchrecs}
    ok = {s: v for s, v in r.items() if not isinstance(v, str)}
    for s in imbalance:
        if s in ok:
            imbalance[s].append(ok[s][1])
    best_h = min((s for s in heuristics if s in ok), key=lambda s: ok[s][0], default=None)
    best_tr = min((ok[s][0] for s in torchrecs if s in ok), default=None)
    ratio_tr = ratio_gr = "-"
    if "ours" in ok and best_tr:
        vs_torchrec.append(best_tr / ok["ours"][0])
        ratio_tr = f"{vs_torchrec[-1]:.3f}×"
    if "ours" in ok and "greedy" in ok:
        vs_greedy.append(ok["greedy"][0] / ok["ours"][0])
        ratio_gr = f"{vs_greedy[-1]:.3f}×"
    own = [estimate(os.path.join(d, f)) for f in ("torchrec.out", "ours.torchrec-estimate")]
    own = f"{own[0]:.1f} / {own[1]:.1f}" if all(own) else "-"
    best = f"{cell(r[best_h])} ({best_h})" if best_h else "no plan"
    print(f"| {name} | {ranks} | {cell(r['greedy'])} | {best} | {cell(r['torchrec'])} | "
          f"{cell(r['torchrec-cw32'])} | {cell(r['ours'])} | {ratio_tr} | {ratio_gr} | {own} |")


def ratios(values):
    if not values:
        return "-"
    return f"mean {sum(values) / len(values):.3f}×, worst {min(values):.3f}× ({len(values)} cases)"


print()
print("Cells: modelled step time in ms / max-mean imbalance, by tessera's cost model.")
print(f"- ours vs the better TorchRec plan (its makespan ÷ ours): {ratios(vs_torchrec)}")
print(f"- ours vs greedy (greedy's makespan ÷ ours): {ratios(vs_greedy)}")
for s, v in imbalance.items():
    if v:
        print(f"- {s} max/mean imbalance: mean {sum(v) / len(v):.3f}, worst {max(v):.3f} "
              f"({len(v)} cases)")
PY
