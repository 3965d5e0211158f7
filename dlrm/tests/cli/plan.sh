# `tessera dlrm plan`: plans six tables on 4 ranks (bandwidths given, so nothing is measured and
# the output is exact), writes a plan JSON that reads back, compares every strategy on MLPerf
# DLRMv2's tables at 8 ranks, plans the same bytes twice, rates a plan made elsewhere (--rate: its
# own plan rates the same; a hand-edited one, all on one rank, is re-estimated), and refuses bad
# input with the file, field or table named.
cat > stats.json <<'JSON'
{"tables": [
  {"name": "user", "rows": 4000000, "dim": 128, "pooling": 40},
  {"name": "item", "rows": 2000000, "dim": 128, "pooling": 8},
  {"name": "query", "rows": 500000, "dim": 64, "pooling": 12},
  {"name": "hour", "rows": 24, "dim": 64, "pooling": 1},
  {"name": "city", "rows": 30000, "dim": 64, "pooling": 1},
  {"name": "ad", "rows": 800000, "dim": 96, "pooling": 3}],
 "ranks": 4, "memory_per_rank_bytes": 2000000000, "batch_size": 16384,
 "optimizer": "rowwise-adagrad",
 "bandwidths": {"memory_bytes_per_s": 5e10, "alltoall_bytes_per_s": 1.25e10,
                "allreduce_bytes_per_s": 1.25e10, "intra_node_bytes_per_s": 1e11}}
JSON
tessera dlrm plan stats.json -o plan.json 2>&1
python3 - plan.json <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
print(p["schema"], p["version"], p["strategy"], "tables", len(p["tables"]),
      "shards", sum(len(t["shards"]) for t in p["tables"]))
PY
tessera dlrm plan stats.json --strategy greedy 2>/dev/null | tail -1
tessera dlrm plan stats.json --strategy all --ranks 2 2>/dev/null
tessera dlrm plan stats.json -o again.json 2>/dev/null >/dev/null
cmp plan.json again.json && echo "same plan bytes"

tessera dlrm plan --generate mlperf --ranks 8 --memory-per-rank 64GiB -o mlperf.json
python3 - mlperf.json <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print("mlperf:", len(s["tables"]), "tables,", sum(t["rows"] for t in s["tables"]), "rows")
s["bandwidths"] = {"memory_bytes_per_s": 1e11, "alltoall_bytes_per_s": 1.25e10,
                   "allreduce_bytes_per_s": 1.25e10, "intra_node_bytes_per_s": 1e11}
json.dump(s, open(sys.argv[1], "w"))
PY
tessera dlrm plan mlperf.json --strategy all 2>/dev/null

echo "-- rate"
tessera dlrm plan stats.json --rate plan.json -o rated.json 2>&1 | tail -2
cmp plan.json rated.json && echo "rated the same"
python3 - plan.json <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["strategy"] = "elsewhere"
for t in p["tables"]:  # every table whole on rank 0, its costs zeroed: --rate re-estimates them
    t["sharding"] = "table_wise"
    t["shards"] = [{"rank": 0, "rows": [0, t["rows"]], "columns": [0, t["dim"]],
                    "memory_bytes": 0, "compute_s": 0, "comm_s": 0, "comm_bytes": 0}]
json.dump(p, open("one-rank.json", "w"))
PY
tessera dlrm plan stats.json --rate one-rank.json 2>&1

echo "-- errors"
sed 's/"rows": 24, //' stats.json > missing.json
tessera dlrm plan missing.json 2>&1
echo "exit $?"
tessera dlrm plan stats.json --memory-per-rank 1MiB 2>&1
echo "exit $?"
tessera dlrm plan stats.json --memory-per-rank lots 2>&1
echo "exit $?"
tessera dlrm plan --generate mlperf stats.json 2>&1
echo "exit $?"
tessera dlrm plan mlperf.json --rate plan.json 2>&1
echo "exit $?"
tessera dlrm plan stats.json --rate plan.json --ranks 2 2>&1
echo "exit $?"
ls
