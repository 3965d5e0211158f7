// Tests of the sharding planner's stages: enumeration of every sharding type, the cost model on
// hand-computed cases, rating (and re-estimating a plan made elsewhere), the table-statistics and
// plan JSON (round trips and every error), and the generators of MLPerf DLRMv2 and
// dlrm_datasets-like statistics.
#include "tessera/dlrm/sharding.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "tessera/core/error.hpp"
#include "tessera/dlrm/sharding_planner.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera::dlrm {
namespace {

using tessera::testing::expect_error;

PlannerInput one_table(std::int64_t rows, std::int64_t dim, double pooling, int ranks,
                       int ranks_per_node = 0) {
  PlannerInput input;
  input.tables = {{"t", rows, dim, pooling, 0.0}};
  input.ranks = ranks;
  input.ranks_per_node = ranks_per_node;
  input.memory_per_rank_bytes = std::int64_t{1} << 40;
  input.batch_size = 1000;
  return input;
}

const ShardingOption& find(const std::vector<ShardingOption>& options, ShardingType type,
                           std::size_t shards = 0) {
  for (const ShardingOption& o : options) {
    if (o.type == type && (shards == 0 || o.shards.size() == shards)) return o;
  }
  throw std::runtime_error("no such option: " + to_string(type));
}

TEST(ShardingEnumerate, EveryTypeCoversItsTable) {
  const PlannerInput input = one_table(1001, 128, 3.0, 16, 4);
  const std::vector<ShardingOption> options = enumerate_options(input.tables[0], input);
  std::vector<std::string> kinds;
  for (const ShardingOption& o : options)
    kinds.push_back(fmt::format("{}x{}", to_string(o.type), o.shards.size()));
  EXPECT_EQ(kinds,
            (std::vector<std::string>{"table_wisex1", "column_wisex2", "column_wisex4",
                                      "row_wisex16", "data_parallelx16", "table_row_wisex4"}));
  for (const ShardingOption& o : options) {
    std::int64_t area = 0;
    for (const Shard& s : o.shards) {
      area += (s.row_end - s.row_begin) * (s.col_end - s.col_begin);
      if (o.type == ShardingType::kColumnWise) {
        EXPECT_GE(s.col_end - s.col_begin, kMinColumnSliceWidth);
      }
    }
    const std::int64_t copies =
        o.type == ShardingType::kDataParallel ? static_cast<std::int64_t>(o.shards.size()) : 1;
    EXPECT_EQ(area, copies * 1001 * 128) << to_string(o.type);
  }
  // 1001 = 16 * 62 + 9: the first 9 row blocks take one row more; block i sits on rank i.
  const ShardingOption& rw = find(options, ShardingType::kRowWise);
  for (std::size_t i = 0; i < rw.shards.size(); ++i) {
    EXPECT_EQ(rw.shards[i].rank, static_cast<int>(i));
    EXPECT_EQ(rw.shards[i].row_end - rw.shards[i].row_begin, i < 9 ? 63 : 62);
  }
}

// What the trainer cannot run is left out: column slices, then row blocks (RW and TWRW).
TEST(ShardingEnumerate, LeavesOutTheSplitsTheTrainerCannotRun) {
  PlannerInput input = one_table(1001, 128, 3.0, 16, 4);
  const auto kinds = [&] {
    std::vector<std::string> out;
    for (const ShardingOption& o : enumerate_options(input.tables[0], input))
      out.push_back(to_string(o.type));
    return out;
  };
  input.column_slices = false;
  EXPECT_EQ(kinds(), (std::vector<std::string>{"table_wise", "row_wise", "data_parallel",
                                               "table_row_wise"}));
  input.row_blocks = false;
  EXPECT_EQ(kinds(), (std::vector<std::string>{"table_wise", "data_parallel"}));
}

TEST(ShardingEnumerate, SlicesStayAtLeast32ColumnsWideAndOneRankOnlyTakesWholeTables) {
  PlannerInput input = one_table(10, 100, 1.0, 8);
  std::vector<ShardingOption> options = enumerate_options(input.tables[0], input);
  const ShardingOption& cw = find(options, ShardingType::kColumnWise);
  ASSERT_EQ(cw.shards.size(), 2u);  // 4 slices of 25 columns would be too narrow
  EXPECT_EQ(cw.shards[0].col_end, 50);
  EXPECT_EQ(std::count_if(options.begin(), options.end(),
                          [](const ShardingOption& o) { return o.type == ShardingType::kRowWise; }),
            1);
  // 10 rows on 16 ranks: no row-wise option; one rank: only table-wise.
  input.ranks = 16;
  options = enumerate_options(input.tables[0], input);
  EXPECT_TRUE(std::none_of(options.begin(), options.end(), [](const ShardingOption& o) {
    return o.type == ShardingType::kRowWise;
  }));
  input.ranks = 1;
  options = enumerate_options(input.tables[0], input);
  ASSERT_EQ(options.size(), 1u);
  EXPECT_EQ(options[0].type, ShardingType::kTableWise);
}

TEST(ShardingEstimate, HandComputedCosts) {
  // B = 1000, p = 2, d = 64, 100 rows, 8 ranks in nodes of 4; bandwidths memory 1e9, all-to-all
  // 1e8, allreduce 5e7, intra-node 2e9 bytes/s; row-wise AdaGrad (4 bytes a row).
  const PlannerInput input = one_table(100, 64, 2.0, 8, 4);
  const Bandwidths bw{1e9, 1e8, 5e7, 2e9};
  std::vector<ShardingOption> options = enumerate_options(input.tables[0], input);
  for (ShardingOption& o : options) estimate_costs(o, input.tables[0], input, bw);

  const ShardCost tw = find(options, ShardingType::kTableWise).shards[0].cost;
  EXPECT_EQ(tw.memory_bytes, 100 * 64 * 4 + 100 * 4);
  EXPECT_DOUBLE_EQ(tw.compute_s, 3 * 1000 * 2 * 64 * 4 / 1e9);        // 1.536 ms
  EXPECT_DOUBLE_EQ(tw.comm_bytes, 2 * 1000 * 64 * 4 + 8 * 1000 * 2);  // pooled + ids
  EXPECT_DOUBLE_EQ(tw.comm_s, 528000 / 1e8);

  const ShardCost cw = find(options, ShardingType::kColumnWise, 2).shards[1].cost;
  EXPECT_EQ(cw.memory_bytes, 100 * 32 * 4 + 100 * 4);
  EXPECT_DOUBLE_EQ(cw.compute_s, 3 * 1000 * 2 * 32 * 4 / 1e9);
  EXPECT_DOUBLE_EQ(cw.comm_s, (2 * 1000 * 32 * 4 + 8 * 1000 * 2) / 1e8);

  const ShardCost rw = find(options, ShardingType::kRowWise).shards[0].cost;  // 13 rows of 100
  EXPECT_EQ(rw.memory_bytes, 13 * 64 * 4 + 13 * 4);
  EXPECT_DOUBLE_EQ(rw.compute_s, 3 * 1000 * 2 * 64 * 4 * 0.13 / 1e9);
  EXPECT_DOUBLE_EQ(rw.comm_s, (8 * 2000 / 8.0 + 2 * 1000 * 64 * 4 * 7 / 8.0) / 1e8);

  const ShardCost dp = find(options, ShardingType::kDataParallel).shards[3].cost;
  EXPECT_EQ(dp.memory_bytes, tw.memory_bytes);
  EXPECT_DOUBLE_EQ(dp.compute_s, 3 * 125 * 2 * 64 * 4 / 1e9);  // the rank's 1000 / 8 samples
  EXPECT_DOUBLE_EQ(dp.comm_s, 2 * 7 / 8.0 * (100 * 64 * 4) / 5e7);

  const ShardCost twrw = find(options, ShardingType::kTableRowWise).shards[0].cost;  // 25 rows
  EXPECT_DOUBLE_EQ(twrw.compute_s, 3 * 1000 * 2 * 64 * 4 * 0.25 / 1e9);
  EXPECT_DOUBLE_EQ(twrw.comm_s, (8 * 2000 / 4.0 + 2 * 1000 * 64 * 4 / 4.0) / 1e8 +
                                    2 * 1000 * 64 * 4 * 3 / 4.0 / 2e9);
}

TEST(ShardingEstimate, OptimizerStateBytes) {
  PlannerInput input = one_table(100, 64, 2.0, 1);
  const Bandwidths bw{1e9, 1e8, 5e7, 2e9};
  const auto memory = [&](OptimizerKind kind) {
    input.optimizer = kind;
    std::vector<ShardingOption> options = enumerate_options(input.tables[0], input);
    estimate_costs(options[0], input.tables[0], input, bw);
    return options[0].shards[0].cost.memory_bytes;
  };
  EXPECT_EQ(memory(OptimizerKind::kSgd), 25600);
  EXPECT_EQ(memory(OptimizerKind::kRowwiseAdagrad), 25600 + 400);
  EXPECT_EQ(memory(OptimizerKind::kAdagrad), 2 * 25600);
}

TEST(ShardingRate, MakespanMeanAndImbalance) {
  TablePlan a{"a", 10, 32, ShardingType::kTableWise, {{0, 10, 0, 32, 0, {100, 3.0, 1.0, 0.0}}}};
  TablePlan b{"b",
              10,
              64,
              ShardingType::kColumnWise,
              {{0, 10, 0, 32, 1, {50, 1.0, 1.0, 0.0}}, {0, 10, 32, 64, 1, {70, 0.5, 0.5, 0.0}}}};
  const PlanRating r = rate_plan({a, b}, 3);
  EXPECT_DOUBLE_EQ(r.makespan_s, 4.0);
  EXPECT_DOUBLE_EQ(r.mean_s, 7.0 / 3);
  EXPECT_DOUBLE_EQ(r.imbalance, 4.0 / (7.0 / 3));
  EXPECT_EQ(r.peak_memory_bytes, 120);
  EXPECT_EQ(r.ranks[2].memory_bytes, 0);
}

constexpr const char* kStats = R"({"tables": [
  {"name": "a", "rows": 1000, "dim": 64, "pooling": 4},
  {"name": "b", "rows": 4e6, "dim": 128, "pooling": 20.5, "skew": 1.1}],
  "ranks": 4, "memory_per_rank_bytes": 1e9, "batch_size": 4096, "optimizer": "sgd",
  "bandwidths": {"memory_bytes_per_s": 1e11, "alltoall_bytes_per_s": 1.25e10}})";

