// Partition, the planner's fourth stage: list scheduling (TorchRec's GreedyPerfPartitioner by
// storage, DreamShard's cost-greedy baselines, Graham's LPT 1969) and multi-way Karmarkar-Karp
// largest differencing (Karmarkar & Karp 1982) with a memory repair.
#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <queue>
#include <tuple>

#include "sharding_stages.hpp"
#include "tessera/dlrm/sharding_planner.hpp"

namespace tessera::dlrm {
namespace {

// A unit of list scheduling: a free shard (shard >= 0) or a TWRW table as a whole (shard < 0).
struct Unit {
  std::size_t table = 0;
  int shard = -1;
  double key = 0.0;
};

// One partial solution of the multi-way differencing: `ranks` subsets, each with its sum, its
// items and the rank it stands for (-1 until merged with the ranks' own subset).
struct Subset {
  double sum = 0.0;
  std::vector<std::size_t> items;
  int rank = -1;
};
using Partial = std::vector<Subset>;

double spread(const Partial& p) {
  const auto [lo, hi] = std::minmax_element(
      p.begin(), p.end(), [](const Subset& a, const Subset& b) { return a.sum < b.sum; });
  return hi->sum - lo->sum;
}

// Items' indices by decreasing weight, ties by index.
std::vector<std::size_t> decreasing(std::span<const double> weights) {
  std::vector<std::size_t> order(weights.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return weights[a] > weights[b]; });
  return order;
}

}  // namespace

std::vector<int> lpt_assign(std::span<const double> weights, std::vector<double>& loads) {
  std::vector<int> rank(weights.size(), -1);
  for (std::size_t i : decreasing(weights)) {
    const auto r =
        static_cast<std::size_t>(std::min_element(loads.begin(), loads.end()) - loads.begin());
    rank[i] = static_cast<int>(r);
    loads[r] += weights[i];
  }
  return rank;
}

std::vector<int> karmarkar_karp_assign(std::span<const double> weights,
                                       std::vector<double>& loads) {
  const std::size_t ranks = loads.size();
  std::vector<Partial> partials;
  Partial own(ranks);  // the ranks' present loads, each subset tied to its rank
  for (std::size_t r = 0; r < ranks; ++r) own[r] = {loads[r], {}, static_cast<int>(r)};
  partials.push_back(std::move(own));
  for (std::size_t i = 0; i < weights.size(); ++i) {
    Partial p(ranks);
    p[0] = {weights[i], {i}, -1};
    partials.push_back(std::move(p));
  }
  // Largest spread first; ties: the partial made first.
  using Entry = std::pair<double, std::size_t>;
  const auto later = [](const Entry& a, const Entry& b) {
    return a.first < b.first || (a.first == b.first && a.second > b.second);
  };
  std::priority_queue<Entry, std::vector<Entry>, decltype(later)> queue(later);
  for (std::size_t k = 0; k < partials.size(); ++k) queue.push({spread(partials[k]), k});
  while (queue.size() > 1) {
    Partial a = std::move(partials[queue.top().second]);
    queue.pop();
    Partial b = std::move(partials[queue.top().second]);
    queue.pop();
    // The largest subset of one joins the smallest of the other: the differences cancel.
    const auto by_sum = [](const Subset& x, const Subset& y) { return x.sum < y.sum; };
    std::stable_sort(a.begin(), a.end(),
                     [&](const Subset& x, const Subset& y) { return by_sum(y, x); });
    std::stable_sort(b.begin(), b.end(), by_sum);
    for (std::size_t j = 0; j < ranks; ++j) {
      a[j].sum += b[j].sum;
      a[j].items.insert(a[j].items.end(), b[j].items.begin(), b[j].items.end());
      a[j].rank = std::max(a[j].rank, b[j].rank);
    }
    queue.push({spread(a), partials.size()});
    partials.push_back(std::move(a));
  }
  std::vector<int> rank(weights.size(), -1);
  for (const Subset& subset : partials[queue.top().second]) {
    loads[static_cast<std::size_t>(subset.rank)] = subset.sum;
    for (std::size_t i : subset.items) rank[i] = subset.rank;
  }
  return rank;
}

