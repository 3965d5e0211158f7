// Propose, the planner's third stage: one sharding option per table, as TorchRec's proposers
// (the cheapest option that fits), DreamShard's (whole tables), balanced (hot tables split),
// compact (the smallest shards), or the cheapest within a target step time.
#include <fmt/format.h>

#include <algorithm>
#include <utility>

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

// An option's total time, longest shard time, and whether its largest shard fits in a rank.
struct OptionSummary {
  double time = 0.0, longest = 0.0;
  bool fits = false;
};
using Summaries = std::vector<std::vector<OptionSummary>>;  // [table][option]

Summaries summarize(const PlanningProblem& p) {
  Summaries all;
  for (const std::vector<ShardingOption>& options : p.options) {
    std::vector<OptionSummary>& table = all.emplace_back();
    for (const ShardingOption& o : options)
      table.push_back({o.time_s(), o.max_shard_time_s(), o.max_shard_memory_bytes() <= p.cap});
  }
  return all;
}

// propose_within over the summaries; -1 for a table with no option that fits.
std::vector<int> choose_within(const Summaries& summaries, double target) {
  std::vector<int> choice;
  for (const std::vector<OptionSummary>& options : summaries) {
    int best = -1;
    const auto better = [&](const OptionSummary& x, const OptionSummary& y) {
      const bool x_within = x.longest <= target, y_within = y.longest <= target;
      if (x_within != y_within) return x_within;
      return x_within ? x.time < y.time
                      : std::make_pair(x.longest, x.time) < std::make_pair(y.longest, y.time);
    };
    for (std::size_t o = 0; o < options.size(); ++o) {
      if (options[o].fits &&
          (best < 0 || better(options[o], options[static_cast<std::size_t>(best)])))
        best = static_cast<int>(o);
    }
    choice.push_back(best);
  }
  return choice;
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

std::vector<int> propose_within(const PlanningProblem& p, double target) {
  std::vector<int> choice = choose_within(summarize(p), target);
  for (std::size_t t = 0; t < choice.size(); ++t) {
    if (choice[t] < 0) choice[t] = cheapest_fitting(p, t);  // throws, naming the table
  }
  return choice;
}

std::vector<double> proposal_targets(const PlanningProblem& p, std::size_t count) {
  const Summaries summaries = summarize(p);
  std::vector<double> targets;
  for (const std::vector<OptionSummary>& options : summaries) {
    for (const OptionSummary& o : options) {
      if (o.fits) targets.push_back(o.longest);
    }
  }
  std::sort(targets.begin(), targets.end());
  targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
  std::vector<std::pair<double, double>> scored;  // (bound, target)
  for (double target : targets) {
    const std::vector<int> choice = choose_within(summaries, target);
    double longest = 0.0, total = 0.0;
    for (std::size_t t = 0; t < choice.size(); ++t) {
      if (choice[t] < 0) return {};  // a table fits nowhere: propose says which
      const OptionSummary& o = summaries[t][static_cast<std::size_t>(choice[t])];
      longest = std::max(longest, o.longest);
      total += o.time;
    }
    scored.emplace_back(std::max(longest, total / p.ranks), target);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<double> chosen;
  std::vector<std::vector<int>> proposals;
  for (const auto& [bound, target] : scored) {
    if (chosen.size() == count) break;
    std::vector<int> choice = choose_within(summaries, target);
    if (std::find(proposals.begin(), proposals.end(), choice) != proposals.end()) continue;
    proposals.push_back(std::move(choice));
    chosen.push_back(target);
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

}  // namespace tessera::dlrm
