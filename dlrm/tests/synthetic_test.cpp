// Tests of the synthetic DLRM data (synthetic.hpp): samples independent of slicing and threads,
// the batch layout, Zipf id frequencies, the row permutation, and a teacher whose labels follow
// its probabilities and whose sparse terms carry signal.
#include "tessera/dlrm/synthetic.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "../src/zipf.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/dlrm/metrics.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera::dlrm {
namespace {

using testing::ErrorMatch;
using testing::expect_error;

// Upper 0.999 quantiles of chi-square with 8, 11 and 22 degrees of freedom.
constexpr double kChiSquare8 = 26.12;
constexpr double kChiSquare11 = 31.26;
constexpr double kChiSquare22 = 48.27;

// Several tables (one of a single row), bags of three ids, a few dense features.
SyntheticConfig small_config() {
  SyntheticConfig config;
  config.rows = {1000, 7, 1, 50'000};
  config.pooling = 3;
  config.dense_features = 5;
  return config;
}

// The ids of bag (t, s).
std::vector<std::int64_t> bag(const Batch& batch, std::int64_t t, std::int64_t s) {
  const auto& offsets = batch.sparse.offsets;
  const auto b = static_cast<std::size_t>(t * batch.size + s);
  return {batch.sparse.ids.begin() + offsets[b], batch.sparse.ids.begin() + offsets[b + 1]};
}

// Samples [first, first + part.size) of `whole` equal `part`, field by field and bit for bit.
void expect_same_samples(const Batch& whole, std::int64_t first, const Batch& part) {
  ASSERT_EQ(part.dense_features, whole.dense_features);
  ASSERT_EQ(part.sparse.tables, whole.sparse.tables);
  const auto features = static_cast<std::size_t>(whole.dense_features);
  for (std::int64_t s = 0; s < part.size; ++s) {
    const auto row = static_cast<std::size_t>(s);
    const auto whole_row = static_cast<std::size_t>(first + s);
    EXPECT_TRUE(std::equal(part.dense.begin() + row * features,
                           part.dense.begin() + (row + 1) * features,
                           whole.dense.begin() + whole_row * features))
        << "dense values of sample " << first + s;
    EXPECT_EQ(part.labels[row], whole.labels[whole_row]) << "label of sample " << first + s;
    for (std::int64_t t = 0; t < whole.sparse.tables; ++t) {
      EXPECT_EQ(bag(part, t, s), bag(whole, t, first + s)) << "bag " << t << " of " << first + s;
    }
  }
}

// Chi-square statistic of observed counts against expected ones.
double chi_square(const std::vector<double>& observed, const std::vector<double>& expected) {
  double statistic = 0.0;
  for (std::size_t i = 0; i < observed.size(); ++i) {
    statistic += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
  }
  return statistic;
}

// k^-s / sum_{j=1}^{n} j^-s for k = 1..n, summed exactly.
std::vector<double> zipf_probabilities(std::int64_t n, double s) {
  std::vector<double> p(static_cast<std::size_t>(n));
  for (std::int64_t k = 1; k <= n; ++k) p[static_cast<std::size_t>(k - 1)] = std::pow(k, -s);
  const double total = std::accumulate(p.begin(), p.end(), 0.0);
  for (double& value : p) value /= total;
  return p;
}

double mean(const std::vector<float>& values) {
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

TEST(SyntheticData, SlicesMatchTheWholeBatch) {
  const SyntheticData data(small_config());
  const Batch whole = data.batch(0, 100);
  expect_same_samples(whole, 0, data.batch(0, 40));
  expect_same_samples(whole, 40, data.batch(40, 60));
  expect_same_samples(whole, 37, data.batch(37, 1));

  const std::vector<float> probabilities = data.probabilities(0, 100);
  std::vector<float> joined = data.probabilities(0, 40);
  const std::vector<float> tail = data.probabilities(40, 60);
  joined.insert(joined.end(), tail.begin(), tail.end());
  EXPECT_EQ(joined, probabilities);
}

TEST(SyntheticData, ThreadCountDoesNotChangeTheSamples) {
  const SyntheticData data(small_config());
  const auto generate = [&](int threads) {
    const ThreadCountScope scope(threads);
    return std::pair(data.batch(5, 700), data.probabilities(5, 700));
  };
  const auto [one_batch, one_probabilities] = generate(1);
  for (const int threads : {2, 3}) {
    const auto [batch, probabilities] = generate(threads);
    expect_same_samples(one_batch, 0, batch);
    EXPECT_EQ(probabilities, one_probabilities) << threads << " threads";
  }
}

TEST(SyntheticData, SeedDecidesTheData) {
  SyntheticConfig config = small_config();
  const Batch first = SyntheticData(config).batch(0, 200);
  expect_same_samples(first, 0, SyntheticData(config).batch(0, 200));
  config.seed = 2;
  const Batch other = SyntheticData(config).batch(0, 200);
  EXPECT_NE(other.dense, first.dense);
  EXPECT_NE(other.sparse.ids, first.sparse.ids);
  EXPECT_NE(other.labels, first.labels);
}

TEST(SyntheticData, BatchHasTheDocumentedLayout) {
  const SyntheticConfig config = small_config();
  const Batch batch = SyntheticData(config).batch(1000, 300);
  const auto tables = static_cast<std::int64_t>(config.rows.size());
  EXPECT_EQ(batch.size, 300);
  EXPECT_EQ(batch.dense_features, config.dense_features);
  ASSERT_EQ(batch.dense.size(), static_cast<std::size_t>(300 * config.dense_features));
  EXPECT_TRUE(std::all_of(batch.dense.begin(), batch.dense.end(),
                          [](float x) { return x >= 0.0f && x < 1.0f; }));
  EXPECT_EQ(batch.sparse.tables, tables);
  EXPECT_EQ(batch.sparse.samples, 300);
  ASSERT_EQ(batch.sparse.offsets.size(), static_cast<std::size_t>(tables * 300 + 1));
  for (std::size_t b = 0; b < batch.sparse.offsets.size(); ++b) {
    ASSERT_EQ(batch.sparse.offsets[b], static_cast<std::int64_t>(b) * config.pooling);
  }
  ASSERT_EQ(batch.sparse.ids.size(), static_cast<std::size_t>(tables * 300 * config.pooling));
  EXPECT_TRUE(batch.sparse.weights.empty());
  for (std::int64_t t = 0; t < tables; ++t) {
    for (std::int64_t s = 0; s < batch.size; ++s) {
      for (const std::int64_t id : bag(batch, t, s)) {
        ASSERT_GE(id, 0);
        ASSERT_LT(id, config.rows[static_cast<std::size_t>(t)]) << "table " << t;
      }
    }
  }
  ASSERT_EQ(batch.labels.size(), 300U);
  EXPECT_TRUE(std::all_of(batch.labels.begin(), batch.labels.end(),
                          [](float y) { return y == 0.0f || y == 1.0f; }));

  const Batch empty = SyntheticData(config).batch(7, 0);
  EXPECT_EQ(empty.sparse.offsets, std::vector<std::int64_t>{0});
  EXPECT_TRUE(empty.sparse.ids.empty() && empty.dense.empty() && empty.labels.empty());
}

TEST(SyntheticData, WorksWithoutDenseFeaturesAndWithOneTable) {
  SyntheticConfig config;
  config.rows = {10};
  config.dense_features = 0;
  const SyntheticData data(config);
  const Batch batch = data.batch(0, 50);
  EXPECT_TRUE(batch.dense.empty());
  const std::vector<float> probabilities = data.probabilities(0, 50);
  EXPECT_TRUE(std::all_of(probabilities.begin(), probabilities.end(),
                          [](float p) { return p > 0.0f && p < 1.0f; }));
}

TEST(SyntheticZipf, SamplerDrawsZipfProbabilities) {
  // n = 12: every rank in the sampler's table; n = 2000: the ranks past kZipfTableRanks invert
  // the hat. Bins: ranks 1..16 one by one, then [17, 32], [33, 64], ... up to n.
  constexpr int kDraws = 100'000;
  for (const auto& [n, critical] : {std::pair<std::int64_t, double>{12, kChiSquare11},
                                    std::pair<std::int64_t, double>{2000, kChiSquare22}}) {
    std::vector<std::size_t> bin_of(static_cast<std::size_t>(n));
    std::size_t bins = 0;
    for (std::int64_t k = 1; k <= n; ++k) {
      if (k <= 16 || std::has_single_bit(static_cast<std::uint64_t>(k - 1))) ++bins;
      bin_of[static_cast<std::size_t>(k - 1)] = bins - 1;
    }
    for (const double s : {0.3, 1.0, 1.1, 2.5}) {
      const detail::ZipfSampler sampler(n, s);
      const CounterRng rng(7, static_cast<std::uint64_t>(s * 10));
      std::vector<double> observed(bins, 0.0);
      for (int i = 0; i < kDraws; ++i) {
        const std::int64_t rank = sampler.sample([&](int draw) {
          return rng.uniform(static_cast<std::uint64_t>(i) * detail::kZipfDraws +
                             static_cast<std::uint64_t>(draw));
        });
        ASSERT_GE(rank, 1);
        ASSERT_LE(rank, n);
        observed[bin_of[static_cast<std::size_t>(rank - 1)]] += 1.0;
      }
      const std::vector<double> p = zipf_probabilities(n, s);
      std::vector<double> expected(bins, 0.0);
      for (std::size_t k = 0; k < p.size(); ++k) expected[bin_of[k]] += kDraws * p[k];
      EXPECT_LT(chi_square(observed, expected), critical) << "n = " << n << ", s = " << s;
      for (const std::int64_t k : {std::int64_t{1}, std::int64_t{2}, n}) {
        EXPECT_NEAR(sampler.probability(k) / p[static_cast<std::size_t>(k - 1)], 1.0, 1e-7);
      }
    }
  }
  EXPECT_EQ(detail::ZipfSampler(1, 1.1).sample([](int) { return 0.5; }), 1);
}

TEST(SyntheticZipf, ProbabilitiesOfLargeTablesSumToOne) {
  for (const double s : {0.5, 1.0, 1.1, 2.0}) {
    const std::int64_t n = 1'000'000;
    const std::vector<double> p = zipf_probabilities(n, s);
    const detail::ZipfSampler sampler(n, s);
    for (const std::int64_t k : {1, 2, 100, 1000, 999'999}) {
      EXPECT_NEAR(sampler.probability(k) / p[static_cast<std::size_t>(k - 1)], 1.0, 1e-7)
          << "s = " << s << ", k = " << k;
    }
  }
}

TEST(SyntheticZipf, MostCommonRowsOfATableFollowZipf) {
  SyntheticConfig config;
  config.rows = {1000};
  config.pooling = 10;
  config.zipf_alpha = 1.1;
  const Batch batch = SyntheticData(config).batch(0, 20'000);
  std::vector<double> counts(1000, 0.0);
  for (const std::int64_t id : batch.sparse.ids) counts[static_cast<std::size_t>(id)] += 1.0;
  std::vector<std::size_t> rows(counts.size());
  std::iota(rows.begin(), rows.end(), 0);
  std::sort(rows.begin(), rows.end(), [&](auto a, auto b) { return counts[a] > counts[b]; });

  // The 8 most common rows are ranks 1..8 (their expected counts are > 6 sigma apart); the rest
  // of the ids make a ninth bin.
  const std::vector<double> p = zipf_probabilities(1000, config.zipf_alpha);
  const auto ids = static_cast<double>(batch.sparse.ids.size());
  std::vector<double> observed(9, ids);
  std::vector<double> expected(9, ids);
  for (std::size_t k = 0; k < 8; ++k) {
    observed[k] = counts[rows[k]];
    expected[k] = ids * p[k];
    observed[8] -= observed[k];
    expected[8] -= expected[k];
  }
  EXPECT_LT(chi_square(observed, expected), kChiSquare8);
  EXPECT_NEAR(observed[0] / ids, p[0], 0.05 * p[0]);
  // The hot rows are scattered over the table, not rows 0..7.
  EXPECT_GT(*std::max_element(rows.begin(), rows.begin() + 8), 100U);
}

TEST(SyntheticPermutation, IsABijectionOfEverySmallTable) {
  std::vector<std::int64_t> sizes(50);
  std::iota(sizes.begin(), sizes.end(), 1);
  sizes.insert(sizes.end(), {255, 256, 257, 1023, 1024, 1025, 4097});
  for (const std::uint64_t key : {0ULL, 1ULL, 0x9E3779B97F4A7C15ULL}) {
    for (const std::int64_t n : sizes) {
      const detail::RowPermutation permutation(n, {key, key + 1, key * 3, ~key});
      std::vector<bool> seen(static_cast<std::size_t>(n), false);
      for (std::int64_t x = 0; x < n; ++x) {
        const std::int64_t y = permutation(x);
        ASSERT_GE(y, 0) << "n = " << n;
        ASSERT_LT(y, n) << "n = " << n;
        ASSERT_FALSE(seen[static_cast<std::size_t>(y)]) << "n = " << n << ": " << y << " twice";
        seen[static_cast<std::size_t>(y)] = true;
      }
    }
  }
}

TEST(SyntheticPermutation, ScattersTheFirstRanks) {
  const detail::RowPermutation permutation(1'000'000, {11, 22, 33, 44});
  int stayed = 0;  // ranks < 1000 landing on rows < 1000: ~1 expected
  for (std::int64_t x = 0; x < 1000; ++x) stayed += permutation(x) < 1000 ? 1 : 0;
  EXPECT_LE(stayed, 10);
}

TEST(SyntheticTeacher, LabelsAreDrawnFromTheProbabilities) {
  const SyntheticConfig config;
  const SyntheticData data(config);
  constexpr std::int64_t n = 100'000;
  const Batch batch = data.batch(0, n);
  const std::vector<float> p = data.probabilities(0, n);
  // The label stream (stream 1 of synthetic.cpp): label = uniform_float(i) < p, in float.
  const CounterRng label_rng(config.seed, 1);
  for (std::int64_t i = 0; i < n; ++i) {
    const auto s = static_cast<std::size_t>(i);
    ASSERT_EQ(batch.labels[s], label_rng.uniform_float(static_cast<std::uint64_t>(i)) < p[s])
        << "sample " << i;
  }
  double variance = 0.0;
  for (const float q : p) variance += static_cast<double>(q) * (1.0 - q);
  EXPECT_NEAR(mean(batch.labels), mean(p), 5.0 * std::sqrt(variance) / n);
}

TEST(SyntheticTeacher, OracleUsesTheSparseFeatures) {
  constexpr std::int64_t n = 50'000;
  const SyntheticConfig config;
  const SyntheticData data(config);
  const std::vector<float> labels = data.batch(0, n).labels;
  const std::vector<float> oracle = data.probabilities(0, n);
  const double oracle_auc = roc_auc(oracle, labels);
  EXPECT_GT(mean(labels), 0.1);
  EXPECT_LT(mean(labels), 0.3);
  EXPECT_GT(oracle_auc, 0.75);
  EXPECT_LT(oracle_auc, 0.9);

  // The same samples scored by teachers that drop terms: the ids carry signal.
  SyntheticConfig dense_only = config;
  dense_only.row_scale = 0.0;
  dense_only.pair_scale = 0.0;
  SyntheticConfig no_pairs = config;
  no_pairs.pair_scale = 0.0;
  const std::vector<float> dense_scores = SyntheticData(dense_only).probabilities(0, n);
  const std::vector<float> no_pair_scores = SyntheticData(no_pairs).probabilities(0, n);
  EXPECT_LT(roc_auc(dense_scores, labels), oracle_auc - 0.05);
  EXPECT_LT(roc_auc(no_pair_scores, labels), oracle_auc - 0.02);
  EXPECT_LT(log_loss(oracle, labels), log_loss(dense_scores, labels));
}

TEST(SyntheticTeacher, ClickRateHoldsForLargeTablesAndPooling) {
  SyntheticConfig config;
  config.rows.assign(8, 1'000'000);
  config.pooling = 20;
  const SyntheticData data(config);
  constexpr std::int64_t n = 10'000;
  const std::vector<float> labels = data.batch(0, n).labels;
  EXPECT_GT(mean(labels), 0.1);
  EXPECT_LT(mean(labels), 0.3);
  const double auc = roc_auc(data.probabilities(0, n), labels);
  EXPECT_GT(auc, 0.75);
  EXPECT_LT(auc, 0.9);
}

TEST(SyntheticConfig, RejectsEveryBadField) {
  const auto expect_rejected = [](const std::function<void(SyntheticConfig&)>& spoil,
                                  const std::string& says) {
    SyntheticConfig config;
    spoil(config);
    expect_error(
        [&] { SyntheticData{config}; },
        ErrorMatch{.input = "synthetic config", .contains = says, .code = ExitCode::kFailure});
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  expect_rejected([](SyntheticConfig& c) { c.rows.clear(); }, "rows: needs at least one table");
  expect_rejected([](SyntheticConfig& c) { c.rows = {5, 0}; }, "rows[1] must be >= 1, got 0");
  expect_rejected([](SyntheticConfig& c) { c.rows = {-3}; }, "rows[0] must be >= 1, got -3");
  expect_rejected([](SyntheticConfig& c) { c.pooling = 0; }, "pooling must be >= 1, got 0");
  expect_rejected([](SyntheticConfig& c) { c.dense_features = -1; },
                  "dense_features must be >= 0, got -1");
  expect_rejected([](SyntheticConfig& c) { c.teacher_dim = 0; }, "teacher_dim must be >= 1, got 0");
  expect_rejected([](SyntheticConfig& c) { c.zipf_alpha = 0.0; },
                  "zipf_alpha must be finite and > 0, got 0");
  expect_rejected([](SyntheticConfig& c) { c.zipf_alpha = -1.0; }, "zipf_alpha must be finite");
  expect_rejected([=](SyntheticConfig& c) { c.zipf_alpha = nan; }, "zipf_alpha must be finite");
  expect_rejected([=](SyntheticConfig& c) { c.zipf_alpha = inf; }, "zipf_alpha must be finite");
  expect_rejected([=](SyntheticConfig& c) { c.dense_scale = inf; },
                  "dense_scale must be finite, got inf");
  expect_rejected([=](SyntheticConfig& c) { c.row_scale = nan; },
                  "row_scale must be finite, got nan");
  expect_rejected([=](SyntheticConfig& c) { c.pair_scale = -inf; },
                  "pair_scale must be finite, got -inf");
}

TEST(SyntheticSamples, RejectsBadRanges) {
  const SyntheticData data(small_config());
  const auto expect_usage = [](const std::function<void()>& call, const std::string& says) {
    expect_error(
        call, ErrorMatch{.input = "synthetic samples", .contains = says, .code = ExitCode::kUsage});
  };
  expect_usage([&] { data.batch(-1, 5); }, "first must be >= 0, got -1");
  expect_usage([&] { data.batch(0, -2); }, "count must be >= 0, got -2");
  expect_usage([&] { data.probabilities(-1, 5); }, "first must be >= 0, got -1");
  expect_usage([&] { data.probabilities(0, -2); }, "count must be >= 0, got -2");
  constexpr std::int64_t kLast = std::numeric_limits<std::int64_t>::max();
  expect_usage([&] { data.batch(kLast, 1); }, "goes past");
  expect_usage([&] { data.probabilities(0, kLast); }, "goes past");
}

}  // namespace
}  // namespace tessera::dlrm
