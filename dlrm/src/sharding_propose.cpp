// Propose, the planner's third stage: one sharding option per table, as TorchRec's proposers
// (the cheapest option that fits), DreamShard's (whole tables), balanced (hot tables split) or
// compact (the smallest shards).
#include <fmt/format.h>

#include <algorithm>

#include "sharding_stages.hpp"
#include "tessera/core/error.hpp"

namespace tessera::dlrm {
namespace {

int cheapest_fitting(const PlanningProblem& p, std::size_t t) {
  int best = -1;
  std::int64_t smallest = -1;
  const std::vector<ShardingOption>& options = p.options[t];
  for (std::size_t o = 0; o < options.size(); ++o) {
    const std::int64_t bytes = options[o].max_shard_memory_bytes();
    if (smallest < 0 || bytes < smallest) smallest = bytes;
    if (bytes <= p.cap &&
        (best < 0 || options[o].time_s() < options[static_cast<std::size_t>(best)].time_s()))
      best = static_cast<int>(o);
  }
  if (best < 0) {
    throw Error(fmt::format("table '{}'", p.input.tables[t].name),
                fmt::format("fits on no rank: its smallest shard takes {} bytes, a rank has {}",
                            smallest, p.cap));
  }
  return best;
}

}  // namespace

// The option with the smallest largest shard (ties: the lower time, then the earlier).
int most_compact(const PlanningProblem& p, std::size_t t) {
  const std::vector<ShardingOption>& options = p.options[t];
  const auto key = [&](std::size_t o) {
    return std::make_pair(options[o].max_shard_memory_bytes(), options[o].time_s());
  };
  std::size_t best = 0;
  for (std::size_t o = 1; o < options.size(); ++o) {
    if (key(o) < key(best)) best = o;
  }
  return static_cast<int>(best);
}

std::vector<int> propose(const PlanningProblem& p, Proposal proposal) {
  std::vector<int> choice;
  for (std::size_t t = 0; t < p.options.size(); ++t) {
    choice.push_back(proposal == Proposal::kTableWise ? 0
                     : proposal == Proposal::kCompact ? most_compact(p, t)
                                                      : cheapest_fitting(p, t));
  }
  if (proposal != Proposal::kBalanced) return choice;
  double total = 0.0;
  for (std::size_t t = 0; t < p.options.size(); ++t)
    total += p.options[t][static_cast<std::size_t>(choice[t])].time_s();
  const double mean = total / p.ranks;
  const auto bound = [&](const ShardingOption& o) {
    return std::max(o.max_shard_time_s(), o.time_s() / p.ranks);
  };
  for (std::size_t t = 0; t < p.options.size(); ++t) {
    const std::vector<ShardingOption>& options = p.options[t];
    int& c = choice[t];
    if (options[static_cast<std::size_t>(c)].max_shard_time_s() <= mean) continue;
    for (std::size_t o = 0; o < options.size(); ++o) {
      if (options[o].max_shard_memory_bytes() <= p.cap &&
          bound(options[o]) < bound(options[static_cast<std::size_t>(c)]))
        c = static_cast<int>(o);
    }
  }
  return choice;
}

}  // namespace tessera::dlrm
