// TW-GEMM: every kernel this CPU runs against the masked dense product computed in double, over
// tile widths, sparsities, ragged and empty tiles, TW-2D column maps, fully pruned layers and TEW's
// restored elements;
// results do not depend on the thread count or the cache blocking; bad shapes are usage errors.
#include "tessera/tilewise/tw_gemm.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

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

// C = A·W for a (m, k) and W (k, n), row-major, in double.
std::vector<double> dense_product(const AlignedBuffer<float>& a, const AlignedBuffer<float>& w,
                                  std::size_t m, std::size_t k, std::size_t n) {
  std::vector<double> c(m * n, 0.0);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t p = 0; p < k; ++p) {
      const double aip = a[i * k + p];
      for (std::size_t j = 0; j < n; ++j) c[i * n + j] += aip * w[p * n + j];
    }
  }
  return c;
}

// Runs every available kernel on (a, w) and checks each element to 1e-5 relative to the sum of
// the magnitudes of its terms (the scale of fp32 rounding in any summation order).
// `kept`: a TEW mask (tiles plus restored elements), or empty.
void expect_matches_masked_dense(const TilePattern& pattern, std::size_t m, std::uint64_t seed,
                                 std::span<const std::uint8_t> kept = {}) {
  const std::size_t k = pattern.k, n = pattern.n;
  const AlignedBuffer<float> a = random_matrix(m, k, seed);
  const AlignedBuffer<float> w = random_matrix(k, n, seed + 1);
  const TwMatrix tw = TwMatrix::pack(pattern, View<const float, 2>(w.data(), {k, n}), kept);
  const AlignedBuffer<float> masked = tw.unpack();
  const std::vector<double> expected = dense_product(a, masked, m, k, n);
  AlignedBuffer<float> abs_a(m * k), abs_w(k * n);
  for (std::size_t i = 0; i < m * k; ++i) abs_a[i] = std::fabs(a[i]);
  for (std::size_t i = 0; i < k * n; ++i) abs_w[i] = std::fabs(masked[i]);
  const std::vector<double> scale = dense_product(abs_a, abs_w, m, k, n);
  for (const TwKernel& kernel : tw_gemm_kernels().kernels()) {
    if (!tw_gemm_kernels().runs_here(kernel)) continue;
    AlignedBuffer<float> c(m * n, 12345.0f);  // every element must be overwritten
    tw_gemm(View<const float, 2>(a.data(), {m, k}), tw, View<float, 2>(c.data(), {m, n}), kernel);
    std::size_t bad = 0;
    for (std::size_t i = 0; i < m * n; ++i) {
      const double tolerance = 1e-5 * scale[i] + 1e-30;
      if (!(std::fabs(c[i] - expected[i]) <= tolerance) && bad++ < 3) {
        ADD_FAILURE() << kernel.name << " G " << pattern.g << " sparsity " << pattern.sparsity()
                      << ": C(" << i / n << ", " << i % n << ") = " << c[i] << ", expected "
                      << expected[i];
      }
    }
    EXPECT_EQ(bad, 0u) << kernel.name;
  }
}

struct Case {
  std::size_t g;
  double sparsity;
};

class TwGemmSweep : public ::testing::TestWithParam<Case> {};

TEST_P(TwGemmSweep, MatchesMaskedDenseProduct) {
  const Case p = GetParam();
  // N = 300 leaves a ragged last tile for every G; K = 600 needs several K blocks when kept;
  // M = 101 leaves partial register blocks.
  expect_matches_masked_dense(random_contiguous(600, 300, p.g, p.sparsity, 7), 101, 11);
}

INSTANTIATE_TEST_SUITE_P(WidthsAndSparsities, TwGemmSweep,
                         ::testing::Values(Case{32, 0.0}, Case{32, 0.5}, Case{32, 0.9},
                                           Case{32, 0.99}, Case{64, 0.0}, Case{64, 0.75},
                                           Case{64, 0.95}, Case{128, 0.0}, Case{128, 0.5},
                                           Case{128, 0.75}, Case{128, 0.9}, Case{128, 0.99}),
                         [](const ::testing::TestParamInfo<Case>& param) {
                           return fmt::format("G{}_s{}", param.param.g,
                                              static_cast<int>(param.param.sparsity * 100));
                         });

TEST(TwGemm, TwoDimensionalPatternsScatterThroughTheColumnMap) {
  expect_matches_masked_dense(random_two_dimensional(200, 333, 64, 0.5, 0.5, 3), 37, 5);
  expect_matches_masked_dense(random_two_dimensional(130, 100, 32, 0.3, 0.8, 4), 13, 6);
}

TEST(TwGemm, EmptyTilesAndFullyPrunedLayersGiveZeros) {
  TilePattern empty_tiles = random_contiguous(64, 200, 32, 0.5, 9);
  empty_tiles.tiles[1].rows.clear();
  empty_tiles.tiles.back().rows.clear();
  expect_matches_masked_dense(empty_tiles, 29, 1);
  expect_matches_masked_dense(random_contiguous(64, 200, 32, 1.0, 9), 29, 2);  // no rows kept
  expect_matches_masked_dense(TilePattern{64, 200, 32, {}}, 29, 3);            // no tiles at all
}

