// The sharding planner's strategies over the propose and partition stages: TorchRec's default
// (cheapest option per table, GreedyPerfPartitioner in storage order), DreamShard's four
// heuristics, LPT, Karmarkar-Karp, and ours (all of them and LPT and Karmarkar-Karp on proposals
// within target step times, each improved by local search, the best kept).
#include "tessera/dlrm/sharding_planner.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <functional>
#include <optional>
#include <stdexcept>

#include "sharding_stages.hpp"
#include "tessera/core/error.hpp"

namespace tessera::dlrm {
namespace {

// The targets of propose_within that ours partitions, by LPT and by Karmarkar-Karp.
constexpr std::size_t kTargets = 8;

constexpr std::array kStrategies{Strategy::kGreedy, Strategy::kDim,        Strategy::kSize,
                                 Strategy::kLookup, Strategy::kSizeLookup, Strategy::kLpt,
                                 Strategy::kKk,     Strategy::kOurs};

double shard_time(const Assignment& a, std::size_t t, std::size_t s) {
  return a.option(t).shards[s].cost.time_s();
}

// DreamShard's cost of a whole table (sharders.py): dim, size, lookup or size_lookup.
double dreamshard_cost(Strategy strategy, const TableStats& t) {
  const auto dim = static_cast<double>(t.dim);
  switch (strategy) {
    case Strategy::kDim:
      return dim;
    case Strategy::kSize:
      return static_cast<double>(t.rows) * dim * 4;
    case Strategy::kLookup:
      return dim * t.pooling;
    default:
      break;
  }
  return dim * t.pooling * std::log10(static_cast<double>(t.rows));
}

using Candidate = std::function<Assignment()>;

// The feasible candidates, in order; the first candidate's error when none is feasible.
std::vector<Assignment> feasible(const std::vector<Candidate>& candidates) {
  std::vector<Assignment> made;
  std::optional<Error> first_error;
  for (const Candidate& make : candidates) {
    try {
      made.push_back(make());
    } catch (const Error& e) {
      if (!first_error) first_error = e;
    }
  }
  if (made.empty()) throw *first_error;
  return made;
}

// The feasible candidate with the lowest makespan (ties: the first); the first candidate's error
// when none is feasible.
Assignment best_of(const std::vector<Candidate>& candidates) {
  std::vector<Assignment> made = feasible(candidates);
  return *std::min_element(made.begin(), made.end(), [](const Assignment& a, const Assignment& b) {
    return a.objective().first < b.objective().first;
  });
}

// Every strategy but ours, as candidates.
Assignment run(const PlanningProblem& p, Strategy strategy) {
  const std::string name = to_string(strategy);
  const ListRule lpt{shard_time, shard_time};
  switch (strategy) {
    case Strategy::kGreedy:
      return list_partition(p, propose(p, Proposal::kCheapest),
                            {[](const Assignment& a, std::size_t t, std::size_t s) {
                               return static_cast<double>(a.option(t).shards[s].cost.memory_bytes);
                             },
                             shard_time},
                            name);
    case Strategy::kDim:
    case Strategy::kSize:
    case Strategy::kLookup:
    case Strategy::kSizeLookup: {
      const auto cost = [strategy](const Assignment& a, std::size_t t, std::size_t) {
        return dreamshard_cost(strategy, a.problem().input.tables[t]);
      };
      return list_partition(p, propose(p, Proposal::kTableWise), {cost, cost}, name);
    }
    case Strategy::kLpt:
    case Strategy::kKk: {
      std::vector<Candidate> candidates;
      for (Proposal proposal : {Proposal::kCheapest, Proposal::kBalanced, Proposal::kCompact}) {
        candidates.push_back([&p, &lpt, &name, strategy, proposal] {
          const std::vector<int> choice = propose(p, proposal);
          return strategy == Strategy::kLpt ? list_partition(p, choice, lpt, name)
                                            : karmarkar_karp_partition(p, choice, name);
        });
      }
      return best_of(candidates);
    }
    case Strategy::kOurs:
      break;
  }
  throw std::logic_error("run: ours is not a baseline");
}

// Ours: every other strategy's plan and those of LPT and Karmarkar-Karp on the proposals within
// the targets of proposal_targets, each improved by local search (a better start can end in a
// worse local optimum), the best kept (ties: the first); never worse than any baseline.
ShardingPlan plan_ours(const PlanningProblem& p) {
  std::vector<Candidate> candidates;
  std::vector<ShardingPlan> baselines;
  for (Strategy s : kStrategies) {
    if (s == Strategy::kOurs) continue;
    candidates.push_back([&p, &baselines, s] {
      Assignment a = run(p, s);
      baselines.push_back(a.to_plan(to_string(s)));
      return a;
    });
  }
  const std::string name = to_string(Strategy::kOurs);
  for (double target : proposal_targets(p, kTargets)) {
    candidates.push_back([&p, &name, target] {
      return list_partition(p, propose_within(p, target), {shard_time, shard_time}, name);
    });
    candidates.push_back([&p, &name, target] {
      return karmarkar_karp_partition(p, propose_within(p, target), name);
    });
  }
  std::optional<ShardingPlan> plan;
  for (Assignment& a : feasible(candidates)) {
    ShardingPlan start = a.to_plan(name);
    local_search(a);
    ShardingPlan searched = a.to_plan(name);
    ShardingPlan& better = searched.rating.makespan_s <= start.rating.makespan_s ? searched : start;
    if (!plan || better.rating.makespan_s < plan->rating.makespan_s) plan = std::move(better);
  }
  for (const ShardingPlan& b : baselines) {
    if (plan->rating.makespan_s > b.rating.makespan_s)
      throw std::logic_error(fmt::format("ours ({} s) is worse than {} ({} s)",
                                         plan->rating.makespan_s, b.strategy, b.rating.makespan_s));
  }
  return *plan;
}

}  // namespace

std::string to_string(Strategy strategy) {
  switch (strategy) {
    case Strategy::kOurs:
      return "ours";
    case Strategy::kGreedy:
      return "greedy";
    case Strategy::kDim:
      return "dim";
    case Strategy::kSize:
      return "size";
    case Strategy::kLookup:
      return "lookup";
    case Strategy::kSizeLookup:
      return "size_lookup";
    case Strategy::kLpt:
      return "lpt";
    case Strategy::kKk:
      break;
  }
  return "kk";
}

Strategy parse_strategy(std::string_view name, std::string_view input) {
  for (Strategy s : kStrategies) {
    if (name == to_string(s)) return s;
  }
  throw Error(input, fmt::format("'{}' is not a strategy (ours, greedy, dim, size, lookup, "
                                 "size_lookup, lpt, kk)",
                                 name));
}

const std::vector<Strategy>& all_strategies() {
  static const std::vector<Strategy> all(kStrategies.begin(), kStrategies.end());
  return all;
}

ShardingPlan plan_sharding(const PlannerInput& input, const Bandwidths& bandwidths,
                           Strategy strategy) {
  const PlanningProblem problem(input, bandwidths);
  if (strategy == Strategy::kOurs) return plan_ours(problem);
  return run(problem, strategy).to_plan(to_string(strategy));
}

}  // namespace tessera::dlrm
