// The sharding planner's propose -> partition stages: TorchRec's default (GreedyPerfPartitioner,
// storage order), the four DreamShard heuristics (Zha et al., NeurIPS'22), Graham's LPT (1969),
// multi-way Karmarkar-Karp (Karmarkar & Karp 1982), and ours: those and LPT and Karmarkar-Karp on
// proposals that split each table only as far as a target step time asks, each improved by a
// deterministic local search under the memory caps, the best kept.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/dlrm/sharding.hpp"

namespace tessera::dlrm {

/// Planning strategies. Greedy is TorchRec's default; dim, size, lookup and size_lookup are
/// DreamShard's baselines (whole tables, least-loaded rank by that cost, largest first).
enum class Strategy { kOurs, kGreedy, kDim, kSize, kLookup, kSizeLookup, kLpt, kKk };

/// "ours", "greedy", "dim", "size", "lookup", "size_lookup", "lpt" or "kk".
std::string to_string(Strategy strategy);
/// The strategy named `name`; tessera::Error naming `input` otherwise.
Strategy parse_strategy(std::string_view name, std::string_view input);
/// Every strategy, baselines first, ours last.
const std::vector<Strategy>& all_strategies();

/// Plans `input` with `strategy` over `bandwidths`. Throws tessera::Error naming the table that
/// fits on no rank when the strategy finds no plan within the memory caps. Deterministic: the
/// same input gives the same plan. Ours is never worse (makespan) than any other strategy.
ShardingPlan plan_sharding(const PlannerInput& input, const Bandwidths& bandwidths,
                           Strategy strategy);

/// Graham's LPT list scheduling on plain weights: items in order of decreasing weight (ties by
/// index), each to the rank with the lowest load (ties by rank). `loads` holds the ranks' loads
/// before (size = ranks) and after. Returns each item's rank.
std::vector<int> lpt_assign(std::span<const double> weights, std::vector<double>& loads);

/// Multi-way Karmarkar-Karp largest differencing on plain weights, starting from `loads` (size =
/// ranks, the ranks' loads before; updated). Returns each item's rank.
std::vector<int> karmarkar_karp_assign(std::span<const double> weights, std::vector<double>& loads);

}  // namespace tessera::dlrm
