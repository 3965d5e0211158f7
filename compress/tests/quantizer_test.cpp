// Dual quantization + Lorenzo: strict bound on smooth and adversarial data in every geometry,
// special values, fill values, and corrupt outlier records.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <vector>

#include "slab_quantizer.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/testing/expect_error.hpp"
#include "tessera/testing/scoped_env.hpp"

namespace tessera::compress {
namespace {

template <class T>
std::vector<T> smooth_field(std::size_t n, std::uint64_t seed, double noise = 0.05) {
  const CounterRng rng(seed, 0);
  std::vector<T> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i);
    v[i] = static_cast<T>(100.0 * std::sin(t * 0.01) + 10.0 * std::cos(t * 0.003) +
                          rng.normal(i, 0.0, noise));
  }
  return v;
}

template <class T>
std::vector<T> round_trip(const std::vector<T>& values, const SlabGeometry& g,
                          const QuantizerSettings& s, QuantizedSlab& slab) {
  quantize_slab<T>(values, g, s, slab);
  std::vector<T> out(values.size());
  dequantize_slab<T>(slab.codes, slab.outliers, slab.outlier_count, g, s, std::span<T>(out),
                     "test");
  return out;
}

template <class T>
void expect_within_bound(const std::vector<T>& a, const std::vector<T>& b, double eb) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i])) {
      ASSERT_TRUE(std::isnan(b[i])) << i;
    } else if (std::isinf(a[i])) {
      ASSERT_EQ(a[i], b[i]) << i;
    } else {
      ASSERT_LE(std::fabs(static_cast<double>(a[i]) - static_cast<double>(b[i])), eb)
          << "index " << i << ": " << a[i] << " -> " << b[i];
    }
  }
}

struct GeometryCase {
  const char* name;
  SlabGeometry geometry;
};

class QuantizerGeometry : public ::testing::TestWithParam<GeometryCase> {};

TEST_P(QuantizerGeometry, SmoothDataRoundTripsWithinTheBoundF32AndF64) {
  const SlabGeometry g = GetParam().geometry;
  for (double eb : {1e-1, 1e-3, 1e-5}) {
    QuantizedSlab slab;
    const QuantizerSettings s{eb, kDefaultRadius, std::nullopt};
    const auto f32 = smooth_field<float>(g.size(), 1);
    expect_within_bound(f32, round_trip(f32, g, s, slab), eb);
    const auto f64 = smooth_field<double>(g.size(), 2);
    expect_within_bound(f64, round_trip(f64, g, s, slab), eb);
    EXPECT_EQ(std::accumulate(slab.histogram.begin(), slab.histogram.end(), std::uint64_t{0}),
              g.size());
  }
}

INSTANTIATE_TEST_SUITE_P(Geometries, QuantizerGeometry,
                         ::testing::Values(GeometryCase{"1d", {1, 1, 5000, 0, 0}},
                                           GeometryCase{"2d", {1, 37, 101, 0, 0}},
                                           GeometryCase{"3d", {9, 13, 17, 0, 0}},
                                           GeometryCase{"4d_volumes_of_4", {10, 7, 11, 3, 4}},
                                           GeometryCase{"single_value", {1, 1, 1, 0, 0}}),
                         [](const auto& test) { return std::string(test.param.name); });

TEST(Quantizer, SmoothDataMostlyHitsTheCentralCodes) {
  const SlabGeometry g{1, 100, 100, 0, 0};
  std::vector<double> v;
  for (std::size_t y = 0; y < g.rows; ++y) {
    for (std::size_t x = 0; x < g.cols; ++x)
      v.push_back(100.0 * std::sin(0.01 * y) * std::cos(0.01 * x));
  }
  QuantizedSlab slab;
  const QuantizerSettings s{1e-2, kDefaultRadius, std::nullopt};
  quantize_slab<double>(v, g, s, slab);
  std::uint64_t central = 0;
  for (std::uint32_t c = kDefaultRadius - 8; c <= kDefaultRadius + 8; ++c)
    central += slab.histogram[c];
  EXPECT_GT(central, g.size() * 9 / 10);
  EXPECT_LT(slab.outlier_count, g.size() / 100);
}

