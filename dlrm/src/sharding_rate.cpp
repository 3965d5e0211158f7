// Rate, the planner's last stage: a plan's per-rank modelled step time and memory, its makespan
// (the max over ranks, as TorchRec's NoopPerfModel) and its max/mean imbalance; and the
// re-estimate of a plan made elsewhere by this cost model.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>

#include "tessera/core/error.hpp"
#include "tessera/dlrm/sharding.hpp"

namespace tessera::dlrm {
namespace {

constexpr std::array kShardingTypes{ShardingType::kTableWise, ShardingType::kRowWise,
                                    ShardingType::kColumnWise, ShardingType::kDataParallel,
                                    ShardingType::kTableRowWise};

}  // namespace

std::string to_string(ShardingType type) {
  switch (type) {
    case ShardingType::kTableWise:
      return "table_wise";
    case ShardingType::kRowWise:
      return "row_wise";
    case ShardingType::kColumnWise:
      return "column_wise";
    case ShardingType::kDataParallel:
      return "data_parallel";
    case ShardingType::kTableRowWise:
      break;
  }
  return "table_row_wise";
}

ShardingType parse_sharding_type(std::string_view name, std::string_view input) {
  for (ShardingType type : kShardingTypes) {
    if (name == to_string(type)) return type;
  }
  throw Error(input, fmt::format("'{}' is not a sharding type (table_wise, row_wise, column_wise, "
                                 "data_parallel, table_row_wise)",
                                 name));
}

PlanRating rate_plan(const std::vector<TablePlan>& tables, int ranks) {
  PlanRating rating;
  rating.ranks.assign(static_cast<std::size_t>(ranks), RankLoad{});
  for (const TablePlan& table : tables) {
    for (const Shard& shard : table.shards) {
      RankLoad& load = rating.ranks.at(static_cast<std::size_t>(shard.rank));
      load.time_s += shard.cost.time_s();
      load.memory_bytes += shard.cost.memory_bytes;
    }
  }
  double sum = 0.0;
  for (const RankLoad& load : rating.ranks) {
    rating.makespan_s = std::max(rating.makespan_s, load.time_s);
    rating.peak_memory_bytes = std::max(rating.peak_memory_bytes, load.memory_bytes);
    sum += load.time_s;
  }
  rating.mean_s = sum / ranks;
  rating.imbalance = rating.mean_s > 0 ? rating.makespan_s / rating.mean_s : 1.0;
  return rating;
}

void estimate_plan(ShardingPlan& plan, const std::vector<TableStats>& tables,
                   const std::string& source) {
  std::map<std::string, const TableStats*> by_name;
  for (const TableStats& t : tables) by_name.emplace(t.name, &t);
  if (plan.tables.size() != tables.size())
    throw Error(source,
                fmt::format("has {} tables, the plan {}", tables.size(), plan.tables.size()));
  PlannerInput input;
  input.ranks = plan.ranks;
  input.ranks_per_node = plan.ranks_per_node;
  input.memory_per_rank_bytes = plan.memory_per_rank_bytes;
  input.batch_size = plan.batch_size;
  input.optimizer = plan.optimizer;
  for (TablePlan& t : plan.tables) {
    const auto found = by_name.extract(t.name);  // each table once
    if (found.empty())
      throw Error(source, fmt::format("has no table '{}' the plan shards, or the plan shards it "
                                      "twice",
                                      t.name));
    const TableStats& stats = *found.mapped();
    if (stats.rows != t.rows || stats.dim != t.dim)
      throw Error(source, fmt::format("table '{}' has {} rows of dim {}, the plan's {} of {}",
                                      t.name, stats.rows, stats.dim, t.rows, t.dim));
    ShardingOption option{t.type, std::move(t.shards)};
    estimate_costs(option, stats, input, plan.bandwidths);
    t.shards = std::move(option.shards);
  }
  plan.rating = rate_plan(plan.tables, plan.ranks);
}

}  // namespace tessera::dlrm
