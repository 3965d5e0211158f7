// Metrics: hand-computed error statistics, fill/NaN/Inf handling, the absolute-bound check, and
// results that do not depend on the thread count.
#include "tessera/compress/metrics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera::compress {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

template <class T>
Field field_of(const std::string& name, const std::vector<T>& values) {
  Field field = make_field(name, data_type_of<T>(), {values.size()});
  std::ranges::copy(values, field.values<T>().begin());
  return field;
}

float nan_with_payload(std::uint32_t payload) {
  return std::bit_cast<float>(std::uint32_t{0x7FC00000} | payload);
}

TEST(Metrics, ValueRangeSkipsNonFiniteAndFillPoints) {
  const float inf = std::numeric_limits<float>::infinity();
  Field field = field_of<float>("f", {-1e34f, 3, nan_with_payload(0), -2, inf, 7, -inf});
  field.fill_value = -1e34f;
  const ValueRange range = value_range(field);
  EXPECT_EQ(range.min, -2.0);
  EXPECT_EQ(range.max, 7.0);
  EXPECT_EQ(range.counted, 3u);

  field.fill_value.reset();
  EXPECT_EQ(value_range(field).min, static_cast<double>(-1e34f));

  const ValueRange none = value_range(field_of<double>("g", {kInfinity, std::nan("")}));
  EXPECT_EQ(none.counted, 0u);
  EXPECT_EQ(none.min, 0.0);
  EXPECT_EQ(none.max, 0.0);
}

TEST(Metrics, HandComputedStatistics) {
  const Field original = field_of<double>("orig", {0, 1, 2, 3, 4});
  const Field decoded = field_of<double>("dec", {0, 1.5, 2, 3, 3});
  const ErrorStats stats = compare_fields(original, decoded);
  // Errors 0, 0.5, 0, 0, 1 over a value range of 4: MSE = 1.25 / 5 = 0.25.
  EXPECT_EQ(stats.max_abs_error, 1.0);
  EXPECT_EQ(stats.worst_index, 4u);
  EXPECT_EQ(stats.max_rel_error, 0.25);
  EXPECT_EQ(stats.rmse, 0.5);
  EXPECT_EQ(stats.nrmse, 0.125);
  EXPECT_DOUBLE_EQ(stats.psnr_db, 20.0 * std::log10(8.0));  // 18.06 dB
  EXPECT_EQ(stats.compared, 5u);
  EXPECT_EQ(stats.mismatched_special, 0u);
}

TEST(Metrics, ExactCopyHasInfinitePsnr) {
  const Field original = field_of<float>("orig", {1, -2, 3.5f});
  const Field copy = field_of<float>("copy", {1, -2, 3.5f});
  const ErrorStats stats = compare_fields(original, copy);
  EXPECT_EQ(stats.max_abs_error, 0.0);
  EXPECT_EQ(stats.rmse, 0.0);
  EXPECT_EQ(stats.nrmse, 0.0);
  EXPECT_EQ(stats.psnr_db, kInfinity);
  EXPECT_EQ(stats.worst_index, 0u);

  // A constant field with an error has no range to relate it to.
  const ErrorStats constant =
      compare_fields(field_of<double>("c", {2, 2}), field_of<double>("d", {2, 2.5}));
  EXPECT_EQ(constant.max_rel_error, kInfinity);
  EXPECT_EQ(constant.psnr_db, -kInfinity);
}

TEST(Metrics, SpecialPointsMustComeBackBitForBit) {
  const float inf = std::numeric_limits<float>::infinity();
  const float fill = -1e34f;
  Field original = field_of<float>("orig", {1, fill, nan_with_payload(7), 3, -inf, 5});
  original.fill_value = fill;
  Field decoded = field_of<float>("dec", {1.25f, fill, nan_with_payload(7), 3, -inf, 4.5f});
  ErrorStats stats = compare_fields(original, decoded);
  EXPECT_EQ(stats.compared, 3u);  // 1, 3, 5: range 4
  EXPECT_EQ(stats.mismatched_special, 0u);
  EXPECT_EQ(stats.max_abs_error, 0.5);
  EXPECT_EQ(stats.worst_index, 5u);
  EXPECT_EQ(stats.max_rel_error, 0.125);

  decoded.values<float>()[2] = nan_with_payload(8);  // still NaN, other bits
  decoded.values<float>()[1] = -0.99e34f;            // fill not kept
  decoded.values<float>()[4] = -3.4e38f;             // -Inf lost
  stats = compare_fields(original, decoded);
  EXPECT_EQ(stats.mismatched_special, 3u);
  EXPECT_EQ(stats.compared, 3u);
  EXPECT_EQ(stats.max_abs_error, 0.5);

  decoded.values<float>()[3] = nan_with_payload(0);  // NaN where a value was: infinite error
  stats = compare_fields(original, decoded);
  EXPECT_EQ(stats.max_abs_error, kInfinity);
  EXPECT_EQ(stats.worst_index, 3u);
  EXPECT_EQ(stats.psnr_db, -kInfinity);
}

