// TW-GEMM in bf16 against the product of the same bf16 values in double: tile widths, sparsities
// (odd kept-row counts leave a last row without its pair), more pairs than one pass takes, ragged
// and empty tiles, TW-2D column maps, TEW's restored elements; results do not depend on the thread
// count or the cache blocking. Skipped, saying so, where the CPU lacks AVX512_BF16.
#include "tessera/tilewise/tw_gemm_bf16.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "tessera/core/bf16.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/testing/expect_error.hpp"
#include "tw_test_patterns.hpp"

namespace tessera::tilewise {
namespace {

using testing::random_contiguous;
using testing::random_matrix;
using testing::random_two_dimensional;
using testing::with_restored;

#define SKIP_WITHOUT_BF16()                                                                      \
  if (!tw_gemm_bf16_runs_here())                                                                 \
  GTEST_SKIP() << "TW-GEMM bf16 needs AVX512_BF16 (and TESSERA_ISA allowing AVX-512); this CPU " \
                  "does not run it"

struct Bf16Product {
  std::vector<std::uint16_t> a;  // A rounded to bf16
  TwMatrixBf16 w;
  std::vector<double> expected, scale;  // A·W of the bf16 values, and of their magnitudes
};

// A (m × k) and W (k × n) uniform in [-1, 1), rounded to bf16; the expected product in double.
Bf16Product bf16_product(const TilePattern& pattern, std::size_t m, std::uint64_t seed,
                         std::span<const std::uint8_t> kept = {}) {
  const std::size_t k = pattern.k, n = pattern.n;
  const AlignedBuffer<float> a = random_matrix(m, k, seed);
  const AlignedBuffer<float> w = random_matrix(k, n, seed + 1);
  Bf16Product p{std::vector<std::uint16_t>(m * k),
                TwMatrixBf16(TwMatrix::pack(pattern, View<const float, 2>(w.data(), {k, n}), kept)),
                std::vector<double>(m * n, 0.0), std::vector<double>(m * n, 0.0)};
  to_bf16(a.span(), p.a);
  // The packed weights are the pattern's, rounded: what the kernel multiplies is checked, not only
  // how it multiplies them.
  const AlignedBuffer<float> masked = p.w.unpack();
  const AlignedBuffer<float> source =
      TwMatrix::pack(pattern, View<const float, 2>(w.data(), {k, n}), kept).unpack();
  for (std::size_t i = 0; i < k * n; ++i) {
    EXPECT_EQ(masked[i], from_bf16(to_bf16(source[i]))) << "W(" << i / n << ", " << i % n << ")";
  }
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t r = 0; r < k; ++r) {
      const double x = from_bf16(p.a[i * k + r]);
      for (std::size_t j = 0; j < n; ++j) {
        p.expected[i * n + j] += x * masked[r * n + j];
        p.scale[i * n + j] += std::fabs(x * masked[r * n + j]);
      }
    }
  }
  return p;
}

std::vector<float> run(const Bf16Product& p, std::size_t m, TwSchedule schedule = {}) {
  std::vector<float> c(m * p.w.n(), 12345.0f);  // every element must be overwritten
  tw_gemm_bf16(View<const std::uint16_t, 2>(p.a.data(), {m, p.w.k()}), p.w,
               View<float, 2>(c.data(), {m, p.w.n()}), schedule);
  return c;
}

// Each element within 1e-5 of the sum of its terms' magnitudes: products of bf16 values are exact
// in fp32 (uniform values in [-1, 1) leave none subnormal), so only the fp32 sums round.
void expect_matches(const TilePattern& pattern, std::size_t m, std::uint64_t seed,
                    std::span<const std::uint8_t> kept = {}) {
  const Bf16Product p = bf16_product(pattern, m, seed, kept);
  const std::vector<float> c = run(p, m);
  std::size_t bad = 0;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (!(std::fabs(c[i] - p.expected[i]) <= 1e-5 * p.scale[i] + 1e-30) && bad++ < 3) {
      ADD_FAILURE() << "G " << pattern.g << " sparsity " << pattern.sparsity() << ": C("
                    << i / pattern.n << ", " << i % pattern.n << ") = " << c[i] << ", expected "
                    << p.expected[i];
    }
  }
  EXPECT_EQ(bad, 0u);
}

