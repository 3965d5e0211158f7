// Estimate, the planner's second stage: each shard's memory, lookup time and communication by the
// bytes-over-bandwidth cost model documented in sharding.hpp (after TorchRec's estimators).
#include <algorithm>

#include "tessera/dlrm/sharding.hpp"

namespace tessera::dlrm {
namespace {

constexpr double kFloatBytes = 4.0;
constexpr double kIdBytes = 8.0;
constexpr double kBackwardRatio = 2.0;  // backward = k * forward, as TorchRec's estimator

std::int64_t optimizer_state_bytes(OptimizerKind kind, std::int64_t rows, std::int64_t columns) {
  switch (kind) {
    case OptimizerKind::kRowwiseAdagrad:
      return rows * 4;
    case OptimizerKind::kAdagrad:
      return rows * columns * 4;
    case OptimizerKind::kSgd:
      break;
  }
  return 0;
}

}  // namespace

double ShardingOption::time_s() const {
  double sum = 0.0;
  for (const Shard& s : shards) sum += s.cost.time_s();
  return sum;
}

double ShardingOption::max_shard_time_s() const {
  double most = 0.0;
  for (const Shard& s : shards) most = std::max(most, s.cost.time_s());
  return most;
}

std::int64_t ShardingOption::max_shard_memory_bytes() const {
  std::int64_t most = 0;
  for (const Shard& s : shards) most = std::max(most, s.cost.memory_bytes);
  return most;
}

void estimate_costs(ShardingOption& option, const TableStats& table, const PlannerInput& input,
                    const Bandwidths& bw) {
  const auto batch = static_cast<double>(input.batch_size);
  const auto dim = static_cast<double>(table.dim);
  const double ids = batch * table.pooling;  // ids looked up per step
  for (Shard& shard : option.shards) {
    const std::int64_t rows = shard.row_end - shard.row_begin;
    const std::int64_t columns = shard.col_end - shard.col_begin;
    const double share = static_cast<double>(rows) / static_cast<double>(table.rows);
    const auto width = static_cast<double>(columns);
    ShardCost& cost = shard.cost;
    cost.memory_bytes = rows * columns * 4 + optimizer_state_bytes(input.optimizer, rows, columns);
    double lookup_bytes = ids * width * kFloatBytes * share;
    switch (option.type) {
      case ShardingType::kTableWise:
      case ShardingType::kColumnWise:
        cost.comm_bytes = 2 * batch * width * kFloatBytes + kIdBytes * ids;
        cost.comm_s = cost.comm_bytes / bw.alltoall;
        break;
      case ShardingType::kRowWise: {
        const auto group = static_cast<double>(input.ranks);
        cost.comm_bytes =
            kIdBytes * ids / group + 2 * batch * dim * kFloatBytes * (group - 1) / group;
        cost.comm_s = cost.comm_bytes / bw.alltoall;
        break;
      }
      case ShardingType::kTableRowWise: {
        const auto group = static_cast<double>(ranks_per_node(input));
        const double cross = kIdBytes * ids / group + 2 * batch * dim * kFloatBytes / group;
        const double intra = 2 * batch * dim * kFloatBytes * (group - 1) / group;
        cost.comm_bytes = cross + intra;
        cost.comm_s = cross / bw.alltoall + intra / bw.intra_node;
        break;
      }
      case ShardingType::kDataParallel: {
        const auto ranks = static_cast<double>(input.ranks);
        lookup_bytes = ids / ranks * width * kFloatBytes;  // the rank's own samples
        cost.comm_bytes =
            2 * (ranks - 1) / ranks * static_cast<double>(rows * columns) * kFloatBytes;
        cost.comm_s = cost.comm_bytes / bw.allreduce;
        break;
      }
    }
    cost.compute_s = (1 + kBackwardRatio) * lookup_bytes / bw.memory;
  }
}

}  // namespace tessera::dlrm