TEST(Quantizer, SpecialValuesAreVerbatimAndExact) {
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> v = {
      1.0f, std::nanf("0x123"), inf, -inf, 3e38f, -3e38f, 1e-45f, -0.0f, 2.5f, 1e30f, 0.0f, 7.0f};
  const SlabGeometry g{1, 3, 4, 0, 0};
  const QuantizerSettings s{1e-3, kDefaultRadius, std::nullopt};
  QuantizedSlab slab;
  const auto out = round_trip(v, g, s, slab);
  expect_within_bound(v, out, 1e-3);
  std::uint32_t nan_bits_in = 0, nan_bits_out = 0;
  std::memcpy(&nan_bits_in, &v[1], 4);
  std::memcpy(&nan_bits_out, &out[1], 4);
  EXPECT_EQ(nan_bits_in, nan_bits_out);
  EXPECT_EQ(out[4], 3e38f);  // |x / 2eb| >= 2^51: stored verbatim
  EXPECT_GE(slab.outlier_count, 6u);
}

TEST(Quantizer, AdversarialHalfStepsNeverViolateTheBound) {
  // Values at odd multiples of eb sit exactly between two quantization levels, where rounding of
  // x/2eb and of q*2eb decides the error: every one must still be within eb.
  const double eb = 0.1;
  std::vector<float> v;
  for (int k = -2000; k <= 2000; ++k) {
    const float x = static_cast<float>((2 * k + 1) * eb);
    v.push_back(x);
    v.push_back(std::nextafter(x, 1e9f));
    v.push_back(std::nextafter(x, -1e9f));
  }
  const SlabGeometry g{1, 1, v.size(), 0, 0};
  QuantizedSlab slab;
  expect_within_bound(
      v, round_trip(v, g, QuantizerSettings{eb, kDefaultRadius, std::nullopt}, slab), eb);
}

TEST(Quantizer, LargeMagnitudesWithTinyBoundStayStrict) {
  const CounterRng rng(9, 0);
  std::vector<double> v(4096);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = rng.uniform(i, -1e12, 1e12);
  const SlabGeometry g{4, 32, 32, 0, 0};
  QuantizedSlab slab;
  const double eb = 1e-4;  // most x / 2eb exceed 2^51: verbatim
  expect_within_bound(v, round_trip(v, g, QuantizerSettings{eb, 512, std::nullopt}, slab), eb);
}

TEST(Quantizer, FillValuesGetTheFillCodeAndComeBackExactly) {
  auto v = smooth_field<float>(60 * 60, 4);
  for (std::size_t i = 0; i < v.size(); i += 3) v[i] = -1e34f;
  const SlabGeometry g{1, 60, 60, 0, 0};
  const QuantizerSettings s{1e-2, kDefaultRadius, -1e34};
  QuantizedSlab slab;
  const auto out = round_trip(v, g, s, slab);
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == -1e34f) {
      ASSERT_EQ(out[i], -1e34f) << i;
    } else {
      ASSERT_LE(std::fabs(v[i] - out[i]), 1e-2) << i;
    }
  }
  EXPECT_EQ(slab.histogram[s.fill_code()], 1200u);
  EXPECT_LT(slab.outlier_count, v.size() / 50);
}

TEST(Quantizer, SmallRadiusSendsResidualsToOutlierRecords) {
  const auto v = smooth_field<double>(2000, 5);
  const SlabGeometry g{1, 1, v.size(), 0, 0};
  const QuantizerSettings s{1e-4, 2, std::nullopt};
  QuantizedSlab slab;
  expect_within_bound(v, round_trip(v, g, s, slab), 1e-4);
  EXPECT_GT(slab.outlier_count, 1000u);
}

TEST(Quantizer, CorruptOutlierRecordsAreErrors) {
  const auto v = smooth_field<double>(1000, 6);
  const SlabGeometry g{1, 1, v.size(), 0, 0};
  const QuantizerSettings s{1e-6, 4, std::nullopt};
  QuantizedSlab slab;
  quantize_slab<double>(v, g, s, slab);
  ASSERT_GT(slab.outlier_count, 10u);
  std::vector<double> out(v.size());
  const auto decode = [&](std::span<const std::uint16_t> codes, std::span<const std::byte> records,
                          std::size_t count) {
    dequantize_slab<double>(codes, records, count, g, s, std::span<double>(out), "chunk 7");
  };
  // Truncated records, a missing record, an extra record, a code outside the alphabet.
  EXPECT_THROW(decode(slab.codes, std::span(slab.outliers).first(slab.outliers.size() / 2),
                      slab.outlier_count),
               Error);
  EXPECT_THROW(decode(slab.codes, slab.outliers, slab.outlier_count - 1), Error);
  auto codes = slab.codes;
  const auto first_outlier = std::find(codes.begin(), codes.end(), 0);
  ASSERT_NE(first_outlier, codes.end());
  *first_outlier = 4;
  EXPECT_THROW(decode(codes, slab.outliers, slab.outlier_count), Error);
  codes = slab.codes;
  codes[codes.size() - 1] = 9;  // alphabet is 2*4+1 = 9 symbols: 0..8
  tessera::testing::expect_error([&] { decode(codes, slab.outliers, slab.outlier_count); },
                                 {.input = "chunk 7"});
}

