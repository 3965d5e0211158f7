// The planner's propose, partition and search stages over an Assignment (private to the
// library): proposals of one option per table, the list-scheduling and Karmarkar-Karp
// partitioners, and the local search that improves a complete assignment.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sharding_assignment.hpp"

namespace tessera::dlrm {

/// How a proposer picks each table's option among those whose shards fit in a rank's memory.
enum class Proposal {
  kTableWise,  // TW for every table (DreamShard's heuristics place whole tables)
  kCheapest,   // the lowest total estimated time, earlier options (TW first) on ties: TorchRec's
  kBalanced,   // kCheapest, except that a table whose longest shard exceeds the mean rank time
               // takes the option with the lowest max(longest shard, total / ranks)
  kCompact,    // the smallest largest shard (memory), then the lowest time: fits where the
               // others cannot
};

/// One option index per table. tessera::Error naming the first table with no option that fits.
std::vector<int> propose(const PlanningProblem& problem, Proposal proposal);

/// One option index per table chosen for a target step time: among the options that fit in a
/// rank's memory, the one with the lowest total time whose longest shard takes at most `target`
/// seconds, or, where none does, the one with the shortest longest shard (ties: the lower total
/// time, then the earlier). The work-minimal allotment under a length bound of parallelizable-task
/// scheduling (Turek, Wolf & Yu 1992): splitting a table only as far as the target asks keeps the
/// communication that splitting adds off the other ranks. tessera::Error as propose.
std::vector<int> propose_within(const PlanningProblem& problem, double target);

/// Up to `count` targets for propose_within, in increasing order: among the longest-shard times of
/// the options that fit, those whose proposals (distinct ones) have the lowest lower bound on the
/// makespan, max(longest shard, total time / ranks); ties: the smaller target.
std::vector<double> proposal_targets(const PlanningProblem& problem, std::size_t count);

/// A list-scheduling rule: units (free shards, or a TWRW table as a whole) are taken by
/// decreasing `key` (ties: table, then shard order); each goes where its `weight` added to the
/// ranks' running totals of weights gives the lowest load (a TWRW table: the lowest busiest
/// rank of a node), among the ranks where it fits.
struct ListRule {
  std::function<double(const Assignment&, std::size_t t, std::size_t s)> key;
  std::function<double(const Assignment&, std::size_t t, std::size_t s)> weight;
};

/// Fixed shards (RW, DP) first, then the units by `rule`. tessera::Error naming the table whose
/// shard fits nowhere.
Assignment list_partition(const PlanningProblem& problem, const std::vector<int>& choice,
                          const ListRule& rule, const std::string& strategy);

/// Fixed shards first, TWRW tables by LPT, then multi-way Karmarkar-Karp over the free shards'
/// times from the ranks' loads, then a memory repair that moves shards off ranks over the cap
/// (largest first, to the least-loaded rank where they fit). tessera::Error naming the table
/// whose shard fits nowhere.
Assignment karmarkar_karp_partition(const PlanningProblem& problem, const std::vector<int>& choice,
                                    const std::string& strategy);

/// Improves a complete assignment in place: moves and swaps of free shards between the busiest
/// rank and the others, and re-choosing the option of a table on the busiest rank, each accepted
/// when it lowers (makespan, sum of squared rank times) lexicographically; never breaks a memory
/// cap; deterministic. Returns the number of accepted steps.
int local_search(Assignment& a);

}  // namespace tessera::dlrm
