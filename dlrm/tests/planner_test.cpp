// Tests of the sharding planner's strategies: LPT and Karmarkar-Karp on textbook instances, the
// baselines on hand-checked placements, memory caps (and the error naming a table that fits
// nowhere), ours never worse than any other strategy on seeded random instances and on MLPerf
// DLRMv2 at 2..64 ranks, nor than TorchRec's planner's plan of MLPerf at 32 ranks, and
// determinism of the plan's bytes.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/dlrm/sharding_planner.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera::dlrm {
namespace {

using tessera::testing::expect_error;

const Bandwidths kBandwidths{1e11, 1.25e10, 1.25e10, 1e11};

double makespan(const std::vector<int>& rank, const std::vector<double>& weights, int ranks) {
  std::vector<double> loads(static_cast<std::size_t>(ranks), 0.0);
  for (std::size_t i = 0; i < weights.size(); ++i)
    loads[static_cast<std::size_t>(rank[i])] += weights[i];
  return *std::max_element(loads.begin(), loads.end());
}

TEST(PlannerTextbook, KarmarkarKarpBeatsLptOnEightToFour) {
  // {8, 7, 6, 5, 4} on 2 ranks: LPT gives 8+5+4 = 17; differencing 8-7, 6-5, then 4 against
  // (8,7) gives (11, 8), then (16, 14): 16 (the optimum is 15).
  const std::vector<double> w{8, 7, 6, 5, 4};
  std::vector<double> lpt_loads(2, 0.0), kk_loads(2, 0.0);
  EXPECT_EQ(makespan(lpt_assign(w, lpt_loads), w, 2), 17);
  EXPECT_EQ(makespan(karmarkar_karp_assign(w, kk_loads), w, 2), 16);
  EXPECT_EQ(*std::max_element(kk_loads.begin(), kk_loads.end()), 16);
}

TEST(PlannerTextbook, LptOnGrahamsWorstCase) {
  // 2m+1 jobs on m = 3 ranks: LPT gives 11, the optimum (5+4, 5+4, 3+3+3) is 9 = 11 / (4/3 - 1/9).
  const std::vector<double> w{5, 5, 4, 4, 3, 3, 3};
  std::vector<double> loads(3, 0.0);
  EXPECT_EQ(makespan(lpt_assign(w, loads), w, 3), 11);
}

TEST(PlannerTextbook, BothStartFromTheRanksLoads) {
  const std::vector<double> w{3, 2};
  std::vector<double> loads{5, 0};
  EXPECT_EQ(lpt_assign(w, loads), (std::vector<int>{1, 1}));
  loads = {5, 0};
  EXPECT_EQ(karmarkar_karp_assign(w, loads), (std::vector<int>{1, 1}));
  EXPECT_EQ(loads, (std::vector<double>{5, 5}));
}

PlannerInput tables(const std::vector<TableStats>& t, int ranks, std::int64_t cap) {
  PlannerInput input;
  input.tables = t;
  input.ranks = ranks;
  input.memory_per_rank_bytes = cap;
  input.batch_size = 1024;
  input.optimizer = OptimizerKind::kSgd;
  return input;
}

int rank_of(const ShardingPlan& plan, const std::string& table) {
  for (const TablePlan& t : plan.tables) {
    if (t.name == table) return t.shards.at(0).rank;
  }
  return -1;
}

TEST(PlannerBaselines, DreamShardDimPlacesWholeTablesByDim) {
  // Largest dim first: b (128) -> rank 0; a (64) -> rank 1 (load 0 < 128); c (64) -> rank 1
  // (load 64 < 128).
  const PlannerInput input =
      tables({{"a", 10, 64, 1, 0}, {"b", 10, 128, 1, 0}, {"c", 10, 64, 1, 0}}, 2, 1 << 20);
  const ShardingPlan plan = plan_sharding(input, kBandwidths, Strategy::kDim);
  EXPECT_EQ(rank_of(plan, "b"), 0);
  EXPECT_EQ(rank_of(plan, "a"), 1);
  EXPECT_EQ(rank_of(plan, "c"), 1);
  for (const TablePlan& t : plan.tables) {
    EXPECT_EQ(t.type, ShardingType::kTableWise);
  }
}

TEST(PlannerBaselines, GreedyTakesTablesInStorageOrder) {
  // Storage order: big, mid, hot. big -> rank 0, mid -> rank 1 (idle), then hot to the rank with
  // the lower modelled time: big and mid cost the same (a table-wise shard's time does not depend
  // on its rows), so the lower rank, 0. LPT by time would have taken hot first.
  const PlannerInput input =
      tables({{"hot", 1000, 128, 50, 0}, {"big", 100000, 128, 1, 0}, {"mid", 5000, 128, 1, 0}}, 2,
             std::int64_t{1} << 30);
  const ShardingPlan plan = plan_sharding(input, kBandwidths, Strategy::kGreedy);
  EXPECT_EQ(rank_of(plan, "big"), 0);
  EXPECT_EQ(rank_of(plan, "mid"), 1);
  EXPECT_EQ(rank_of(plan, "hot"), 0);
}

PlannerInput random_instance(std::uint64_t seed) {
  const CounterRng rng(seed, 7);
  const int ranks = 2 + static_cast<int>(rng.uniform_int(0, 15));
  const int count = 4 + static_cast<int>(rng.uniform_int(1, 40));
  std::vector<TableStats> t;
  double bytes = 0.0;
  for (int i = 0; i < count; ++i) {
    const auto k = static_cast<std::uint64_t>(10 + 4 * i);
    const auto rows = static_cast<std::int64_t>(std::pow(10.0, rng.uniform(k, 1.0, 7.0)));
    const std::int64_t dim = std::int64_t{16} << rng.uniform_int(k + 1, 4);
    const double pooling = std::round(std::exp(rng.uniform(k + 2, 0.0, 4.0)));
    t.push_back({fmt::format("t{}", i), rows, dim, pooling, 0.0});
    bytes += static_cast<double>(rows * dim * 4);
  }
  // Between 1.3x and 3x the mean table memory a rank.
  const double slack = rng.uniform(3, 1.3, 3.0);
  PlannerInput input =
      tables(t, ranks, static_cast<std::int64_t>(bytes * slack / ranks) + (1 << 20));
  input.ranks_per_node = ranks % 2 == 0 ? 2 : 0;  // some instances with TWRW
  input.bandwidths = {1e10, 1.25e10, 1.25e10, 1e11};
  return input;
}

// Runs every strategy; checks the caps and the cover; returns the feasible plans.
std::vector<ShardingPlan> every_strategy(const PlannerInput& input) {
  std::vector<ShardingPlan> plans;
  const Bandwidths bw = resolve_bandwidths(input.bandwidths);
  for (Strategy s : all_strategies()) {
    try {
      ShardingPlan plan = plan_sharding(input, bw, s);
      for (const RankLoad& r : plan.rating.ranks) {
        EXPECT_LE(r.memory_bytes, input.memory_per_rank_bytes) << to_string(s);
      }
      parse_plan(plan_json(plan), to_string(s));  // every table covered as its type says
      plans.push_back(std::move(plan));
    } catch (const Error& e) {
      // Ours fails only where every other strategy failed.
      EXPECT_TRUE(s != Strategy::kOurs || plans.empty()) << e.what();
      EXPECT_NE(std::string(e.what()).find("fits on no rank"), std::string::npos) << e.what();
    }
  }
  return plans;
}

void expect_ours_best(const std::vector<ShardingPlan>& plans, const std::string& label) {
  ASSERT_FALSE(plans.empty()) << label;
  ASSERT_EQ(plans.back().strategy, "ours") << label;
  for (const ShardingPlan& p : plans) {
    EXPECT_LE(plans.back().rating.makespan_s, p.rating.makespan_s) << label << " " << p.strategy;
  }
}

TEST(PlannerQuality, OursNeverWorseOnSeededRandomInstances) {
  int feasible = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    const std::vector<ShardingPlan> plans = every_strategy(random_instance(seed));
    if (plans.empty()) continue;  // nothing fits: every strategy said which table
    ++feasible;
    expect_ours_best(plans, fmt::format("seed {}", seed));
  }
  EXPECT_GE(feasible, 50);
}

