// Counter-based RNG: Philox known answers, the counter layout, independence of
// seeds/streams/indices, thread-count-independent fills, distribution sanity with fixed seeds, and
// argument errors.
#include "tessera/core/rng.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "tessera/core/error.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera {
namespace {

// Random123's published known-answer vectors for Philox4x32-10 (tests/kat_vectors).
TEST(Philox4x32, MatchesRandom123KnownAnswers) {
  EXPECT_EQ(philox4x32_10({0, 0, 0, 0}, {0, 0}),
            (Philox4x32Block{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  EXPECT_EQ(
      philox4x32_10({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}),
      (Philox4x32Block{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  EXPECT_EQ(
      philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}),
      (Philox4x32Block{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

TEST(CounterRng, BitsFollowTheDocumentedCounterLayout) {
  const std::uint64_t seed = 0x0123456789abcdef;
  const std::uint64_t stream = 0x0000badc0ffee123;
  const std::uint64_t index = 0xfedcba9876543210;
  const CounterRng rng(seed, stream);
  const Philox4x32Block expected =
      philox4x32_10({0x76543210, 0xfedcba98, 0x0ffee123, 0xbadc0000}, {0x89abcdef, 0x01234567});
  EXPECT_EQ(rng.bits(index), expected);
  EXPECT_EQ(rng.u32(index), expected[0]);
  EXPECT_EQ(rng.u64(index), (std::uint64_t{expected[1]} << 32) | expected[0]);
  EXPECT_EQ(rng.seed(), seed);
  EXPECT_EQ(rng.stream(), stream);
}

TEST(CounterRng, ValuesArePureFunctionsOfSeedStreamAndIndex) {
  const CounterRng a(42, 7);
  const CounterRng b(42, 7);
  const CounterRng copy = a;
  for (std::uint64_t i : {0ull, 1ull, 999ull, ~0ull}) {
    EXPECT_EQ(a.bits(i), b.bits(i));
    EXPECT_EQ(a.uniform(i), copy.uniform(i));
    EXPECT_EQ(a.normal(i), b.normal(i));
    EXPECT_EQ(a.uniform_int(i, 1000), b.uniform_int(i, 1000));
    EXPECT_EQ(a.zipf(i, 1000, 1.2), b.zipf(i, 1000, 1.2));
  }
  // Order of evaluation does not matter: drawing index 5 first changes nothing for index 4.
  const double later = a.uniform(5);
  EXPECT_EQ(a.uniform(4), b.uniform(4));
  EXPECT_EQ(later, b.uniform(5));
}

TEST(CounterRng, SeedsStreamsAndIndicesGiveDistinctBlocks) {
  const std::vector<CounterRng> rngs = {CounterRng(0, 0), CounterRng(1, 0), CounterRng(0, 1),
                                        CounterRng(0, std::uint64_t{1} << 32),
                                        CounterRng(0, kRngStreamLimit - 1)};
  std::set<Philox4x32Block> seen;
  for (const CounterRng& rng : rngs) {
    for (std::uint64_t i = 0; i < 200; ++i) seen.insert(rng.bits(i));
    seen.insert(rng.bits(std::uint64_t{1} << 32));
  }
  EXPECT_EQ(seen.size(), rngs.size() * 201);
}

TEST(CounterRng, NeighbouringStreamsAreUncorrelated) {
  const CounterRng a(2024, 0);
  const CounterRng b(2024, 1);
  constexpr int kDraws = 100000;
  double product_sum = 0.0;
  for (int i = 0; i < kDraws; ++i) product_sum += (a.uniform(i) - 0.5) * (b.uniform(i) - 0.5);
  // Correlation estimate has standard error 1/sqrt(kDraws) ~ 0.003.
  EXPECT_NEAR(product_sum / kDraws * 12.0, 0.0, 0.02);
}

template <typename T>
std::vector<T> fill_with_threads(int threads, const std::function<void(std::span<T>)>& fill) {
  ThreadCountScope scope(threads);
  std::vector<T> out(100003);
  fill(out);
  return out;
}

template <typename T>
void expect_same_bytes_for_one_and_two_threads(const std::function<void(std::span<T>)>& fill) {
  const std::vector<T> one = fill_with_threads<T>(1, fill);
  const std::vector<T> two = fill_with_threads<T>(2, fill);
  EXPECT_EQ(std::memcmp(one.data(), two.data(), one.size() * sizeof(T)), 0);
}

TEST(Fill, GivesIdenticalStreamsForOneAndTwoThreads) {
  const CounterRng rng(99, 3);
  expect_same_bytes_for_one_and_two_threads<float>(
      [&](std::span<float> out) { fill_uniform(out, rng, -1.0f, 2.0f, 17); });
  expect_same_bytes_for_one_and_two_threads<double>(
      [&](std::span<double> out) { fill_uniform(out, rng, 0.0, 1.0); });
  expect_same_bytes_for_one_and_two_threads<float>(
      [&](std::span<float> out) { fill_normal(out, rng, 1.0, 0.5); });
  expect_same_bytes_for_one_and_two_threads<double>(
      [&](std::span<double> out) { fill_normal(out, rng, 0.0, 1.0, 1u << 20); });
}

TEST(Fill, ElementJHoldsTheValueOfIndexFirstPlusJ) {
  const CounterRng rng(5, 6);
  constexpr std::uint64_t kFirst = 1000;
  std::vector<double> doubles(10000);
  std::vector<float> floats(10000);
  std::vector<double> normals(10000);
  fill_uniform(doubles, rng, -3.0, 4.0, kFirst);
  fill_uniform(floats, rng, 2.0f, 3.0f, kFirst);
  fill_normal(normals, rng, 10.0, 2.0, kFirst);
  for (std::size_t j = 0; j < doubles.size(); ++j) {
    ASSERT_EQ(doubles[j], rng.uniform(kFirst + j, -3.0, 4.0));
    ASSERT_EQ(floats[j], rng.uniform_float(kFirst + j, 2.0f, 3.0f));
    ASSERT_EQ(normals[j], rng.normal(kFirst + j, 10.0, 2.0));
  }
  // A fill that starts later continues the same sequence.
  std::vector<double> tail(5000);
  fill_uniform(tail, rng, -3.0, 4.0, kFirst + 5000);
  EXPECT_TRUE(std::equal(tail.begin(), tail.end(), doubles.begin() + 5000));
}

struct Moments {
  double mean = 0.0;
  double variance = 0.0;
};

Moments moments_of(int count, const std::function<double(std::uint64_t)>& draw) {
  double sum = 0.0;
  double square_sum = 0.0;
  for (int i = 0; i < count; ++i) {
    const double x = draw(static_cast<std::uint64_t>(i));
    sum += x;
    square_sum += x * x;
  }
  const double mean = sum / count;
  return {mean, square_sum / count - mean * mean};
}

TEST(Uniform, InUnitIntervalWithFullPrecisionAndRightMoments) {
  const CounterRng rng(1, 0);
  constexpr int kDraws = 200000;
  bool low_bit_used = false;
  bool float_low_bit_used = false;
  for (int i = 0; i < 1000; ++i) {
    const double u = rng.uniform(i);
    const float f = rng.uniform_float(i);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    ASSERT_GE(f, 0.0f);
    ASSERT_LT(f, 1.0f);
    const double scaled = std::ldexp(u, 53);  // an integer; odd ones need all 53 bits
    ASSERT_EQ(scaled, std::floor(scaled));
    low_bit_used = low_bit_used || std::fmod(scaled, 2.0) == 1.0;
    const double scaled_float = std::ldexp(static_cast<double>(f), 24);
    ASSERT_EQ(scaled_float, std::floor(scaled_float));
    float_low_bit_used = float_low_bit_used || std::fmod(scaled_float, 2.0) == 1.0;
  }
  EXPECT_TRUE(low_bit_used);
  EXPECT_TRUE(float_low_bit_used);
  // Standard errors: mean 0.29/sqrt(2e5) ~ 6.5e-4, variance ~ 1.9e-4.
  const Moments d = moments_of(kDraws, [&](std::uint64_t i) { return rng.uniform(i); });
  EXPECT_NEAR(d.mean, 0.5, 0.004);
  EXPECT_NEAR(d.variance, 1.0 / 12.0, 0.0015);
  const Moments f = moments_of(kDraws, [&](std::uint64_t i) { return rng.uniform_float(i); });
  EXPECT_NEAR(f.mean, 0.5, 0.004);
  EXPECT_NEAR(f.variance, 1.0 / 12.0, 0.0015);
  const Moments r = moments_of(kDraws, [&](std::uint64_t i) { return rng.uniform(i, -2.0, 6.0); });
  EXPECT_NEAR(r.mean, 2.0, 0.03);
  EXPECT_NEAR(r.variance, 64.0 / 12.0, 0.1);
}

TEST(Uniform, StaysBelowHiWhenTheRangeIsOneStep) {
  const CounterRng rng(3, 3);
  const double lo = 1.0;
  const double hi = std::nextafter(1.0, 2.0);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(rng.uniform(i, lo, hi), lo);
}

TEST(Normal, MomentsAndTailMatchTheStandardNormal) {
  const CounterRng rng(11, 2);
  constexpr int kDraws = 200000;
  // Standard errors: mean 1/sqrt(2e5) ~ 2.2e-3, variance sqrt(2/2e5) ~ 3.2e-3.
  const Moments m = moments_of(kDraws, [&](std::uint64_t i) { return rng.normal(i); });
  EXPECT_NEAR(m.mean, 0.0, 0.012);
  EXPECT_NEAR(m.variance, 1.0, 0.02);
  int beyond_two = 0;
  for (int i = 0; i < kDraws; ++i) beyond_two += std::abs(rng.normal(i)) > 2.0 ? 1 : 0;
  // P(|Z| > 2) = 0.0455, standard error ~ 4.7e-4.
  EXPECT_NEAR(static_cast<double>(beyond_two) / kDraws, 0.0455, 0.0025);
  EXPECT_DOUBLE_EQ(rng.normal(7, 5.0, 2.0), 5.0 + 2.0 * rng.normal(7));
  EXPECT_EQ(rng.normal(7, 5.0, 0.0), 5.0);
}

TEST(UniformInt, ChiSquareOnTenBinsIsSmall) {
  const CounterRng rng(77, 1);
  constexpr int kBins = 10;
  constexpr int kDraws = 100000;
  std::vector<int> counts(kBins, 0);
  for (int i = 0; i < kDraws; ++i) {
    const std::uint64_t v = rng.uniform_int(i, kBins);
    ASSERT_LT(v, static_cast<std::uint64_t>(kBins));
    ++counts[v];
  }
  const double expected = static_cast<double>(kDraws) / kBins;
  double chi_square = 0.0;
  for (int c : counts) chi_square += (c - expected) * (c - expected) / expected;
  EXPECT_LT(chi_square, 40.0);  // 9 degrees of freedom: P(chi2 > 40) < 1e-5
  EXPECT_EQ(rng.uniform_int(3, 1), 0u);
}

TEST(UniformInt, RejectionRemovesMultiplyShiftBias) {
  // n = 3 * 2^62: plain multiply-shift maps two draws to every k with k % 3 == 0, so half the
  // results would be multiples of 3; with rejection (1 draw in 4 rejected) a third are.
  const std::uint64_t n = std::uint64_t{3} << 62;
  const CounterRng rng(8, 8);
  constexpr int kDraws = 30000;
  int multiples_of_three = 0;
  for (int i = 0; i < kDraws; ++i) {
    const std::uint64_t v = rng.uniform_int(i, n);
    ASSERT_LT(v, n);
    multiples_of_three += v % 3 == 0 ? 1 : 0;
  }
  EXPECT_NEAR(static_cast<double>(multiples_of_three) / kDraws, 1.0 / 3.0, 0.015);
}

TEST(Bernoulli, FrequencyMatchesP) {
  const CounterRng rng(13, 0);
  constexpr int kDraws = 100000;
  int hits = 0;
  for (int i = 0; i < kDraws; ++i) hits += rng.bernoulli(i, 0.3) ? 1 : 0;
  EXPECT_NEAR(static_cast<double>(hits) / kDraws, 0.3, 0.006);  // standard error ~ 1.4e-3
  for (int i = 0; i < 100; ++i) {
    EXPECT_FALSE(rng.bernoulli(i, 0.0));
    EXPECT_TRUE(rng.bernoulli(i, 1.0));
  }
}

void expect_zipf_matches_pmf(std::uint64_t n, double s) {
  const CounterRng rng(21, 4);
  constexpr int kDraws = 200000;
  std::vector<int> counts(6, 0);
  for (int i = 0; i < kDraws; ++i) {
    const std::uint64_t k = rng.zipf(i, n, s);
    ASSERT_GE(k, 1u);
    ASSERT_LE(k, n);
    if (k <= 5) ++counts[k];
  }
  double normaliser = 0.0;
  for (std::uint64_t k = 1; k <= n; ++k) normaliser += std::pow(static_cast<double>(k), -s);
  for (std::uint64_t k = 1; k <= 5; ++k) {
    const double p = std::pow(static_cast<double>(k), -s) / normaliser;
    const double tolerance = 5.0 * std::sqrt(p * (1.0 - p) / kDraws);
    EXPECT_NEAR(static_cast<double>(counts[k]) / kDraws, p, tolerance) << "k=" << k << " s=" << s;
  }
}

TEST(Zipf, FrequenciesOfSmallValuesMatchTheExactPmf) {
  expect_zipf_matches_pmf(1000, 1.0);
  expect_zipf_matches_pmf(1000, 1.5);
  expect_zipf_matches_pmf(5, 0.5);  // every value is checked, so the whole pmf is
}

TEST(Zipf, CoversTheRangeAndHandlesOneValue) {
  const CounterRng rng(4, 4);
  std::vector<int> counts(11, 0);
  for (int i = 0; i < 20000; ++i) ++counts[rng.zipf(i, 10, 0.8)];
  EXPECT_EQ(counts[0], 0);
  EXPECT_GT(*std::min_element(counts.begin() + 1, counts.end()), 0);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(rng.zipf(i, 1, 2.0), 1u);
}

TEST(CounterRng, BadArgumentsAreUsageErrorsNamingTheParameter) {
  const CounterRng rng(1, 1);
  const double nan = std::nan("");
  testing::expect_error([] { CounterRng(0, kRngStreamLimit); },
                        {.input = "rng stream", .contains = "2^48", .code = ExitCode::kUsage});
  testing::expect_error(
      [&] { rng.zipf(0, 100, -1.0); },
      {.input = "zipf exponent", .contains = "> 0, got -1", .code = ExitCode::kUsage});
  testing::expect_error([&] { rng.zipf(0, 100, 0.0); },
                        {.input = "zipf exponent", .contains = "got 0", .code = ExitCode::kUsage});
  testing::expect_error([&] { rng.zipf(0, 100, nan); },
                        {.input = "zipf exponent", .contains = "nan", .code = ExitCode::kUsage});
  testing::expect_error([&] { rng.zipf(0, 0, 1.0); },
                        {.input = "zipf n", .contains = ">= 1", .code = ExitCode::kUsage});
  testing::expect_error([&] { rng.uniform_int(0, 0); },
                        {.input = "uniform_int n", .contains = ">= 1", .code = ExitCode::kUsage});
  testing::expect_error([&] { rng.bernoulli(0, 1.5); },
                        {.input = "bernoulli p", .contains = "got 1.5", .code = ExitCode::kUsage});
  testing::expect_error([&] { rng.bernoulli(0, -0.1); },
                        {.input = "bernoulli p", .contains = "got -0.1", .code = ExitCode::kUsage});
  testing::expect_error([&] { rng.bernoulli(0, nan); },
                        {.input = "bernoulli p", .contains = "nan", .code = ExitCode::kUsage});
  testing::expect_error([&] { rng.uniform(0, 2.0, 1.0); },
                        {.input = "uniform range", .contains = "[2, 1)", .code = ExitCode::kUsage});
  testing::expect_error(
      [&] { rng.uniform(0, 1.0, 1.0); },
      {.input = "uniform range", .contains = "lo < hi", .code = ExitCode::kUsage});
  testing::expect_error([&] { rng.uniform(0, -1e308, 1e308); },
                        {.input = "uniform range", .contains = "finite", .code = ExitCode::kUsage});
  testing::expect_error([&] { rng.uniform_float(0, 0.0f, std::nanf("")); },
                        {.input = "uniform range", .contains = "nan", .code = ExitCode::kUsage});
  testing::expect_error([&] { rng.normal(0, 0.0, -1.0); },
                        {.input = "normal stddev", .contains = "got -1", .code = ExitCode::kUsage});
  testing::expect_error([&] { rng.normal(0, nan, 1.0); },
                        {.input = "normal mean", .contains = "nan", .code = ExitCode::kUsage});
  testing::expect_error(
      [] { fill_uniform(std::span<double>(), CounterRng(0, 0), 1.0, 0.0); },
      {.input = "uniform range", .contains = "lo < hi", .code = ExitCode::kUsage});
  testing::expect_error([] { fill_normal(std::span<float>(), CounterRng(0, 0), 0.0, -2.0); },
                        {.input = "normal stddev", .contains = "got -2", .code = ExitCode::kUsage});
}

}  // namespace
}  // namespace tessera
