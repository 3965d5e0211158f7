// Study statistics against hand-computed values: nearest-rank percentiles, the sample standard
// deviation, Wilson intervals, and the log2 fit (exact on a line, R² below 1 off it).
#include "tessera/amoebot/study.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tessera/testing/expect_error.hpp"

namespace tessera::amoebot {
namespace {

TEST(Study, SummarizesRounds) {
  std::vector<std::int64_t> rounds;
  for (std::int64_t r = 1; r <= 100; ++r) rounds.push_back(101 - r);  // 100 .. 1
  const SizeSummary s = summarize(64, rounds, 3, 0);
  EXPECT_EQ(s.runs, 100);
  EXPECT_DOUBLE_EQ(s.mean, 50.5);
  EXPECT_NEAR(s.sd, 29.011491975882016, 1e-12);
  EXPECT_EQ(s.p95, 95);
  EXPECT_EQ(s.p99, 99);
  EXPECT_EQ(s.max, 100);
  EXPECT_EQ(s.failures, 3);
  EXPECT_LT(s.failure_low, 0.03);
  EXPECT_GT(s.failure_high, 0.03);
  const SizeSummary one = summarize(16, {7}, 2, 2);  // two runs did not finish
  EXPECT_EQ(one.p95, 7);
  EXPECT_EQ(one.sd, 0);
  EXPECT_EQ(one.runs, 3);
  EXPECT_EQ(one.unfinished, 2);
  EXPECT_GT(one.failure_low, 0.0);
}

TEST(Study, WilsonIntervals) {
  const auto [low, high] = wilson_interval(0, 100);
  EXPECT_NEAR(low, 0, 1e-12);
  EXPECT_NEAR(high, 0.036994, 1e-5);  // the rule of three's neighbour
  const auto [mid_low, mid_high] = wilson_interval(50, 100);
  EXPECT_NEAR(mid_low, 0.403832, 1e-5);
  EXPECT_NEAR(mid_high, 0.596168, 1e-5);
}

TEST(Study, FitsMeanRoundsAgainstLog2N) {
  std::vector<SizeSummary> sizes;
  for (const std::int64_t n : {16, 256, 4096}) {
    SizeSummary s;
    s.amoebots = n;
    s.mean = 14.0 * std::log2(static_cast<double>(n)) + 3.0;
    sizes.push_back(s);
  }
  const LogFit exact = fit_log2(sizes);
  EXPECT_NEAR(exact.alpha, 14.0, 1e-9);
  EXPECT_NEAR(exact.beta, 3.0, 1e-9);
  EXPECT_NEAR(exact.r2, 1.0, 1e-12);
  sizes[1].mean += 10;
  EXPECT_LT(fit_log2(sizes).r2, 0.99);
  testing::expect_error([&] { fit_log2(std::span(sizes).first(1)); },
                        {.input = "study", .contains = "two distinct sizes"});
}

}  // namespace
}  // namespace tessera::amoebot