TEST(ShardingInput, ParsesAndRoundTrips) {
  const PlannerInput input = parse_planner_input(kStats, "stats.json");
  ASSERT_EQ(input.tables.size(), 2u);
  EXPECT_EQ(input.tables[1].rows, 4000000);
  EXPECT_DOUBLE_EQ(input.tables[1].pooling, 20.5);
  EXPECT_DOUBLE_EQ(input.tables[1].skew, 1.1);
  EXPECT_EQ(input.optimizer, OptimizerKind::kSgd);
  EXPECT_EQ(ranks_per_node(input), 4);
  EXPECT_FALSE(input.bandwidths.allreduce.has_value());
  BandwidthOrigins origins;
  const Bandwidths bw = resolve_bandwidths(input.bandwidths, &origins);
  EXPECT_EQ(bw.allreduce, kDefaultAllreduceBytesPerS);
  EXPECT_EQ(bw.intra_node, 1e11);
  EXPECT_EQ(origins.memory, "given");
  EXPECT_EQ(origins.allreduce, "assumed");
  const std::string text = planner_input_json(input);
  EXPECT_EQ(planner_input_json(parse_planner_input(text, "again.json")), text);
}

TEST(ShardingInput, ErrorsNameTheFileAndTheField) {
  const std::string base = kStats;
  const auto bad = [&](const std::string& from, const std::string& to, const std::string& says) {
    std::string text = base;
    const std::size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    expect_error([&] { parse_planner_input(text, "stats.json"); },
                 {"stats.json", says, ExitCode::kFailure});
  };
  bad(R"("rows": 1000,)", "", "tables[0].rows: is missing");
  bad(R"("rows": 1000)", R"("rows": 10.5)", "tables[0].rows: must be a whole number");
  bad(R"("dim": 128)", R"("dim": 0)", "tables[1].dim: must lie in [1, 65536]");
  bad(R"("pooling": 4)", R"("pooling": "4")", "tables[0].pooling: must be a number");
  bad(R"("name": "b")", R"("name": "a")", "tables[1].name: 'a' repeats tables[0]");
  bad(R"("skew")", R"("skw")", "tables[1].skw: is not a known field");
  bad(R"("ranks": 4,)", "", "ranks: is missing");
  bad(R"("sgd")", R"("adam")", "optimizer");
  bad(R"("alltoall_bytes_per_s": 1.25e10)", R"("alltoall_bytes_per_s": -1)",
      "bandwidths.alltoall_bytes_per_s: must lie in");
  bad(R"({"tables")", R"([{"tables")", "is not JSON");
  expect_error([] { parse_planner_input(R"({"tables": [], "ranks": 1})", "s.json"); },
               {"s.json", "tables: must be a non-empty array", {}});
}

