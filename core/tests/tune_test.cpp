// tessera::tune: search spaces, the three strategies (no repeats, determinism, better than random
// on a smooth landscape), replay tables, the tuner's finalists and the tuning log's warm start and
// fingerprint handling.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>

#include "tessera/core/rng.hpp"
#include "tessera/testing/expect_error.hpp"
#include "tessera/testing/temp_dir.hpp"
#include "tessera/tune/measure.hpp"
#include "tessera/tune/replay_study.hpp"
#include "tessera/tune/tuner.hpp"

namespace tessera::tune {
namespace {

using testing::expect_error;

SearchSpace small_space() {
  return SearchSpace({{"mr", {1, 2, 4}}, {"nv", {1, 2}}, {"kc", {64, 128, 256, 512}}});
}

// A landscape with a single optimum and coupled knobs, plus a little seeded roughness: seconds of
// every configuration of a 6^5 space.
ReplayTable bowl_table(std::uint64_t seed) {
  std::vector<Knob> knobs;
  for (const char* name : {"a", "b", "c", "d", "e"}) knobs.push_back({name, {0, 1, 2, 3, 4, 5}});
  ReplayTable table{"bowl", "synthetic", SearchSpace(std::move(knobs)), {}};
  const CounterRng rng(seed, 0);
  for (std::uint64_t i = 0; i < table.space.size(); ++i) {
    const Config c = table.space.config_at(i);
    double cost = 1;
    for (std::size_t k = 0; k < c.size(); ++k) {
      const double d = static_cast<double>(c[k]) - static_cast<double>((seed + 2 * k) % 6);
      cost += 0.1 * d * d;
    }
    cost += 0.05 * std::abs(static_cast<double>(c[0]) - static_cast<double>(c[1]));
    table.seconds.push_back(cost * (1 + 0.02 * rng.uniform(i)));
  }
  return table;
}

TEST(SearchSpace, IndexesConfigurationsInMixedRadix) {
  const SearchSpace space = small_space();
  EXPECT_EQ(space.size(), 24U);
  for (std::uint64_t i = 0; i < space.size(); ++i) EXPECT_EQ(space.index_of(space.config_at(i)), i);
  EXPECT_EQ(space.config_at(23), (Config{2, 1, 3}));
  EXPECT_EQ(space.describe(space.config_at(5)), "mr=1 nv=2 kc=128");
  EXPECT_EQ(space.value(space.config_at(5), "kc"), 128);
  EXPECT_EQ(space.config_of(space.values(space.config_at(17)), "test"), space.config_at(17));
}

TEST(SearchSpace, RejectsBadKnobsAndValues) {
  expect_error([] { SearchSpace(std::vector<Knob>{}); },
               {.contains = "no knobs", .code = ExitCode::kUsage});
  expect_error(
      [] {
        SearchSpace(std::vector<Knob>{{"a", {}}});
      },
      {.input = "knob 'a'", .contains = "no values"});
  expect_error(
      [] {
        SearchSpace(std::vector<Knob>{{"a", {1}}, {"a", {2}}});
      },
      {.contains = "appears twice"});
  const SearchSpace space = small_space();
  expect_error(
      [&] {
        space.config_of({{"mr", 3}, {"nv", 1}, {"kc", 64}}, "log.jsonl:3");
      },
      {.input = "log.jsonl:3", .contains = "sets knob 'mr' to 3"});
  expect_error(
      [&] {
        space.config_of({{"mr", 1}, {"nv", 1}}, "plan");
      },
      {.input = "plan", .contains = "has 2 knobs where the space has 3"});
  expect_error([] { make_search("annealing", small_space(), 1); },
               {.input = "search", .code = ExitCode::kUsage});
}

TEST(SearchSpace, RestrictsAKnobToSomeOfItsValues) {
  const SearchSpace space = small_space().restricted("kc", {512, 128}, "--values");
  EXPECT_EQ(space.size(), 12U);
  EXPECT_EQ(space.knobs()[2].values, (std::vector<std::int64_t>{128, 512}));
  EXPECT_EQ(space.knobs()[0].values, small_space().knobs()[0].values);
  expect_error([] { small_space().restricted("unroll", {1}, "--values"); },
               {.input = "--values", .contains = "names no knob 'unroll'"});
  expect_error(
      [] {
        small_space().restricted("kc", {128, 96}, "--values");
      },
      {.input = "--values", .contains = "sets knob 'kc' to 96"});
  expect_error([] { small_space().restricted("kc", {}, "--values"); },
               {.contains = "has no values"});
}

class EveryStrategy : public ::testing::TestWithParam<std::string_view> {};

TEST_P(EveryStrategy, ProposesEachConfigurationOnceUntilTheSpaceRunsOut) {
  const SearchSpace space = small_space();
  const auto search = make_search(GetParam(), space, 7);
  std::set<std::uint64_t> seen;
  for (int round = 0; round < 10; ++round) {
    const std::vector<Config> asked = search->ask(5);
    std::vector<Trial> told;
    for (const Config& c : asked) {
      EXPECT_TRUE(seen.insert(space.index_of(c)).second) << space.describe(c);
      told.push_back({c, 1.0 + static_cast<double>(space.index_of(c) % 7)});
    }
    search->tell(told);
  }
  EXPECT_EQ(seen.size(), space.size());
  EXPECT_TRUE(search->ask(3).empty());
}

TEST_P(EveryStrategy, IsDeterministicForASeed) {
  const ReplayTable table = bowl_table(3);
  const auto run = [&](std::uint64_t seed) {
    ReplayMeasurer measurer(table);
    TuneOptions options;
    options.search = std::string(GetParam());
    options.seed = seed;
    options.trials = 60;
    std::vector<std::uint64_t> order;
    for (const Trial& t : tune("bowl", table.space, measurer, options).trials)
      order.push_back(table.space.index_of(t.config));
    return order;
  };
  EXPECT_EQ(run(11), run(11));
  EXPECT_NE(run(11), run(12));
}

INSTANTIATE_TEST_SUITE_P(Tune, EveryStrategy, ::testing::ValuesIn(kSearchNames));

// The median over seeds and landscapes of the trials each strategy needs to come within 95% of
// the best configuration.
double median_trials(const std::string& search) {
  const std::vector<ReplayTable> tables{bowl_table(0), bowl_table(1), bowl_table(2)};
  const ReplayStudy study = replay_study(tables, search, 9, 0.95, 2000);
  EXPECT_EQ(study.trials.size(), 27U);
  return study.median;
}

TEST(Tune, GeneticAndPolicyGradientSearchesNeedFewerTrialsThanRandomOnASmoothLandscape) {
  const double random = median_trials("random"), ga = median_trials("ga"), rl = median_trials("rl");
  std::printf("median trials to 95%% of the best: random %.0f, ga %.0f, rl %.0f\n", random, ga, rl);
  EXPECT_LT(ga, 0.5 * random);
  EXPECT_LT(rl, random);
}

TEST(Tune, ReMeasuresTheFinalistsInTurns) {
  const ReplayTable table = bowl_table(1);
  ReplayMeasurer measurer(table);
  TuneOptions options;
  options.trials = 40;
  options.finalists = 4;
  options.final_rounds = 3;
  const TuneResult result = tune("bowl", table.space, measurer, options);
  EXPECT_EQ(result.trials.size(), 40U);
  EXPECT_EQ(result.measurements, 40U + 4 * 3);
  EXPECT_EQ(measurer.measurements(), result.measurements);
  double best = result.trials.front().seconds;
  for (const Trial& t : result.trials) best = std::min(best, t.seconds);
  EXPECT_EQ(result.best_seconds, best);
}

TEST(Tune, FailsWhenNoConfigurationRuns) {
  ReplayTable table{"broken", "synthetic", small_space(), {}};
  table.seconds.assign(table.space.size(), std::numeric_limits<double>::infinity());
  ReplayMeasurer measurer(table);
  expect_error([&] { tune("broken", table.space, measurer, {}); },
               {.input = "broken", .contains = "no configuration that runs"});
}

// Times each configuration as 1 + its index; counts the batches prepared and the measurements.
class CountingMeasurer final : public Measurer {
 public:
  explicit CountingMeasurer(const SearchSpace& space) : space_(space) {}
  void prepare(std::span<const Config> configs) override { batches.push_back(configs.size()); }
  double measure(const Config& c) override {
    ++measured;
    return 1.0 + static_cast<double>(space_.index_of(c));
  }
  std::vector<std::size_t> batches;
  int measured = 0;