TEST(TwGemmBf16, MatchesTheBf16ProductOverWidthsAndSparsities) {
  SKIP_WITHOUT_BF16();
  for (const std::size_t g : {16, 32, 64, 128}) {
    for (const double s : {0.0, 0.5, 0.75, 0.9}) {
      expect_matches(random_contiguous(130, 200, g, s, 7 + g), 29, g);
    }
  }
}

TEST(TwGemmBf16, TakesMorePairsThanOnePassAndRaggedEmptyAndTwoDimensionalTiles) {
  SKIP_WITHOUT_BF16();
  expect_matches(random_contiguous(1100, 96, 32, 0.05, 3), 25, 4);  // > 256 pairs per tile
  expect_matches(random_contiguous(64, 70, 32, 0.97, 5), 13, 6);    // tiles without rows
  expect_matches(random_two_dimensional(96, 150, 32, 0.3, 0.6, 9), 14, 10);
}

TEST(TwGemmBf16, AddsTheRestoredElementsInBf16) {
  SKIP_WITHOUT_BF16();
  const TilePattern pattern = random_contiguous(120, 90, 32, 0.8, 11);
  expect_matches(pattern, 27, 12, with_restored(pattern, 0.05, 13));
}

TEST(TwGemmBf16, GivesTheSameBytesForAnyThreadCountAndSchedule) {
  SKIP_WITHOUT_BF16();
  const TilePattern pattern = random_contiguous(700, 300, 64, 0.6, 21);
  const Bf16Product p = bf16_product(pattern, 100, 22, with_restored(pattern, 0.02, 23));
  const std::vector<float> one = [&] {
    const ThreadCountScope scope(1);
    return run(p, 100);
  }();
  for (const int threads : {2, 3, 16}) {
    const ThreadCountScope scope(threads);
    for (const TwSchedule schedule : {TwSchedule{}, TwSchedule{4096, 24, 4}}) {
      const std::vector<float> c = run(p, 100, schedule);
      EXPECT_EQ(std::memcmp(c.data(), one.data(), c.size() * sizeof(float)), 0)
          << threads << " threads, W budget " << schedule.w_budget;
    }
  }
}

TEST(TwGemmBf16, PacksTheWeightsRoundedToBf16) {
  const TilePattern pattern = random_contiguous(9, 40, 32, 0.0, 31);
  const AlignedBuffer<float> w = random_matrix(9, 40, 32);
  const TwMatrixBf16 bf16(TwMatrix::pack(pattern, View<const float, 2>(w.data(), {9, 40})));
  const AlignedBuffer<float> dense = bf16.unpack();
  for (std::size_t i = 0; i < w.size(); ++i) {
    EXPECT_EQ(dense[i], from_bf16(to_bf16(w[i]))) << i;
    EXPECT_LE(std::fabs(dense[i] - w[i]), std::ldexp(std::fabs(w[i]), -8)) << i;
  }
  EXPECT_EQ(bf16.pairs(0).size(), 5u * bf16.block_width(0));  // 9 rows: 5 pairs, the last alone
}

TEST(TwGemmBf16, RefusesShapesThatDoNotMatchOnEveryMachine) {
  const TwMatrixBf16 w(
      TwMatrix::pack(random_contiguous(8, 16, 16, 0.0, 1),
                     View<const float, 2>(random_matrix(8, 16, 2).data(), {8, 16})));
  std::vector<std::uint16_t> a(4 * 9);
  std::vector<float> c(4 * 16);
  tessera::testing::expect_error(
      [&] {
        tw_gemm_bf16(View<const std::uint16_t, 2>(a.data(), {4, 9}), w,
                     View<float, 2>(c.data(), {4, 16}));
      },
      {.input = "TW-GEMM", .contains = "A 4x9 · W 8x16 does not give C 4x16"});
}

TEST(TwGemmBf16, SaysWhatTheCpuLacks) {
  if (tw_gemm_bf16_runs_here()) GTEST_SKIP() << "this CPU runs TW-GEMM bf16";
  const TwMatrixBf16 w;
  std::vector<float> c;
  tessera::testing::expect_error(
      [&] {
        tw_gemm_bf16(View<const std::uint16_t, 2>(nullptr, {0, 0}), w,
                     View<float, 2>(c.data(), {0, 0}));
      },
      {.input = "TW-GEMM bf16", .contains = "needs AVX"});
}

}  // namespace
}  // namespace tessera::tilewise
