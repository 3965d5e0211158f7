// Pruning: every pattern removes the requested share of all layers' weights under one global
// threshold (so layers with larger scores keep more), keeps its structure (whole vectors, blocks,
// tile row segments, columns), agrees with its tile pattern, and depends on the scores only.
#include "tessera/tilewise/pruning.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "tessera/core/error.hpp"
#include "tessera/testing/expect_error.hpp"
#include "tw_test_patterns.hpp"

namespace tessera::tilewise {
namespace {

using testing::random_matrix;

// Two layers of magnitude scores; the second has 3× larger weights, so a global threshold keeps
// more of it.
struct Layers {
  AlignedBuffer<float> s0 =
      magnitude_scores(View<const float, 2>(random_matrix(96, 200, 1).data(), {96, 200}));
  AlignedBuffer<float> s1 = scaled(random_matrix(64, 300, 2), 3.0f);
  std::vector<View<const float, 2>> views{View<const float, 2>(s0.data(), {96, 200}),
                                          View<const float, 2>(s1.data(), {64, 300})};

  static AlignedBuffer<float> scaled(const AlignedBuffer<float>& w, float factor) {
    AlignedBuffer<float> s = magnitude_scores(View<const float, 2>(w.data(), {64, 300}));
    for (float& v : s) v *= factor;
    return s;
  }
  std::size_t total() const { return 96 * 200 + 64 * 300; }
};

double kept_fraction(const std::vector<LayerMask>& masks, std::size_t total) {
  std::size_t kept = 0;
  for (const LayerMask& m : masks) kept += m.kept_count();
  return static_cast<double>(kept) / static_cast<double>(total);
}

class EveryPattern : public ::testing::TestWithParam<PatternKind> {};

TEST_P(EveryPattern, RemovesTheRequestedShareAndFavoursTheStrongerLayer) {
  const Layers layers;
  for (double s : {0.0, 0.5, 0.75, 0.9}) {
    PruneOptions options;
    options.pattern = GetParam();
    options.sparsity = s;
    options.tile_width = 32;
    options.block_size = 8;
    const std::vector<LayerMask> masks = prune(layers.views, options);
    ASSERT_EQ(masks.size(), 2u);
    // Within one unit: a 32-column row segment, an 8×8 block or a column of 96 (TW-2D); VW keeps
    // round((1 - s)·16) of every 16.
    const double tolerance =
        options.pattern == PatternKind::kVectorWise ? 0.5 / 16 : 100.0 / layers.total();
    EXPECT_NEAR(kept_fraction(masks, layers.total()), 1 - s, tolerance)
        << to_string(options.pattern) << " s " << s;
    if (s > 0 && options.pattern != PatternKind::kVectorWise) {
      const double kept0 = static_cast<double>(masks[0].kept_count()) / (96 * 200);
      const double kept1 = static_cast<double>(masks[1].kept_count()) / (64 * 300);
      EXPECT_GT(kept1, kept0) << to_string(options.pattern) << " s " << s;
    }
    for (const LayerMask& m : masks) {
      if (!m.tiles) continue;
      EXPECT_NO_THROW(m.tiles->validate("pruned"));
      const std::vector<bool> tw = m.tiles->mask();
      for (std::size_t i = 0; i < m.kept.size(); ++i) {
        if (options.pattern == PatternKind::kHybrid) {
          EXPECT_TRUE(!tw[i] || m.kept[i]) << i;  // the tile-wise part is kept
        } else {
          ASSERT_EQ(tw[i], m.kept[i] != 0) << i;
        }
      }
    }
    EXPECT_EQ(prune(layers.views, options)[1].kept, masks[1].kept);  // deterministic
  }
}

INSTANTIATE_TEST_SUITE_P(Patterns, EveryPattern,
                         ::testing::Values(PatternKind::kElementWise, PatternKind::kVectorWise,
                                           PatternKind::kBlockWise, PatternKind::kTileWise1D,
                                           PatternKind::kTileWise2D, PatternKind::kHybrid),
                         [](const ::testing::TestParamInfo<PatternKind>& param) {
                           return std::string(to_string(param.param));
                         });

TEST(Pruning, ElementWiseRemovesTheSmallestScoresOfAllLayers) {
  const Layers layers;
  PruneOptions options{PatternKind::kElementWise, 0.6};
  const std::vector<LayerMask> masks = prune(layers.views, options);
  float largest_removed = 0, smallest_kept = 1e9f;
  for (std::size_t l = 0; l < 2; ++l) {
    for (std::size_t i = 0; i < masks[l].kept.size(); ++i) {
      const float v = layers.views[l].flat()[i];
      if (masks[l].kept[i])
        smallest_kept = std::min(smallest_kept, v);
      else
        largest_removed = std::max(largest_removed, v);
    }
  }
  EXPECT_LE(largest_removed, smallest_kept);
}

TEST(Pruning, StructuredPatternsKeepWholeUnits) {
  const Layers layers;
  PruneOptions options;
  options.sparsity = 0.75;
  options.pattern = PatternKind::kVectorWise;  // every 16 rows of a column keep exactly 4
  for (const LayerMask& m : prune(layers.views, options)) {
    for (std::size_t j = 0; j < m.n; ++j) {
      for (std::size_t first = 0; first < m.k; first += 16) {
        std::size_t kept = 0;
        for (std::size_t i = first; i < first + 16; ++i) kept += m.kept[i * m.n + j];
        EXPECT_EQ(kept, 4u);
      }
    }
  }
  options.pattern = PatternKind::kBlockWise;
  options.block_size = 8;
  for (const LayerMask& m : prune(layers.views, options)) {
    for (std::size_t i = 0; i < m.k; ++i) {
      for (std::size_t j = 0; j < m.n; ++j) {
        EXPECT_EQ(m.kept[i * m.n + j], m.kept[(i / 8 * 8) * m.n + j / 8 * 8]);
      }
    }
  }
  options.pattern = PatternKind::kTileWise2D;
  options.tile_width = 32;
  std::size_t covered = 0, weights = 0;
  for (const LayerMask& m : prune(layers.views, options)) {
    ASSERT_TRUE(m.tiles);
    for (std::size_t t = 0; t + 1 < m.tiles->tiles.size(); ++t) {
      EXPECT_EQ(m.tiles->tiles[t].columns.size(), 32u);  // live columns re-tiled
    }
    for (const Tile& tile : m.tiles->tiles) covered += tile.columns.size() * m.k;
    weights += m.k * m.n;
  }
  // Whole columns went first: those of 1 - sqrt(1 - 0.75) = half of all weights, by one global
  // threshold (here all of the weaker layer's columns).
  EXPECT_NEAR(static_cast<double>(covered) / static_cast<double>(weights), 0.5, 0.01);
}

TEST(Pruning, BadOptionsAreUsageErrors) {
  const Layers layers;
  using tessera::testing::expect_error;
  const auto expect_refused = [&](const PruneOptions& options, const std::string& field) {
    expect_error([&] { (void)prune(layers.views, options); },
                 {.input = "PruneOptions::" + field, .code = ExitCode::kUsage});
  };
  for (double s : {-0.1, 1.5, std::nan("")}) {
    PruneOptions options;
    options.sparsity = s;
    expect_refused(options, "sparsity");
  }
  PruneOptions zero_width;
  zero_width.tile_width = 0;
  expect_refused(zero_width, "tile_width");
  PruneOptions zero_block;
  zero_block.block_size = 0;
  expect_refused(zero_block, "block_size");
  PruneOptions large_delta;
  large_delta.hybrid_delta = 1.5;
  expect_refused(large_delta, "hybrid_delta");
  expect_error([] { (void)parse_pattern("diagonal"); },
               {.input = "PruneOptions::pattern", .contains = "unknown pattern 'diagonal'"});
  EXPECT_EQ(parse_pattern("tw2d"), PatternKind::kTileWise2D);
  AlignedBuffer<float> negative(4, -1.0f);
  const std::vector<View<const float, 2>> bad{View<const float, 2>(negative.data(), {2, 2})};
  expect_error([&] { (void)prune(bad, PruneOptions{}); }, {.input = "scores"});
}

}  // namespace
}  // namespace tessera::tilewise
