// The sharded embedding tables on one rank, against the table-batched operator holding every
// table whole: column slices and replicas give the same bits, row blocks the same values up to
// the order of their partial sums; placements that cannot train exactly are refused. And the
// wire's 16-bit payloads, the split of a batch over ranks and the world-size-invariance check.
#include "../src/sharded_embedding.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "../src/wire.hpp"
#include "random_bags.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera::dlrm {
namespace {

const std::vector<TableSpec> kSpecs{{50, 8}, {64, 8}, {40, 8}};

Shard block(std::int64_t r0, std::int64_t r1, std::int64_t c0, std::int64_t c1) {
  Shard s;
  s.row_begin = r0, s.row_end = r1, s.col_begin = c0, s.col_end = c1, s.rank = 0;
  return s;
}

// Table 0 in two column slices, table 1 replicated, table 2 whole or in two row blocks.
std::vector<TablePlan> plan(bool row_blocks) {
  std::vector<TablePlan> p{
      {"a", 50, 8, ShardingType::kColumnWise, {block(0, 50, 0, 3), block(0, 50, 3, 8)}},
      {"b", 64, 8, ShardingType::kDataParallel, {block(0, 64, 0, 8)}},
      {"c", 40, 8, ShardingType::kTableWise, {block(0, 40, 0, 8)}}};
  if (row_blocks)
    p[2] = {"c", 40, 8, ShardingType::kRowWise, {block(0, 17, 0, 8), block(17, 40, 0, 8)}};
  return p;
}

struct Case {
  OptimizerKind optimizer;
  Pooling pooling;
  bool weighted, row_blocks;
};

class ShardedEmbeddingTest : public ::testing::TestWithParam<Case> {};

TEST_P(ShardedEmbeddingTest, MatchesTheWholeTables) {
  const Case c = GetParam();
  const OptimizerConfig optimizer{c.optimizer, 0.1f};
  TableBatchedEmbedding whole(kSpecs, c.pooling, optimizer);
  whole.initialize(5);
  Distribution distribution;
  distribution.tables = plan(c.row_blocks);
  detail::ShardedEmbedding sharded(kSpecs, c.pooling, optimizer, distribution);
  sharded.initialize(5);
  for (std::uint64_t step = 0; step < 4; ++step) {
    const SparseFeatures bags = random_bags(kSpecs, 37, 6, c.weighted, 100 + step);
    std::vector<float> want(static_cast<std::size_t>(37 * whole.total_dim()));
    std::vector<float> got(want.size());
    whole.forward(bags, want);
    sharded.forward(bags, got);
    EXPECT_EQ(sharded.global_samples(), 37);
    for (std::size_t i = 0; i < want.size(); ++i) {
      const bool in_row_blocks = c.row_blocks && i % 24 >= 16;
      if (in_row_blocks) {
        EXPECT_NEAR(got[i], want[i], 1e-6) << i;
      } else {
        EXPECT_EQ(got[i], want[i]) << i;
      }
    }
    const std::vector<float> gradient = [&] {
      std::vector<float> g(want.size());
      for (std::size_t i = 0; i < g.size(); ++i) g[i] = std::sin(static_cast<float>(i + step));
      return g;
    }();
    whole.backward_update(bags, gradient);
    sharded.backward_update(bags, gradient);
  }
  sharded.for_each_table([&](std::size_t t, std::span<float> w, std::span<float> s) {
    const std::span<const float> want_w = whole.weights(t), want_s = whole.state(t);
    ASSERT_EQ(w.size(), want_w.size());
    ASSERT_EQ(s.size(), want_s.size());
    for (std::size_t i = 0; i < w.size(); ++i) {
      EXPECT_EQ(w[i], want_w[i]) << "table " << t << " weight " << i;  // updates are exact
    }
    for (std::size_t i = 0; i < s.size(); ++i) {
      EXPECT_EQ(s[i], want_s[i]) << "table " << t << " state " << i;
    }
  });
}

INSTANTIATE_TEST_SUITE_P(
    Placements, ShardedEmbeddingTest,
    ::testing::Values(Case{OptimizerKind::kSgd, Pooling::kSum, false, false},
                      Case{OptimizerKind::kAdagrad, Pooling::kMean, true, false},
                      Case{OptimizerKind::kSgd, Pooling::kSum, true, true},
                      Case{OptimizerKind::kAdagrad, Pooling::kSum, false, true}));

TEST(ShardedEmbedding, VisitedTablesAreWrittenBack) {
  Distribution distribution;
  distribution.tables = plan(true);
  detail::ShardedEmbedding sharded(kSpecs, Pooling::kSum, {OptimizerKind::kAdagrad, 0.1f},
                                   distribution);
  sharded.initialize(1);
  sharded.for_each_table([](std::size_t t, std::span<float> w, std::span<float> s) {
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(t * 1000 + i);
    for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<float>(i);
  });
  sharded.for_each_table([](std::size_t t, std::span<float> w, std::span<float> s) {
    for (std::size_t i = 0; i < w.size(); ++i) {
      EXPECT_EQ(w[i], static_cast<float>(t * 1000 + i));
    }
    for (std::size_t i = 0; i < s.size(); ++i) {
      EXPECT_EQ(s[i], static_cast<float>(i));
    }
  });
}

TEST(ShardedEmbedding, RefusesPlansItCannotTrainExactly) {
  const auto make = [](std::vector<TablePlan> p, Pooling pooling, OptimizerKind kind) {
    Distribution distribution;
    distribution.tables = std::move(p);
    detail::ShardedEmbedding(kSpecs, pooling, {kind, 0.1f}, distribution);
  };
  testing::expect_error([&] { make(plan(true), Pooling::kMean, OptimizerKind::kSgd); },
                        {"plan table 2 (c)", "need sum pooling"});
  testing::expect_error([&] { make(plan(false), Pooling::kSum, OptimizerKind::kRowwiseAdagrad); },
                        {"plan table 0 (a)", "column slices need sgd or adagrad"});
  std::vector<TablePlan> gap = plan(false);
  gap[2].shards[0].row_end = 39;
  testing::expect_error([&] { make(gap, Pooling::kSum, OptimizerKind::kSgd); },
                        {"plan table 2 (c)", "do not cover"});
  std::vector<TablePlan> far = plan(false);
  far[0].shards[1].rank = 1;
  testing::expect_error([&] { make(far, Pooling::kSum, OptimizerKind::kSgd); },
                        {"plan table 0 (a)", "rank 1 of a run over 1"});
  testing::expect_error([&] { make({plan(false)[0]}, Pooling::kSum, OptimizerKind::kSgd); },
                        {"plan", "1 tables"});
}

TEST(Wire, SixteenBitPayloadsRoundToNearestEven) {
  const std::vector<float> values{
      1.0f, 1.0f + 0x1p-8f, 1.0f + 0x1p-7f + 0x1p-8f, -3.5f, 65504.0f, 1e-8f, 0.0f};
  for (const CommPrecision p : {CommPrecision::kFp16, CommPrecision::kBf16}) {
    std::vector<std::byte> bytes;
    detail::encode(values, p, 1.0f, bytes);
    ASSERT_EQ(bytes.size(), values.size() * 2);
    std::vector<float> back(values.size());
    detail::decode(bytes.data(), p, 1.0f, back);
    EXPECT_EQ(back[0], 1.0f);
    EXPECT_EQ(back[3], -3.5f);
    EXPECT_EQ(back[6], 0.0f);
    if (p == CommPrecision::kBf16) {  // 7 bits of mantissa: ties go to the even neighbour
      EXPECT_EQ(back[1], 1.0f);
      EXPECT_EQ(back[2], 1.0f + 0x1p-6f);
      EXPECT_EQ(back[4], 65536.0f);
      EXPECT_NEAR(back[5], 1e-8f, 1e-10f);
    } else {  // 10 bits of mantissa, largest 65504, smallest subnormal 2^-24
      EXPECT_EQ(back[1], 1.0f + 0x1p-8f);
      EXPECT_EQ(back[2], 1.0f + 0x1p-7f + 0x1p-8f);
      EXPECT_EQ(back[4], 65504.0f);
      EXPECT_EQ(back[5], 0.0f);
    }
  }
  std::vector<std::byte> bytes;  // a loss scale keeps small fp16 values
  detail::encode(std::vector<float>{1e-8f}, CommPrecision::kFp16, 1024.0f, bytes);
  std::vector<float> back(1);
  detail::decode(bytes.data(), CommPrecision::kFp16, 1.0f / 1024.0f, back);
  EXPECT_NEAR(back[0], 1e-8f, 1e-10f);
}

TEST(Wire, ShortMessagesAreErrors) {
  std::vector<std::byte> bytes(6);
  detail::ByteReader reader(bytes);
  EXPECT_EQ(reader.get<std::int32_t>(), 0);
  testing::expect_error([&] { reader.get<std::int64_t>(); }, {"exchange", "ends before byte 12"});
}

TEST(Distribution, BatchesSplitOnChunks) {
  EXPECT_EQ(rank_samples(2048, 0, 4), std::make_pair(std::int64_t{0}, std::int64_t{512}));
  EXPECT_EQ(rank_samples(2048, 3, 4), std::make_pair(std::int64_t{1536}, std::int64_t{2048}));
  EXPECT_EQ(rank_samples(1000, 1, 2), std::make_pair(std::int64_t{512}, std::int64_t{1000}));
  EXPECT_EQ(rank_samples(100, 1, 2), std::make_pair(std::int64_t{100}, std::int64_t{100}));
  EXPECT_EQ(rank_samples(100, 0, 1), std::make_pair(std::int64_t{0}, std::int64_t{100}));
}

TEST(Distribution, WorldSizeInvarianceNeedsFp32AndWholeRowsAndEvenChunks) {
  Distribution d;
  d.tables = plan(false);
  EXPECT_TRUE(world_size_invariant(d, 2048).first);
  EXPECT_TRUE(world_size_invariant(d, 3 * kSampleChunk).first);  // one rank is one process
  d.precision.backward = CommPrecision::kBf16;
  EXPECT_NE(world_size_invariant(d, 2048).second.find("bf16"), std::string::npos);
  d.precision.backward = CommPrecision::kFp32;
  d.tables = plan(true);
  EXPECT_NE(world_size_invariant(d, 2048).second.find("row blocks"), std::string::npos);
}

}  // namespace
}  // namespace tessera::dlrm
