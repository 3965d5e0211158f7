// The sharding planner's value types and its enumerate -> estimate -> rate stages: per table the
// sharding options (TW, RW, CW, DP, TWRW as in TorchRec's planner and Neo's "4D parallelism",
// ../shared/papers/dlrm.md 1.2-1.3 and 2), their shards' costs, and the plan with its rating.
//
// Cost model (all times in seconds; B = global batch, p = pooling, d = columns of the shard's
// table, s = columns of the shard, R = ranks, G = ranks of a row-wise group, f = 4 bytes per fp32
// value, k = 2 backward/forward ratio as TorchRec's estimator, bandwidths in bytes per second):
//   lookup bytes of a shard  L = B * p * s * f * (shard rows / table rows)   (ids spread over rows)
//   compute                  = (1 + k) * L / memory                          (forward + backward)
//   TW, CW slice  comm bytes = 2 * B * s * f (pooled all-to-all, forward and backward)
//                              + 8 * B * p                                  (ids all-to-all)
//                 comm time  = comm bytes / alltoall
//   RW shard      comm bytes = 8 * B * p / G + 2 * B * d * f * (G - 1) / G
//                              (bucketized ids; reduce-scatter of partial sums and its mirror)
//                 comm time  = comm bytes / alltoall, G = R
//   TWRW shard    G = ranks per node: ids 8 * B * p / G and pooled 2 * B * d * f / G over
//                 alltoall, plus the intra-node reduce-scatter 2 * B * d * f * (G - 1) / G over
//                 intra_node
//   DP replica    compute with B / R samples; comm = 2 * (R - 1) / R * table bytes / allreduce
// A shard's memory = weights (rows * s * f) + optimizer state (row-wise AdaGrad 4 bytes a row,
// AdaGrad as much as the weights, SGD none). A rank's time is the sum of its shards' compute and
// communication; a plan's makespan is the largest rank time, its imbalance makespan / mean.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/dlrm/sharding_input.hpp"

namespace tessera::dlrm {

/// How a table is split, named as TorchRec's ShardingType values.
enum class ShardingType { kTableWise, kRowWise, kColumnWise, kDataParallel, kTableRowWise };

/// "table_wise", "row_wise", "column_wise", "data_parallel" or "table_row_wise".
std::string to_string(ShardingType type);
/// The type named `name` as to_string writes it; tessera::Error naming `input` otherwise.
ShardingType parse_sharding_type(std::string_view name, std::string_view input);

/// The estimated cost of one shard (see the cost model above).
struct ShardCost {
  std::int64_t memory_bytes = 0;  // weights + optimizer state
  double compute_s = 0.0;         // lookups, forward and backward
  double comm_s = 0.0;            // the collectives the shard's rank takes part in
  double comm_bytes = 0.0;        // bytes the shard's rank sends or receives per step

  /// compute_s + comm_s.
  double time_s() const { return compute_s + comm_s; }
};

/// A block of a table: rows [row_begin, row_end) and columns [col_begin, col_end).
struct Shard {
  std::int64_t row_begin = 0, row_end = 0;
  std::int64_t col_begin = 0, col_end = 0;
  /// In a plan: the rank holding it. In an option: the fixed rank (RW, DP), the rank within the
  /// node (TWRW), or -1 where the partitioner chooses (TW, CW).
  int rank = -1;
  ShardCost cost;
};

/// One way of sharding one table.
struct ShardingOption {
  ShardingType type = ShardingType::kTableWise;
  std::vector<Shard> shards;

  /// Sum of the shards' times in seconds.
  double time_s() const;
  /// Largest shard time in seconds.
  double max_shard_time_s() const;
  /// Largest shard memory in bytes.
  std::int64_t max_shard_memory_bytes() const;
};

/// Enumerate: the options of `table` under `input` (shards without costs), in the order TW, CW
/// (2, 4, ... slices of at least kMinColumnSliceWidth columns, at most `ranks` slices), RW (one
/// row block per rank, when ranks > 1), DP (when ranks > 1), TWRW (when there is more than one
/// node and ranks divide into nodes).
std::vector<ShardingOption> enumerate_options(const TableStats& table, const PlannerInput& input);

/// Narrowest column-wise slice, in columns.
inline constexpr std::int64_t kMinColumnSliceWidth = 32;

/// Estimate: fills every shard's cost by the cost model above.
void estimate_costs(ShardingOption& option, const TableStats& table, const PlannerInput& input,
                    const Bandwidths& bandwidths);

/// enumerate_options then estimate_costs for every table: result[t] holds table t's options.
std::vector<std::vector<ShardingOption>> enumerate_and_estimate(const PlannerInput& input,
                                                                const Bandwidths& bandwidths);

/// A table of a plan: how it is sharded and where its shards are.
struct TablePlan {
  std::string name;
  std::int64_t rows = 0, dim = 0;
  ShardingType type = ShardingType::kTableWise;
  std::vector<Shard> shards;  // rank set
};

/// One rank's modelled step time (s) and memory (bytes).
struct RankLoad {
  double time_s = 0.0;
  std::int64_t memory_bytes = 0;
};

/// Rate: how good a plan is.
struct PlanRating {
  double makespan_s = 0.0;  // max over ranks of the step time
  double mean_s = 0.0;      // mean over ranks
  double imbalance = 0.0;   // makespan / mean (1 is perfect balance)
  std::int64_t peak_memory_bytes = 0;
  std::vector<RankLoad> ranks;
};

/// Rates `tables` (shards placed on ranks 0..ranks-1) by their shards' costs.
PlanRating rate_plan(const std::vector<TablePlan>& tables, int ranks);

/// A sharding plan: the planner's output and `train`'s input ("tessera.dlrm.plan").
struct ShardingPlan {
  std::string strategy;
  int ranks = 1;
  int ranks_per_node = 1;
  std::int64_t memory_per_rank_bytes = 0;
  std::int64_t batch_size = 0;
  OptimizerKind optimizer = OptimizerKind::kRowwiseAdagrad;
  Bandwidths bandwidths;
  std::vector<TablePlan> tables;
  PlanRating rating;
};

/// Version of the plan JSON format that plan_json writes and parse_plan reads.
inline constexpr int kPlanFormatVersion = 1;

/// The plan as JSON text (schema "tessera.dlrm.plan", version kPlanFormatVersion), ending in "\n".
std::string plan_json(const ShardingPlan& plan);
/// Parses plan JSON text read from `source`; checks every shard lies in its table and on a rank,
/// that the shards cover the table as their type says, and recomputes the rating. Errors are
/// tessera::Error naming `source` and the bad field.
ShardingPlan parse_plan(std::string_view text, const std::string& source);
/// Reads and parses the plan file at `path`.
ShardingPlan read_plan(const std::filesystem::path& path);

/// Re-estimates every shard of `plan` by the cost model above, with the pooling of `tables` (the
/// statistics read from `source`: the same tables, matched by name, with the same rows and dim)
/// and the plan's own ranks, ranks per node, batch, optimizer and bandwidths, then re-rates it:
/// how this cost model sees a plan made elsewhere (TorchRec's planner). tessera::Error naming
/// `source` and the table that differs.
void estimate_plan(ShardingPlan& plan, const std::vector<TableStats>& tables,
                   const std::string& source);

/// A readable plan: per rank its modelled time, memory and shards, then the rating.
std::string format_plan(const ShardingPlan& plan);

}  // namespace tessera::dlrm