TEST(TwGemm, RestoredElementsAddTheirElementWisePass) {
  // TW-1D with restored elements everywhere, TW-2D with some in its pruned columns, and empty
  // tiles whose columns get only restored elements.
  const TilePattern one = random_contiguous(600, 300, 128, 0.8, 12);
  expect_matches_masked_dense(one, 101, 13, with_restored(one, 0.03, 14));
  const TilePattern two = random_two_dimensional(200, 333, 64, 0.5, 0.5, 3);
  expect_matches_masked_dense(two, 37, 5, with_restored(two, 0.05, 6));
  TilePattern empty_tiles = random_contiguous(64, 200, 32, 0.5, 9);
  empty_tiles.tiles[1].rows.clear();
  expect_matches_masked_dense(empty_tiles, 29, 1, with_restored(empty_tiles, 0.2, 2));
  const TilePattern none{40, 50, 16, {}};  // restored elements only
  expect_matches_masked_dense(none, 17, 3, with_restored(none, 0.1, 4));
}

TEST(TwGemm, SmallShapes) {
  expect_matches_masked_dense(random_contiguous(1, 1, 128, 0.0, 1), 1, 1);
  expect_matches_masked_dense(random_contiguous(5, 7, 4, 0.3, 2), 3, 2);
  expect_matches_masked_dense(random_contiguous(300, 40, 128, 0.2, 3), 0, 3);  // M = 0
}

TEST(TwGemm, ResultsDoNotDependOnTheThreadCount) {
  // 24 tiles and 500 rows: one thread takes two blocks of rows and every tile; two and three cut
  // the tiles into 4 and 6 slices, sixteen into 24 slices of three blocks; with blocks of at most
  // 96 rows, six blocks of 2 to 11 slices.
  const std::size_t k = 768, n = 768, m = 500;
  const TilePattern pattern = random_contiguous(k, n, 32, 0.75, 21);
  const AlignedBuffer<float> a = random_matrix(m, k, 1);
  const AlignedBuffer<float> w = random_matrix(k, n, 2);
  const TwMatrix tw = TwMatrix::pack(pattern, View<const float, 2>(w.data(), {k, n}),
                                     with_restored(pattern, 0.02, 3));
  const auto run = [&](int threads, TwSchedule schedule) {
    const ThreadCountScope scope(threads);
    AlignedBuffer<float> c(m * n);
    tw_gemm(View<const float, 2>(a.data(), {m, k}), tw, View<float, 2>(c.data(), {m, n}),
            tw_kernel(), schedule);
    return c;
  };
  const AlignedBuffer<float> one = run(1, {});
  for (int threads : {2, 3, 16}) {
    for (const TwSchedule schedule : {TwSchedule{}, TwSchedule{0, 96, 0}}) {
      const AlignedBuffer<float> c = run(threads, schedule);
      EXPECT_EQ(std::memcmp(one.data(), c.data(), one.size_bytes()), 0)
          << threads << " threads, row block " << schedule.max_row_block;
    }
  }
}

// The blocking moves no sum: a block of one tile and items of 12 rows, the default, and all tiles
// in one block give the same bits, for every kernel, over several K ranges and tiles.
TEST(TwGemm, ResultsDoNotDependOnTheSchedule) {
  const std::size_t k = 1100, n = 900, m = 100;
  const TilePattern pattern = random_contiguous(k, n, 128, 0.5, 31);
  const AlignedBuffer<float> a = random_matrix(m, k, 4);
  const AlignedBuffer<float> w = random_matrix(k, n, 5);
  const TwMatrix tw = TwMatrix::pack(pattern, View<const float, 2>(w.data(), {k, n}));
  for (const TwKernel& kernel : tw_gemm_kernels().kernels()) {
    if (!tw_gemm_kernels().runs_here(kernel)) continue;
    const auto run = [&](TwSchedule schedule) {
      AlignedBuffer<float> c(m * n);
      tw_gemm(View<const float, 2>(a.data(), {m, k}), tw, View<float, 2>(c.data(), {m, n}), kernel,
              schedule);
      return c;
    };
    const AlignedBuffer<float> fine = run({1, 12, 1}), usual = run({}),
                               coarse = run({1 << 30, 384, 64});
    EXPECT_EQ(std::memcmp(fine.data(), usual.data(), fine.size_bytes()), 0) << kernel.name;
    EXPECT_EQ(std::memcmp(coarse.data(), usual.data(), fine.size_bytes()), 0) << kernel.name;
  }
  const TwSchedule defaults = default_tw_schedule();
  EXPECT_GT(defaults.w_budget, 0u);
  EXPECT_EQ(defaults.max_row_block % 12, 0u);
}

TEST(TwGemm, BadShapesAreUsageErrors) {
  const TilePattern pattern = random_contiguous(8, 16, 8, 0.5, 1);
  const AlignedBuffer<float> w = random_matrix(8, 16, 1);
  const TwMatrix tw = TwMatrix::pack(pattern, View<const float, 2>(w.data(), {8, 16}));
  AlignedBuffer<float> a(4 * 9), c(4 * 16);
  for (const TwKernel& kernel : tw_gemm_kernels().kernels()) {
    if (!tw_gemm_kernels().runs_here(kernel)) continue;
    tessera::testing::expect_error(
        [&] {
          tw_gemm(View<const float, 2>(a.data(), {4, 9}), tw, View<float, 2>(c.data(), {4, 16}),
                  kernel);
        },
        {.input = "TW-GEMM", .contains = "A 4x9 · W 8x16", .code = ExitCode::kUsage});
  }
}

}  // namespace
}  // namespace tessera::tilewise
