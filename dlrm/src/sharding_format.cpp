// The readable form of a sharding plan (`--print-plan` style): per rank its modelled step time,
// memory and shards (data-parallel tables once), then the plan's rating.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "tessera/dlrm/sharding.hpp"

namespace tessera::dlrm {
namespace {

constexpr std::size_t kShardsShown = 12;  // per rank; the rest are counted
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

std::string shard_label(const TablePlan& t, const Shard& s) {
  switch (t.type) {
    case ShardingType::kTableWise:
      return t.name;
    case ShardingType::kColumnWise:
      return fmt::format("{}[cw {}:{}]", t.name, s.col_begin, s.col_end);
    case ShardingType::kRowWise:
      return fmt::format("{}[rw {}:{}]", t.name, s.row_begin, s.row_end);
    case ShardingType::kTableRowWise:
      return fmt::format("{}[twrw {}:{}]", t.name, s.row_begin, s.row_end);
    case ShardingType::kDataParallel:
      break;
  }
  return t.name;  // data-parallel tables are listed once, not per rank
}

}  // namespace

std::string format_plan(const ShardingPlan& plan) {
  std::vector<std::vector<std::string>> labels(static_cast<std::size_t>(plan.ranks));
  std::string replicated;  // data-parallel tables, listed once
  for (const TablePlan& t : plan.tables) {
    if (t.type == ShardingType::kDataParallel) {
      replicated += " " + t.name;
      continue;
    }
    for (const Shard& s : t.shards)
      labels.at(static_cast<std::size_t>(s.rank)).push_back(shard_label(t, s));
  }
  std::string out = fmt::format(
      "plan '{}': {} tables on {} ranks, memory cap {:.2f} GiB a rank, batch {}\n"
      "rank    time ms  memory GiB  shards\n",
      plan.strategy, plan.tables.size(), plan.ranks,
      static_cast<double>(plan.memory_per_rank_bytes) / kGiB, plan.batch_size);
  for (std::size_t r = 0; r < labels.size(); ++r) {
    const RankLoad& load = plan.rating.ranks.at(r);
    out += fmt::format("{:4} {:10.3f} {:11.2f} ", r, load.time_s * 1e3,
                       static_cast<double>(load.memory_bytes) / kGiB);
    const std::vector<std::string>& l = labels[r];
    for (std::size_t i = 0; i < l.size() && i < kShardsShown; ++i) out += " " + l[i];
    if (l.size() > kShardsShown) out += fmt::format(" and {} more", l.size() - kShardsShown);
    out += "\n";
  }
  out +=
      fmt::format("makespan {:.3f} ms, mean {:.3f} ms, imbalance {:.3f}, peak memory {:.2f} GiB\n",
                  plan.rating.makespan_s * 1e3, plan.rating.mean_s * 1e3, plan.rating.imbalance,
                  static_cast<double>(plan.rating.peak_memory_bytes) / kGiB);
  return out;
}

}  // namespace tessera::dlrm