TEST(Quantizer, InvalidSettingsAreUsageErrors) {
  for (const QuantizerSettings& s :
       {QuantizerSettings{0.0, 512, std::nullopt}, QuantizerSettings{-1.0, 512, std::nullopt},
        QuantizerSettings{std::nan(""), 512, std::nullopt},
        QuantizerSettings{1e308, 512, std::nullopt}, QuantizerSettings{1e-3, 1, std::nullopt},
        QuantizerSettings{1e-3, 40000, std::nullopt},
        QuantizerSettings{0.5, 512, std::nullopt, 1.0},  // grid step not above 2eb
        QuantizerSettings{1e-3, 512, std::nullopt, -1.0},
        QuantizerSettings{1e-3, 512, std::nullopt, std::numeric_limits<double>::infinity()}}) {
    EXPECT_THROW(validate(s), Error);
  }
}

TEST(Quantizer, ValuesOnTheGridStepComeBackExactlyAndOthersWithinTheBound) {
  // Whole numbers asked for eb = 0.01, prequantized by their grid of 1: exact, and the residuals
  // are the integers' own, not multiples of 50.
  std::vector<float> v(4000);
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = std::round(3000.0f * std::sin(0.01f * static_cast<float>(i)));
  v[17] += 0.37f;  // off the grid: verbatim, within the bound
  const SlabGeometry g{1, 1, v.size(), 0, 0};
  const QuantizerSettings on_grid{0.01, 512, std::nullopt, 1.0};
  QuantizedSlab slab;
  const auto out = round_trip(v, g, on_grid, slab);
  expect_within_bound(v, out, 0.01);
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i != 17) {
      ASSERT_EQ(out[i], v[i]) << i;
    }
  }
  EXPECT_EQ(slab.outlier_count, 1u);
  EXPECT_EQ(slab.histogram[512 + 50], 0u);  // no comb
  QuantizedSlab plain;
  round_trip(v, g, QuantizerSettings{0.01, 512, std::nullopt}, plain);
  EXPECT_GT(plain.outlier_count, 1000u);  // jumps of 11 or more leave the radius of 512/50
}

}  // namespace
}  // namespace tessera::compress

namespace tessera::compress {
namespace {

// Every kernel family (baseline, AVX2, AVX-512; TESSERA_ISA caps the dispatch) must produce the
// same codes, outliers and values, so a stream does not depend on the machine that wrote it.
class QuantizerKernels : public ::testing::Test {
 protected:
  testing::ScopedEnv isa_{"TESSERA_ISA"};  // the tests below set it; restored afterwards
};

template <class T>
void expect_identical_across_kernels(const SlabGeometry& g, const QuantizerSettings& s) {
  auto v = smooth_field<T>(g.size(), 11, 0.3);
  v[3] = std::numeric_limits<T>::quiet_NaN();
  v[g.size() / 2] = static_cast<T>(1e30);
  v[g.size() - 2] = static_cast<T>(-1e34);  // the fill value
  QuantizedSlab reference;
  std::vector<T> reference_values;
  for (const char* level : {"scalar", "avx2", "avx512"}) {
    setenv("TESSERA_ISA", level, 1);
    QuantizedSlab slab;
    const auto out = round_trip(v, g, s, slab);
    if (reference.codes.empty()) {
      reference = slab;
      reference_values = out;
      continue;
    }
    EXPECT_EQ(slab.codes, reference.codes) << level;
    EXPECT_EQ(slab.outliers, reference.outliers) << level;
    EXPECT_EQ(slab.histogram, reference.histogram) << level;
    EXPECT_EQ(std::memcmp(out.data(), reference_values.data(), out.size() * sizeof(T)), 0) << level;
  }
}

TEST_F(QuantizerKernels, AllFamiliesAgreeBitForBit) {
  const QuantizerSettings s{1e-3, 64, -1e34};
  expect_identical_across_kernels<float>({3, 40, 57, 0, 0}, s);
  expect_identical_across_kernels<double>({3, 40, 57, 0, 0}, s);
  expect_identical_across_kernels<float>({1, 1, 3001, 0, 0}, s);
}

}  // namespace
}  // namespace tessera::compress