TEST(Metrics, MismatchedFieldsNameBoth) {
  const Field a = field_of<float>("a.f32", {1, 2, 3});
  const Field b = field_of<float>("b.f32", {1, 2});
  tessera::testing::expect_error(
      [&] { (void)compare_fields(a, b); },
      {.input = "b.f32", .contains = "b.f32: is 2 f32, but the original a.f32 is 3 f32"});
  EXPECT_THROW((void)check_abs_bound(a, field_of<double>("c.f64", {1, 2, 3}), 0.1), Error);
}

/// A generated field of `count` values (normal, with a fill value every 97th point) and a decoded
/// copy off by at most `bound` everywhere except the fill points, which are kept.
struct GeneratedPair {
  Field original;
  Field decoded;
};

GeneratedPair generated_pair(std::size_t count, double bound) {
  const float fill = 9.96921e36f;
  GeneratedPair pair{make_field("orig", DataType::kFloat32, {count}),
                     make_field("dec", DataType::kFloat32, {count})};
  pair.original.fill_value = fill;
  const auto original = pair.original.values<float>();
  const auto decoded = pair.decoded.values<float>();
  fill_normal(original, CounterRng(2024, 1), 10.0, 3.0);
  const CounterRng noise(2024, 2);
  for (std::size_t i = 0; i < count; ++i) {
    if (i % 97 == 0) original[i] = fill;
    // A float step below the bound, so the rounded decoded value stays within it.
    decoded[i] =
        i % 97 == 0 ? fill : original[i] + static_cast<float>(noise.uniform(i, -0.9, 0.9) * bound);
  }
  return pair;
}

TEST(Metrics, ResultsDoNotDependOnTheThreadCount) {
  const GeneratedPair pair = generated_pair(1'000'000, 1e-3);
  const auto measure = [&](int threads) {
    const ThreadCountScope scope(threads);
    return std::tuple(compare_fields(pair.original, pair.decoded), value_range(pair.original),
                      check_abs_bound(pair.original, pair.decoded, 1e-3));
  };
  const auto [one, one_range, one_bound] = measure(1);
  const auto [two, two_range, two_bound] = measure(2);
  EXPECT_EQ(one.max_abs_error, two.max_abs_error);
  EXPECT_EQ(one.max_rel_error, two.max_rel_error);
  EXPECT_EQ(one.psnr_db, two.psnr_db);
  EXPECT_EQ(one.nrmse, two.nrmse);
  EXPECT_EQ(one.rmse, two.rmse);
  EXPECT_EQ(one.compared, two.compared);
  EXPECT_EQ(one.mismatched_special, two.mismatched_special);
  EXPECT_EQ(one.worst_index, two.worst_index);
  EXPECT_EQ(one_range.min, two_range.min);
  EXPECT_EQ(one_range.max, two_range.max);
  EXPECT_EQ(one_range.counted, two_range.counted);
  EXPECT_EQ(one_bound.violations, two_bound.violations);

  EXPECT_EQ(one.compared, 1'000'000u - 10'310u);  // every 97th point is fill
  EXPECT_EQ(one_range.counted, one.compared);
  EXPECT_EQ(one.mismatched_special, 0u);
  EXPECT_LE(one.max_abs_error, 1e-3);
  EXPECT_GT(one.max_abs_error, 0.8e-3);
  EXPECT_NEAR(one.rmse, 0.9e-3 / std::sqrt(3.0), 0.02e-3);  // uniform noise on [-0.9, 0.9] eb
  EXPECT_TRUE(one_bound.ok);
}

TEST(Metrics, BoundCheckFindsASingleViolation) {
  GeneratedPair pair = generated_pair(100'000, 1e-2);
  EXPECT_TRUE(check_abs_bound(pair.original, pair.decoded, 1e-2).ok);
  pair.decoded.values<float>()[76'543] += 0.03f;
  const BoundCheck check = check_abs_bound(pair.original, pair.decoded, 1e-2);
  EXPECT_FALSE(check.ok);
  EXPECT_EQ(check.violations, 1u);
  EXPECT_EQ(check.first_violation, 76'543u);

  pair.decoded.values<float>()[97 * 900] = std::numeric_limits<float>::quiet_NaN();  // fill lost
  const BoundCheck both = check_abs_bound(pair.original, pair.decoded, 1e-2);
  EXPECT_EQ(both.violations, 2u);
  EXPECT_EQ(both.first_violation, 76'543u);

  EXPECT_THROW((void)check_abs_bound(pair.original, pair.decoded, -1.0), Error);
  EXPECT_THROW((void)check_abs_bound(pair.original, pair.decoded, std::nan("")), Error);
}

}  // namespace
}  // namespace tessera::compress
