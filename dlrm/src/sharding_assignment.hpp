// A sharding plan in progress, shared by the planner's propose, partition and search stages: the
// estimated options of every table, the option chosen for each, where each shard sits, and each
// rank's modelled time and memory kept up to date as shards are placed and removed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/dlrm/sharding.hpp"

namespace tessera::dlrm {

/// What is planned: the input with its resolved bandwidths and every table's estimated options.
struct PlanningProblem {
  PlanningProblem(const PlannerInput& input, const Bandwidths& bandwidths);

  const PlannerInput& input;
  Bandwidths bandwidths;
  std::vector<std::vector<ShardingOption>> options;  // options[table][option]
  int ranks = 1;
  int ranks_per_node = 1;
  std::int64_t cap = 0;  // memory per rank, bytes
};

/// A choice of option per table and a rank per shard (-1 while unplaced), with per-rank loads.
class Assignment {
 public:
  /// Every table given option `choice[t]`, nothing placed.
  Assignment(const PlanningProblem& problem, const std::vector<int>& choice);

  const PlanningProblem& problem() const { return *problem_; }
  std::size_t tables() const { return choice_.size(); }
  int choice(std::size_t t) const { return choice_[t]; }
  /// The option chosen for table t.
  const ShardingOption& option(std::size_t t) const;
  int rank(std::size_t t, std::size_t s) const { return ranks_[t][s]; }
  /// Modelled step time of rank r in seconds.
  double load(int r) const { return loads_[static_cast<std::size_t>(r)]; }
  const std::vector<double>& loads() const { return loads_; }
  /// Memory of rank r in bytes.
  std::int64_t memory(int r) const { return memory_[static_cast<std::size_t>(r)]; }
  /// Whether `bytes` more fit on rank r.
  bool fits(int r, std::int64_t bytes) const { return memory(r) + bytes <= problem_->cap; }

  /// Puts shard s of table t (unplaced) on rank r, whether or not it fits.
  void place(std::size_t t, std::size_t s, int r);
  /// Takes shard s of table t (placed) off its rank.
  void unplace(std::size_t t, std::size_t s);
  /// Takes every shard of table t off and chooses option o for it.
  void rechoose(std::size_t t, int o);

  /// The makespan (s) and the sum of squared rank times (s^2): the search's objective.
  std::pair<double, double> objective() const;

  /// The plan of a complete assignment, rated.
  ShardingPlan to_plan(const std::string& strategy) const;

 private:
  const PlanningProblem* problem_;
  std::vector<int> choice_;
  std::vector<std::vector<int>> ranks_;
  std::vector<double> loads_;
  std::vector<std::int64_t> memory_;
};

/// Whether the shards of `type` have fixed ranks (RW, DP: shard i on rank i).
bool fixed_ranks(ShardingType type);

/// Places the (unplaced) fixed shards of table t; tessera::Error naming the table if one does
/// not fit.
void place_fixed(Assignment& a, std::size_t t);

/// The rank with the lowest `metric` load (ties: the lowest rank) where `bytes` more fit; -1 if
/// none.
int least_loaded_rank(const Assignment& a, const std::vector<double>& metric, std::int64_t bytes);

/// For table t, chosen TWRW: the node (ties: the lowest) whose busiest rank would carry the lowest
/// `metric` load with the shards added (shard weights `weight[s]`), where all of them fit; -1 if
/// none.
int least_loaded_node(const Assignment& a, std::size_t t, const std::vector<double>& metric,
                      const std::vector<double>& weight);

/// Places table t's unplaced shards: fixed ones on their ranks, a TWRW table on the node whose
/// busiest rank would be least loaded, free shards (longest first) each on the least-loaded rank
/// where it fits. Returns false (shards left unplaced) when something does not fit.
bool place_table(Assignment& a, std::size_t t);

/// tessera::Error naming table t: its shard of `bytes` fits on no rank.
[[noreturn]] void fail_fits_nowhere(const Assignment& a, std::size_t t, std::int64_t bytes,
                                    const std::string& strategy);

}  // namespace tessera::dlrm
