// The plan in progress of sharding_assignment.hpp: placing and removing shards with their ranks'
// loads kept up to date, the helpers that choose ranks and nodes, and the rated plan it yields.
#include "sharding_assignment.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "tessera/core/error.hpp"

namespace tessera::dlrm {

PlanningProblem::PlanningProblem(const PlannerInput& in, const Bandwidths& bw)
    : input(in),
      bandwidths(bw),
      options(enumerate_and_estimate(in, bw)),
      ranks(in.ranks),
      ranks_per_node(dlrm::ranks_per_node(in)),
      cap(in.memory_per_rank_bytes) {}

Assignment::Assignment(const PlanningProblem& problem, const std::vector<int>& choice)
    : problem_(&problem),
      choice_(choice),
      loads_(static_cast<std::size_t>(problem.ranks), 0.0),
      memory_(static_cast<std::size_t>(problem.ranks), 0) {
  for (std::size_t t = 0; t < choice_.size(); ++t) ranks_.emplace_back(option(t).shards.size(), -1);
}

const ShardingOption& Assignment::option(std::size_t t) const {
  return problem_->options[t][static_cast<std::size_t>(choice_[t])];
}

void Assignment::place(std::size_t t, std::size_t s, int r) {
  const ShardCost& cost = option(t).shards[s].cost;
  ranks_[t][s] = r;
  loads_[static_cast<std::size_t>(r)] += cost.time_s();
  memory_[static_cast<std::size_t>(r)] += cost.memory_bytes;
}

void Assignment::unplace(std::size_t t, std::size_t s) {
  const ShardCost& cost = option(t).shards[s].cost;
  const auto r = static_cast<std::size_t>(ranks_[t][s]);
  loads_[r] -= cost.time_s();
  memory_[r] -= cost.memory_bytes;
  ranks_[t][s] = -1;
}

void Assignment::rechoose(std::size_t t, int o) {
  for (std::size_t s = 0; s < ranks_[t].size(); ++s) {
    if (ranks_[t][s] >= 0) unplace(t, s);
  }
  choice_[t] = o;
  ranks_[t].assign(option(t).shards.size(), -1);
}

std::pair<double, double> Assignment::objective() const {
  double makespan = 0.0, squares = 0.0;
  for (double load : loads_) {
    makespan = std::max(makespan, load);
    squares += load * load;
  }
  return {makespan, squares};
}

ShardingPlan Assignment::to_plan(const std::string& strategy) const {
  const PlannerInput& in = problem_->input;
  ShardingPlan plan{strategy,
                    problem_->ranks,
                    problem_->ranks_per_node,
                    problem_->cap,
                    in.batch_size,
                    in.optimizer,
                    problem_->bandwidths,
                    {},
                    {}};
  for (std::size_t t = 0; t < tables(); ++t) {
    const TableStats& stats = in.tables[t];
    TablePlan table{stats.name, stats.rows, stats.dim, option(t).type, option(t).shards};
    for (std::size_t s = 0; s < table.shards.size(); ++s) table.shards[s].rank = ranks_[t][s];
    plan.tables.push_back(std::move(table));
  }
  plan.rating = rate_plan(plan.tables, plan.ranks);
  return plan;
}

bool fixed_ranks(ShardingType type) {
  return type == ShardingType::kRowWise || type == ShardingType::kDataParallel;
}

void place_fixed(Assignment& a, std::size_t t) {
  const ShardingOption& option = a.option(t);
  for (std::size_t s = 0; s < option.shards.size(); ++s) {
    const Shard& shard = option.shards[s];
    if (!a.fits(shard.rank, shard.cost.memory_bytes)) {
      throw Error(fmt::format("table '{}'", a.problem().input.tables[t].name),
                  fmt::format("its {} shard of {} bytes does not fit on rank {} ({} of {} bytes "
                              "used)",
                              to_string(option.type), shard.cost.memory_bytes, shard.rank,
                              a.memory(shard.rank), a.problem().cap));
    }
    a.place(t, s, shard.rank);
  }
}

int least_loaded_rank(const Assignment& a, const std::vector<double>& metric, std::int64_t bytes) {
  int best = -1;
  for (int r = 0; r < a.problem().ranks; ++r) {
    if (a.fits(r, bytes) &&
        (best < 0 || metric[static_cast<std::size_t>(r)] < metric[static_cast<std::size_t>(best)]))
      best = r;
  }
  return best;
}

int least_loaded_node(const Assignment& a, std::size_t t, const std::vector<double>& metric,
                      const std::vector<double>& weight) {
  const int node = a.problem().ranks_per_node;
  const std::vector<Shard>& shards = a.option(t).shards;
  int best = -1;
  double best_peak = 0.0;
  for (int n = 0; n * node < a.problem().ranks; ++n) {
    double peak = 0.0;
    bool fits = true;
    for (std::size_t s = 0; s < shards.size(); ++s) {
      const int r = n * node + shards[s].rank;
      fits = fits && a.fits(r, shards[s].cost.memory_bytes);
      peak = std::max(peak, metric[static_cast<std::size_t>(r)] + weight[s]);
    }
    if (fits && (best < 0 || peak < best_peak)) best = n, best_peak = peak;
  }
  return best;
}

bool place_table(Assignment& a, std::size_t t) {
  const ShardingOption& option = a.option(t);
  const std::vector<Shard>& shards = option.shards;
  if (fixed_ranks(option.type)) {
    for (std::size_t s = 0; s < shards.size(); ++s) {
      if (!a.fits(shards[s].rank, shards[s].cost.memory_bytes)) return false;
    }
    place_fixed(a, t);
    return true;
  }
  if (option.type == ShardingType::kTableRowWise) {
    std::vector<double> weight;
    for (const Shard& s : shards) weight.push_back(s.cost.time_s());
    const int n = least_loaded_node(a, t, a.loads(), weight);
    if (n < 0) return false;
    for (std::size_t s = 0; s < shards.size(); ++s)
      a.place(t, s, n * a.problem().ranks_per_node + shards[s].rank);
    return true;
  }
  std::vector<std::size_t> order(shards.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    return shards[x].cost.time_s() > shards[y].cost.time_s();
  });
  for (std::size_t s : order) {
    const int r = least_loaded_rank(a, a.loads(), shards[s].cost.memory_bytes);
    if (r < 0) return false;
    a.place(t, s, r);
  }
  return true;
}

void fail_fits_nowhere(const Assignment& a, std::size_t t, std::int64_t bytes,
                       const std::string& strategy) {
  std::int64_t most_free = 0;
  for (int r = 0; r < a.problem().ranks; ++r)
    most_free = std::max(most_free, a.problem().cap - a.memory(r));
  throw Error(
      fmt::format("table '{}'", a.problem().input.tables[t].name),
      fmt::format("fits on no rank ({}): its {} shard needs {} bytes, the most free "
                  "memory on a rank is {} of {} bytes",
                  strategy, to_string(a.option(t).type), bytes, most_free, a.problem().cap));
}

}  // namespace tessera::dlrm
