// Benchmark harness on a fake clock: exact samples, run counts, pair order, checks, options,
// output.
#include "tessera/bench/bench.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "tessera/core/error.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera {
namespace {

// Time that moves only when a fake benchmark runs, so every sample is exact. Records each run.
struct FakeTime {
  double now = 0;
  int runs = 0;
  std::string sequence;  // the label of every run, in order

  Clock clock() {
    return [this] { return now; };
  }
  // A benchmark that takes `seconds` on this clock.
  std::function<void()> work(double seconds, char label = '.') {
    return [this, seconds, label] {
      now += seconds;
      ++runs;
      sequence += label;
    };
  }
};

BenchOptions fake_options(FakeTime& time) {
  BenchOptions options;
  options.clock = time.clock();
  return options;
}

TEST(Summarize, OddCountTakesTheMiddleValue) {
  const std::vector<double> samples = {5, 1, 4, 2, 3};
  const Summary s = summarize(samples);
  EXPECT_EQ(s.n, 5u);
  EXPECT_DOUBLE_EQ(s.median, 3);
  EXPECT_DOUBLE_EQ(s.min, 1);
  EXPECT_DOUBLE_EQ(s.max, 5);
  EXPECT_DOUBLE_EQ(s.mean, 3);
}

TEST(Summarize, EvenCountAveragesTheTwoMiddleValues) {
  const std::vector<double> samples = {8, 1, 4, 2};
  const Summary s = summarize(samples);
  EXPECT_EQ(s.n, 4u);
  EXPECT_DOUBLE_EQ(s.median, 3);
  EXPECT_DOUBLE_EQ(s.min, 1);
  EXPECT_DOUBLE_EQ(s.max, 8);
  EXPECT_DOUBLE_EQ(s.mean, 3.75);
}

TEST(Summarize, OneSampleIsEveryStatisticAndNoneThrows) {
  const std::vector<double> samples = {0.25};
  const Summary s = summarize(samples);
  EXPECT_EQ(s.n, 1u);
  EXPECT_DOUBLE_EQ(s.median, 0.25);
  EXPECT_DOUBLE_EQ(s.min, 0.25);
  EXPECT_DOUBLE_EQ(s.max, 0.25);
  EXPECT_DOUBLE_EQ(s.mean, 0.25);
  EXPECT_THROW(summarize({}), Error);
}

TEST(Stopwatch, ReadsElapsedSecondsOnItsClockAndResets) {
  FakeTime time;
  time.now = 10;
  Stopwatch stopwatch(time.clock());
  time.now = 12.5;
  EXPECT_DOUBLE_EQ(stopwatch.elapsed(), 2.5);
  stopwatch.reset();
  time.now = 13;
  EXPECT_DOUBLE_EQ(stopwatch.elapsed(), 0.5);
  EXPECT_GE(Stopwatch().elapsed(), 0);
}

TEST(Measure, ZeroBudgetRunsWarmupThenExactlyMinRepetitions) {
  FakeTime time;
  BenchOptions options = fake_options(time);
  options.warmup = 2;
  options.min_repetitions = 3;
  options.budget_seconds = 0;
  const Measurement m = measure("step", time.work(0.5), options);
  EXPECT_EQ(time.runs, 5);
  EXPECT_EQ(m.name, "step");
  EXPECT_EQ(m.samples, (std::vector<double>{0.5, 0.5, 0.5}));
  EXPECT_EQ(m.summary.n, 3u);
  EXPECT_DOUBLE_EQ(m.summary.median, 0.5);
}

TEST(Measure, RepeatsPastMinRepetitionsUntilTheBudgetIsSpent) {
  FakeTime time;
  BenchOptions options = fake_options(time);
  options.min_repetitions = 2;
  options.budget_seconds = 3.5;
  const Measurement m = measure("step", time.work(1), options);
  EXPECT_EQ(m.samples.size(), 4u);  // 4 s of timing is the first total over 3.5 s
  EXPECT_EQ(time.runs, 1 + 4);
}

TEST(Measure, StopsAtMaxRepetitionsWithBudgetLeft) {
  FakeTime time;
  BenchOptions options = fake_options(time);
  options.min_repetitions = 2;
  options.max_repetitions = 7;
  options.budget_seconds = 1e9;
  const Measurement m = measure("step", time.work(1), options);
  EXPECT_EQ(m.samples.size(), 7u);
  EXPECT_EQ(time.runs, 1 + 7);
}

TEST(Measure, CheckRunsOnceAfterWarmupAndAFailureStopsBeforeTiming) {
  FakeTime time;
  BenchOptions options = fake_options(time);
  options.warmup = 3;
  std::vector<int> runs_seen_by_check;
  options.check = [&] {
    runs_seen_by_check.push_back(time.runs);
    return false;
  };
  testing::expect_error([&] { measure("gemm", time.work(1), options); },
                        {.input = "gemm", .code = ExitCode::kVerification});
  EXPECT_EQ(runs_seen_by_check, std::vector<int>{3});
  EXPECT_EQ(time.runs, 3);
}

TEST(CompareAb, FakeClockWithAOneSecondAndBThreeGivesRatioThree) {
  FakeTime time;
  BenchOptions options = fake_options(time);
  options.min_repetitions = 5;
  options.budget_seconds = 0;
  const Comparison c = compare_ab("ours", time.work(1), "peer", time.work(3), options);
  EXPECT_EQ(c.name_a, "ours");
  EXPECT_EQ(c.name_b, "peer");
  EXPECT_EQ(c.ratios, std::vector<double>(5, 3.0));
  EXPECT_EQ(c.ratio.n, 5u);
  EXPECT_EQ(c.ratio.median, 3.0);
  EXPECT_EQ(c.a.median, 1.0);
  EXPECT_EQ(c.b.median, 3.0);
  EXPECT_EQ(format_comparison(c), "ours vs peer: 3.00x (median of 5 pairs, min 3.00x, max 3.00x)");
}

TEST(CompareAb, WarmsBothThenInterleavesPairsInAlternatingOrder) {
  FakeTime time;
  BenchOptions options = fake_options(time);
  options.min_repetitions = 4;
  options.budget_seconds = 0;
  const Comparison c = compare_ab("a", time.work(1, 'A'), "b", time.work(2, 'B'), options);
  EXPECT_EQ(time.sequence,
            "AB"
            "AB"
            "BA"
            "AB"
            "BA");  // warm-up, then 4 pairs
  EXPECT_EQ(c.samples_a, std::vector<double>(4, 1.0));
  EXPECT_EQ(c.samples_b, std::vector<double>(4, 2.0));
}

TEST(CompareAb, FailingCheckOfEitherSideThrowsBeforeTiming) {
  for (const bool a_passes : {false, true}) {
    FakeTime time;
    BenchOptions options = fake_options(time);
    options.check = [&] { return a_passes; };
    options.check_b = [] { return false; };
    testing::expect_error([&] { compare_ab("ours", time.work(1), "peer", time.work(1), options); },
                          {.input = a_passes ? "peer" : "ours", .code = ExitCode::kVerification});
    EXPECT_EQ(time.runs, 2);  // the two warm-up runs only
  }
}

TEST(CompareAb, RunOfATakingNoTimeThrows) {
  FakeTime time;
  const BenchOptions options = fake_options(time);
  EXPECT_THROW(compare_ab("a", time.work(0), "b", time.work(1), options), Error);
}

TEST(BenchOptions, InvalidValuesThrowUsageErrorNamingTheBenchmark) {
  const auto expect_usage_error = [](const BenchOptions& options) {
    testing::expect_error(
        [&] {
          measure(
              "gemm", [] {}, options);
        },
        {.input = "gemm", .code = ExitCode::kUsage});
    EXPECT_THROW(compare_ab(
                     "a", [] {}, "b", [] {}, options),
                 Error);
  };
  BenchOptions zero_min;
  zero_min.min_repetitions = 0;
  expect_usage_error(zero_min);
  BenchOptions min_over_max;
  min_over_max.min_repetitions = 10;
  min_over_max.max_repetitions = 9;
  expect_usage_error(min_over_max);
  BenchOptions negative_budget;
  negative_budget.budget_seconds = -1;
  expect_usage_error(negative_budget);
  BenchOptions negative_warmup;
  negative_warmup.warmup = -1;
  expect_usage_error(negative_warmup);
}

TEST(Json, MeasurementLineRoundTripsWithItsFields) {
  FakeTime time;
  BenchOptions options = fake_options(time);
  options.budget_seconds = 0;
  options.extra = {{"m", 512}, {"threads", 2}};
  const Measurement m = measure("gemm", time.work(0.25), options);
  std::ostringstream out;
  write_json_line(out, to_json(m));
  const std::string line = out.str();
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  const nlohmann::json parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["type"], "measurement");
  EXPECT_EQ(parsed["name"], "gemm");
  EXPECT_EQ(parsed["n"], 5);
  EXPECT_EQ(parsed["median_s"], 0.25);
  EXPECT_EQ(parsed["min_s"], 0.25);
  EXPECT_EQ(parsed["max_s"], 0.25);
  EXPECT_EQ(parsed["mean_s"], 0.25);
  EXPECT_EQ(parsed["extra"]["m"], 512);
  EXPECT_EQ(parsed["extra"]["threads"], 2);
}

TEST(Json, ComparisonLineRoundTripsWithItsFields) {
  FakeTime time;
  BenchOptions options = fake_options(time);
  options.min_repetitions = 3;
  options.budget_seconds = 0;
  options.extra = {{"sparsity", 0.9}};
  const Comparison c = compare_ab("tw_gemm", time.work(1), "onednn", time.work(2), options);
  std::ostringstream out;
  write_json_line(out, to_json(c));
  const nlohmann::json parsed = nlohmann::json::parse(out.str());
  EXPECT_EQ(parsed["type"], "comparison");
  EXPECT_EQ(parsed["name_a"], "tw_gemm");
  EXPECT_EQ(parsed["name_b"], "onednn");
  EXPECT_EQ(parsed["n"], 3);
  for (const char* field : {"median_s", "min_s", "max_s", "mean_s"}) {
    EXPECT_EQ(parsed["a"][field], 1.0) << field;
    EXPECT_EQ(parsed["b"][field], 2.0) << field;
  }
  for (const char* field : {"median", "min", "max", "mean"}) {
    EXPECT_EQ(parsed["ratio"][field], 2.0) << field;
  }
  EXPECT_EQ(parsed["extra"]["sparsity"], 0.9);
}

}  // namespace
}  // namespace tessera