Assignment list_partition(const PlanningProblem& problem, const std::vector<int>& choice,
                          const ListRule& rule, const std::string& strategy) {
  Assignment a(problem, choice);
  std::vector<double> metric(static_cast<std::size_t>(problem.ranks), 0.0);
  std::vector<Unit> units;
  for (std::size_t t = 0; t < a.tables(); ++t) {
    const ShardingOption& option = a.option(t);
    if (fixed_ranks(option.type)) {
      place_fixed(a, t);
      for (std::size_t s = 0; s < option.shards.size(); ++s)
        metric[static_cast<std::size_t>(option.shards[s].rank)] += rule.weight(a, t, s);
    } else if (option.type == ShardingType::kTableRowWise) {
      double key = 0.0;
      for (std::size_t s = 0; s < option.shards.size(); ++s) key += rule.key(a, t, s);
      units.push_back({t, -1, key});
    } else {
      for (std::size_t s = 0; s < option.shards.size(); ++s)
        units.push_back({t, static_cast<int>(s), rule.key(a, t, s)});
    }
  }
  std::stable_sort(units.begin(), units.end(),
                   [](const Unit& x, const Unit& y) { return x.key > y.key; });
  for (const Unit& u : units) {
    const std::vector<Shard>& shards = a.option(u.table).shards;
    if (u.shard >= 0) {
      const auto s = static_cast<std::size_t>(u.shard);
      const int r = least_loaded_rank(a, metric, shards[s].cost.memory_bytes);
      if (r < 0) fail_fits_nowhere(a, u.table, shards[s].cost.memory_bytes, strategy);
      a.place(u.table, s, r);
      metric[static_cast<std::size_t>(r)] += rule.weight(a, u.table, s);
      continue;
    }
    std::vector<double> weight;
    for (std::size_t s = 0; s < shards.size(); ++s) weight.push_back(rule.weight(a, u.table, s));
    const int n = least_loaded_node(a, u.table, metric, weight);
    if (n < 0) fail_fits_nowhere(a, u.table, a.option(u.table).max_shard_memory_bytes(), strategy);
    for (std::size_t s = 0; s < shards.size(); ++s) {
      const int r = n * problem.ranks_per_node + shards[s].rank;
      a.place(u.table, s, r);
      metric[static_cast<std::size_t>(r)] += weight[s];
    }
  }
  return a;
}

Assignment karmarkar_karp_partition(const PlanningProblem& problem, const std::vector<int>& choice,
                                    const std::string& strategy) {
  Assignment a(problem, choice);
  std::vector<std::pair<std::size_t, std::size_t>> free;  // (table, shard)
  std::vector<double> weights;
  for (std::size_t t = 0; t < a.tables(); ++t) {
    if (fixed_ranks(a.option(t).type)) place_fixed(a, t);
  }
  for (std::size_t t = 0; t < a.tables(); ++t) {
    const ShardingOption& option = a.option(t);
    if (option.type == ShardingType::kTableRowWise) {
      if (!place_table(a, t)) fail_fits_nowhere(a, t, option.max_shard_memory_bytes(), strategy);
    } else if (!fixed_ranks(option.type)) {
      for (std::size_t s = 0; s < option.shards.size(); ++s) {
        free.emplace_back(t, s);
        weights.push_back(option.shards[s].cost.time_s());
      }
    }
  }
  std::vector<double> loads = a.loads();
  const std::vector<int> rank = karmarkar_karp_assign(weights, loads);
  for (std::size_t i = 0; i < free.size(); ++i) a.place(free[i].first, free[i].second, rank[i]);
  // Memory repair: a rank over the cap sends its largest free shards (ties: the shorter, then
  // the earlier) to the least-loaded ranks where they fit. Fixed and TWRW shards fit already, so
  // moving every free shard away would always bring the rank under the cap.
  for (int r = 0; r < problem.ranks; ++r) {
    std::vector<std::size_t> on_rank;
    for (std::size_t i = 0; i < free.size(); ++i) {
      if (a.rank(free[i].first, free[i].second) == r) on_rank.push_back(i);
    }
    const auto bytes = [&](std::size_t i) {
      return a.option(free[i].first).shards[free[i].second].cost.memory_bytes;
    };
    std::stable_sort(on_rank.begin(), on_rank.end(), [&](std::size_t x, std::size_t y) {
      return std::make_tuple(-bytes(x), weights[x]) < std::make_tuple(-bytes(y), weights[y]);
    });
    for (std::size_t i : on_rank) {
      if (a.memory(r) <= problem.cap) break;
      const auto [t, s] = free[i];
      a.unplace(t, s);
      const int to = least_loaded_rank(a, a.loads(), bytes(i));
      if (to < 0) fail_fits_nowhere(a, t, bytes(i), strategy);
      a.place(t, s, to);
    }
  }
  return a;
}

}  // namespace tessera::dlrm