TEST(PlannerQuality, OursNeverWorseOnMlperfFrom2To64Ranks) {
  for (int ranks : {2, 4, 8, 16, 32, 64}) {
    GenerateOptions g;
    g.ranks = ranks;
    g.memory_per_rank_bytes = std::int64_t{64} << 30;
    PlannerInput input = generate_table_stats(g);
    input.bandwidths = {1e11, 1.25e10, 1.25e10, 1e11};
    const std::vector<ShardingPlan> plans = every_strategy(input);
    expect_ours_best(plans, fmt::format("{} ranks", ranks));
    EXPECT_LT(plans.back().rating.makespan_s, plans.front().rating.makespan_s)
        << "ours beats greedy at " << ranks << " ranks";
  }
}

// TorchRec 0.7.0's EmbeddingShardingPlanner on MLPerf DLRMv2 at 32 ranks, 8 a node
// (dlrm/bench/torchrec_planner.py; as dlrm/bench/planner-vs-torchrec.sh runs it): the three hot
// 40M-row tables row-wise inside a node each, seven small ones replicated, the rest whole on one
// rank each (a one-slice column_wise shard there, table_wise here: the same costs). Rated by our
// cost model, 16.09 ms; ours split the hottest table row-wise over all 32 ranks and balanced the
// rest (17.19 ms), until it also proposed each table's cheapest option within a target time.
TEST(PlannerQuality, OursNoWorseThanTorchRecsPlanOfMlperfAt32Ranks) {
  GenerateOptions g;
  g.ranks = 32;
  g.memory_per_rank_bytes = std::int64_t{64} << 30;
  PlannerInput input = generate_table_stats(g);
  input.bandwidths = {1e11, 1.25e10, 1.25e10, 1e11};
  const std::map<std::string, int> whole{
      {"cat_0", 25},  {"cat_1", 29},  {"cat_2", 16},  {"cat_3", 18},
      {"cat_4", 30},  {"cat_6", 20},  {"cat_7", 22},  {"cat_9", 24},
      {"cat_10", 26}, {"cat_11", 28}, {"cat_13", 19}, {"cat_14", 31},
      {"cat_15", 21}, {"cat_17", 23}, {"cat_22", 27}, {"cat_23", 17}};
  const std::map<std::string, int> node{{"cat_19", 2}, {"cat_20", 0}, {"cat_21", 1}};
  const ShardingPlan ours = plan_sharding(input, kBandwidths, Strategy::kOurs);
  ShardingPlan torchrec = ours;
  torchrec.strategy = "torchrec";
  for (std::size_t t = 0; t < input.tables.size(); ++t) {
    const std::string& name = input.tables[t].name;
    const ShardingType type = whole.contains(name)  ? ShardingType::kTableWise
                              : node.contains(name) ? ShardingType::kTableRowWise
                                                    : ShardingType::kDataParallel;
    TablePlan& table = torchrec.tables[t];
    table.type = type;
    for (const ShardingOption& o : enumerate_options(input.tables[t], input)) {
      if (o.type == type) table.shards = o.shards;
    }
    for (Shard& shard : table.shards) {
      if (type == ShardingType::kTableWise) shard.rank = whole.at(name);
      if (type == ShardingType::kTableRowWise) shard.rank += 8 * node.at(name);
    }
  }
  estimate_plan(torchrec, input.tables, "mlperf");
  EXPECT_NEAR(torchrec.rating.makespan_s, 16.09e-3, 0.01e-3);
  EXPECT_LE(ours.rating.makespan_s, torchrec.rating.makespan_s);
}