PlannerInput small_instance() {
  PlannerInput input = parse_planner_input(kStats, "stats.json");
  input.tables.push_back({"c", 50000, 96, 7.0, 0.0});
  input.tables.push_back({"d", 20, 32, 1.0, 0.0});
  input.bandwidths = {1e11, 1.25e10, 1.25e10, 1e11};
  return input;
}

TEST(ShardingPlanJson, RoundTripsEveryField) {
  const PlannerInput input = small_instance();
  const ShardingPlan plan =
      plan_sharding(input, resolve_bandwidths(input.bandwidths), Strategy::kOurs);
  const std::string text = plan_json(plan);
  const ShardingPlan back = parse_plan(text, "plan.json");
  EXPECT_EQ(plan_json(back), text);
  EXPECT_EQ(back.strategy, "ours");
  EXPECT_EQ(back.ranks, 4);
  EXPECT_EQ(back.optimizer, OptimizerKind::kSgd);
  ASSERT_EQ(back.tables.size(), 4u);
  EXPECT_EQ(back.rating.makespan_s, plan.rating.makespan_s);
  EXPECT_EQ(format_plan(back), format_plan(plan));
}

TEST(ShardingPlanJson, ErrorsNameTheFileAndTheField) {
  const PlannerInput input = small_instance();
  const ShardingPlan plan =
      plan_sharding(input, resolve_bandwidths(input.bandwidths), Strategy::kGreedy);
  const auto bad = [&](auto edit, const std::string& says) {
    nlohmann::json doc = nlohmann::json::parse(plan_json(plan));
    edit(doc);
    expect_error([&] { parse_plan(doc.dump(), "plan.json"); }, {"plan.json", says, {}});
  };
  using nlohmann::json;
  bad([](json& d) { d["schema"] = "other"; }, "schema: must be \"tessera.dlrm.plan\"");
  bad([](json& d) { d["version"] = 2; }, "version: 2 is not supported (this build reads 1)");
  bad([](json& d) { d["tables"][0]["shards"][0]["rank"] = 4; },
      "tables[0].shards[0].rank: must lie in [0, 3]");
  bad(
      [](json& d) {
        d["tables"][0]["shards"][0]["rows"] = {0, 5000};
      },
      "tables[0].shards[0].rows.end: must lie in [0, 1000]");
  bad([](json& d) { d["tables"][0]["sharding"] = "diagonal"; }, "'diagonal' is not a sharding");
  bad(
      [](json& d) {
        d["tables"][2]["sharding"] = "column_wise";  // 'c' (96 columns), table-wise
        d["tables"][2]["shards"][0]["columns"] = {0, 64};
      },
      "tables[2].shards: cover columns [0, 64) only");
  bad(
      [](json& d) {
        json& t = d["tables"][0];
        t["sharding"] = "row_wise";
        t["shards"] = {t["shards"][0], t["shards"][0]};
        t["shards"][0]["rows"] = {0, 500};
        t["shards"][1]["rows"] = {500, 1000};
      },
      "tables[0].shards: put two shards of a row_wise table on one rank");
  bad(
      [](json& d) {
        json& t = d["tables"][0];
        t["sharding"] = "row_wise";
        t["shards"] = {t["shards"][0], t["shards"][0]};
        t["shards"][0]["rows"] = {0, 400};
        t["shards"][1]["rows"] = {500, 1000};
        t["shards"][1]["rank"] = 3 - t["shards"][0]["rank"].get<int>();
      },
      "tables[0].shards[1]: must be all columns of the rows from 400");
  expect_error([] { parse_plan("{", "p.json"); }, {"p.json", "is not JSON", {}});
}