 private:
  const SearchSpace& space_;
};

TEST(ReplayTable, RecordsEveryConfigurationInPreparedBatches) {
  const SearchSpace space = small_space();
  CountingMeasurer measurer(space);
  const ReplayTable table = record_replay_table("task", space, measurer, 10);
  EXPECT_EQ(measurer.batches, (std::vector<std::size_t>{10, 10, 4}));
  EXPECT_EQ(measurer.measured, 24);
  ASSERT_EQ(table.seconds.size(), 24U);
  EXPECT_EQ(table.seconds[17], 18.0);
  EXPECT_EQ(table.task, "task");
}

// Replayed on a table whose fastest configuration is index 0, every search's count is its trial
// of that configuration; the median is that of the counts.
TEST(ReplayTable, StudyCountsTheTrialsToTheFastest) {
  const SearchSpace space = small_space();
  CountingMeasurer measurer(space);
  const std::vector<ReplayTable> tables{record_replay_table("t", space, measurer)};
  const ReplayStudy study = replay_study(tables, "random", 5, 1.0);
  ASSERT_EQ(study.trials.size(), 5U);
  std::vector<std::size_t> sorted = study.trials;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(study.median, static_cast<double>(sorted[2]));
  for (const std::size_t t : study.trials) EXPECT_TRUE(t >= 1 && t <= 24) << t;
}

TEST(ReplayTable, RoundTripsThroughJson) {
  ReplayTable table = bowl_table(2);
  table.seconds[5] = std::numeric_limits<double>::infinity();
  const ReplayTable back = parse_replay_table(format_replay_table(table), "t.json");
  EXPECT_EQ(back.task, table.task);
  EXPECT_EQ(back.space.knobs().size(), 5U);
  EXPECT_EQ(back.seconds, table.seconds);
  expect_error([] { parse_replay_table("{\"schema\": 3}", "t.json"); },
               {.input = "t.json", .contains = "tessera.tune.replay"});
  std::string text = format_replay_table(table);
  text.replace(text.find("\"seconds\":[") + 11, 0, "1.0,");
  expect_error([&] { parse_replay_table(text, "t.json"); },
               {.input = "t.json", .contains = "7777 times for a space of 7776"});
}

TEST(TuningLog, WarmStartMeasuresNothing) {
  const testing::TempDir dir;
  const std::string path = (dir / "tuning.jsonl").string();
  const ReplayTable table = bowl_table(4);
  TuneOptions options;
  options.trials = 30;
  TuneResult first;
  {
    TuningLog log = TuningLog::open(path);
    ReplayMeasurer measurer(table);
    first = tune("bowl", table.space, measurer, options, &log);
    EXPECT_FALSE(first.warm_start);
  }
  TuningLog log = TuningLog::open(path);
  EXPECT_EQ(log.records().size(), 31U);  // every trial and the final result
  EXPECT_TRUE(log.records().back().final);
  ReplayMeasurer measurer(table);
  const TuneResult again = tune("bowl", table.space, measurer, options, &log);
  EXPECT_TRUE(again.warm_start);
  EXPECT_EQ(measurer.measurements(), 0U);
  EXPECT_EQ(again.best, first.best);
  EXPECT_EQ(again.best_seconds, first.best_seconds);
  // Another task in the same log is tuned.
  const TuneResult other = tune("bowl at another shape", table.space, measurer, options, &log);
  EXPECT_FALSE(other.warm_start);
  EXPECT_GT(measurer.measurements(), 0U);
}

TEST(TuningLog, RecordsOfOtherHardwareAreReportedAndNotUsed) {
  const testing::TempDir dir;
  const std::string path = (dir / "tuning.jsonl").string();
  const ReplayTable table = bowl_table(5);
  TuningLog log = TuningLog::open(path);
  log.append({"bowl", "Some Other CPU; avx2; L1d 32 KiB", "ga",
              table.space.values(table.space.config_at(0)), 1.0, true});
  ReplayMeasurer measurer(table);
  TuneOptions options;
  options.trials = 20;
  options.stream = std::tmpfile();
  const TuneResult result = tune("bowl", table.space, measurer, options, &log);
  std::fclose(options.stream);
  EXPECT_FALSE(result.warm_start);
  EXPECT_NE(result.note.find("tuned on other hardware (Some Other CPU"), std::string::npos);
  EXPECT_NE(result.note.find(hardware_fingerprint()), std::string::npos);
  EXPECT_EQ(measurer.measurements(), 20U + 4 * 3);
}

TEST(TuningLog, NamesTheLineOfABadRecord) {
  const testing::TempDir dir;
  const std::string path = (dir / "tuning.jsonl").string();
  {
    TuningLog log = TuningLog::open(path);
    log.append({"t", "fp", "ga", {{"a", 1}}, 0.5, false});
  }
  std::ofstream(path, std::ios::app) << "{\"schema\": \"tessera.tune.log\", \"version\": 2}\n";
  expect_error([&] { TuningLog::open(path); },
               {.input = path + ":2", .contains = "version-1 tessera.tune.log"});
  std::ofstream(path, std::ios::trunc) << "not json\n";
  expect_error([&] { TuningLog::open(path); }, {.input = path + ":1"});
}

TEST(TuningLog, FingerprintNamesTheCpuAndCaches) {
  const std::string& fp = hardware_fingerprint();
  EXPECT_NE(fp.find("L1d"), std::string::npos);
  EXPECT_NE(fp.find("L2"), std::string::npos);
  EXPECT_EQ(&fp, &hardware_fingerprint());
}

}  // namespace
}  // namespace tessera::tune