TEST(PlannerMemory, ATableThatFitsNowhereIsNamed) {
  // 'huge' takes 4 MB; each of 2 ranks has 1.5 MB: no option fits (RW halves take 2 MB).
  const PlannerInput input =
      tables({{"small", 10, 32, 1, 0}, {"huge", 8192, 128, 1, 0}}, 2, 1500000);
  for (Strategy s : all_strategies()) {
    expect_error([&] { plan_sharding(input, kBandwidths, s); },
                 {"table 'huge'", "fits on no rank", ExitCode::kFailure});
  }
}

TEST(PlannerMemory, WholeTableHeuristicsFailWhereSplittingFits) {
  // 'big' (4 MB) fits only split over 2 ranks of 3 MB: DreamShard's whole-table heuristics
  // cannot place it, greedy and ours split it.
  const PlannerInput input =
      tables({{"small", 10, 32, 1, 0}, {"big", 8192, 128, 1, 0}}, 2, 3000000);
  expect_error([&] { plan_sharding(input, kBandwidths, Strategy::kSize); },
               {"table 'big'", "fits on no rank (size)", {}});
  for (Strategy s : {Strategy::kGreedy, Strategy::kLpt, Strategy::kKk, Strategy::kOurs}) {
    const ShardingPlan plan = plan_sharding(input, kBandwidths, s);
    EXPECT_LE(plan.rating.peak_memory_bytes, 3000000);
    EXPECT_NE(plan.tables[1].type, ShardingType::kTableWise);
  }
}

TEST(PlannerDeterminism, SameInputGivesTheSamePlanBytes) {
  GenerateOptions g;
  g.kind = StatsKind::kDlrmDatasets;
  g.tables = 120;
  g.ranks = 16;
  g.memory_per_rank_bytes = std::int64_t{1} << 40;
  PlannerInput input = generate_table_stats(g);
  input.bandwidths = {1e11, 1.25e10, 1.25e10, 1e11};
  const Bandwidths bw = resolve_bandwidths(input.bandwidths);
  const std::string first = plan_json(plan_sharding(input, bw, Strategy::kOurs));
  EXPECT_EQ(plan_json(plan_sharding(input, bw, Strategy::kOurs)), first);
  EXPECT_EQ(plan_json(plan_sharding(parse_planner_input(planner_input_json(input), "again"), bw,
                                    Strategy::kOurs)),
            first);
}

TEST(PlannerNames, StrategiesRoundTripAndBadNamesAreErrors) {
  for (Strategy s : all_strategies()) EXPECT_EQ(parse_strategy(to_string(s), "--strategy"), s);
  expect_error([] { parse_strategy("random", "--strategy"); },
               {"--strategy", "'random' is not a strategy", {}});
}

}  // namespace
}  // namespace tessera::dlrm