TEST(ShardingRate, EstimatePlanRecomputesEveryShardFromTheStatistics) {
  const PlannerInput input = small_instance();
  const ShardingPlan plan =
      plan_sharding(input, resolve_bandwidths(input.bandwidths), Strategy::kOurs);
  ShardingPlan zeroed = plan;
  for (TablePlan& t : zeroed.tables) {
    for (Shard& s : t.shards) s.cost = {};
  }
  estimate_plan(zeroed, input.tables, "stats.json");
  EXPECT_EQ(plan_json(zeroed), plan_json(plan));

  const auto bad = [&](auto edit, const std::string& says) {
    std::vector<TableStats> tables = input.tables;
    edit(tables);
    ShardingPlan copy = plan;
    expect_error([&] { estimate_plan(copy, tables, "stats.json"); }, {"stats.json", says, {}});
  };
  bad([](std::vector<TableStats>& t) { t.pop_back(); }, "has 3 tables, the plan 4");
  bad([](std::vector<TableStats>& t) { t[0].name = "z"; },
      "has no table 'a' the plan shards, or the plan shards it twice");
  bad([](std::vector<TableStats>& t) { t[2].rows += 1; },
      "table 'c' has 50001 rows of dim 96, the plan's 50000 of 96");
}

TEST(ShardingGenerate, MlperfDlrmV2Tables) {
  const PlannerInput mlperf = generate_table_stats({});
  ASSERT_EQ(mlperf.tables.size(), 26u);
  std::int64_t rows = 0;
  for (const TableStats& t : mlperf.tables) {
    rows += t.rows;
    EXPECT_EQ(t.dim, 128);
  }
  EXPECT_EQ(rows, 204184588);  // the sum of the 26 published cardinalities
  EXPECT_EQ(mlperf.tables[20].pooling, 100.0);
  EXPECT_EQ(mlperf.tables[20].rows, 40000000);
  EXPECT_EQ(mlperf.batch_size, 65536);
  GenerateOptions first_three;
  first_three.tables = 3;
  EXPECT_EQ(generate_table_stats(first_three).tables.size(), 3u);
  first_three.tables = 27;
  expect_error([&] { generate_table_stats(first_three); }, {"tables", "has 26 tables", {}});
}

TEST(ShardingGenerate, DlrmDatasetsLikeTablesAreSeeded) {
  GenerateOptions options;
  options.kind = StatsKind::kDlrmDatasets;
  const PlannerInput a = generate_table_stats(options);
  ASSERT_EQ(a.tables.size(), 788u);
  EXPECT_EQ(planner_input_json(generate_table_stats(options)), planner_input_json(a));
  options.seed = 2;
  EXPECT_NE(planner_input_json(generate_table_stats(options)), planner_input_json(a));
  double pooling = 0.0;
  for (const TableStats& t : a.tables) {
    pooling += t.pooling;
    EXPECT_GE(t.rows, 1000);
    EXPECT_LE(t.rows, 100000000);
    EXPECT_GE(t.pooling, 1.0);
  }
  EXPECT_NEAR(pooling / 788, 13.6, 2.0);
}

}  // namespace
}  // namespace tessera::dlrm
