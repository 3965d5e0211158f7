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
double median_trials(std::string_view search) {
  std::vector<double> needed;
  for (std::uint64_t landscape = 0; landscape < 3; ++landscape) {
    const ReplayTable table = bowl_table(landscape);
    const double best = *std::min_element(table.seconds.begin(), table.seconds.end());
    for (std::uint64_t seed = 1; seed <= 9; ++seed) {
      ReplayMeasurer measurer(table);
      TuneOptions options;
      options.search = std::string(search);
      options.seed = seed;
      options.trials = 2000;
      options.finalists = 1;
      needed.push_back(static_cast<double>(
          trials_to_reach(tune("bowl", table.space, measurer, options).trials, best, 0.95)));
    }
  }
  std::sort(needed.begin(), needed.end());
  return needed[needed.size() / 2];
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
