// The sharded embedding tables on one rank, against the table-batched operator holding every
// table whole: column slices and replicas give the same bits, row blocks the same values up to
// the order of their partial sums; placements that cannot train exactly are refused. And the
// wire's 16-bit payloads, the split of a batch over ranks and the world-size-invariance check.
#include "../src/sharded_embedding.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>

#include "../src/wire.hpp"
#include "random_bags.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera::dlrm {
namespace {

const std::vector<TableSpec> kSpecs{{50, 8}, {64, 8}, {40, 8}};

Shard block(std::int64_t r0, std::int64_t r1, std::int64_t c0, std::int64_t c1) {
  Shard s;
  s.row_begin = r0, s.row_end = r1, s.col_begin = c0, s.col_end = c1, s.rank = 0;
  return s;
}

// Table 0 in three column slices (one a column wide), table 1 replicated, table 2 whole or in two
// row blocks.
std::vector<TablePlan> plan(bool row_blocks) {
  std::vector<TablePlan> p{{"a",
                            50,
                            8,
                            ShardingType::kColumnWise,
                            {block(0, 50, 0, 2), block(0, 50, 2, 3), block(0, 50, 3, 8)}},
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
  for (const std::int64_t gather_bytes : {std::int64_t{1} << 28, std::int64_t{200}}) {
    sharded.set_gather_bytes(gather_bytes);  // whole tables, or a few rows an exchange
    sharded.for_each_table(
        [&](std::size_t t, std::span<float> w, std::span<float> s) {
          const std::span<const float> want_w = whole.weights(t), want_s = whole.state(t);
          ASSERT_EQ(w.size(), want_w.size());
          ASSERT_EQ(s.size(), want_s.size());
          for (std::size_t i = 0; i < w.size(); ++i) {
            EXPECT_EQ(w[i], want_w[i]) << "table " << t << " weight " << i;  // exact updates
          }
          for (std::size_t i = 0; i < s.size(); ++i) {
            EXPECT_EQ(s[i], want_s[i]) << "table " << t << " state " << i;
          }
        },
        ArrayAccess::kRead);
  }
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
  sharded.for_each_table(
      [](std::size_t t, std::span<float> w, std::span<float> s) {
        for (std::size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(t * 1000 + i);
        for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<float>(i);
      },
      ArrayAccess::kWrite);
  sharded.for_each_table(
      [](std::size_t t, std::span<float> w, std::span<float> s) {
        for (std::size_t i = 0; i < w.size(); ++i) {
          EXPECT_EQ(w[i], static_cast<float>(t * 1000 + i));
        }
        for (std::size_t i = 0; i < s.size(); ++i) {
          EXPECT_EQ(s[i], static_cast<float>(i));
        }
      },
      ArrayAccess::kRead);
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
  std::vector<TablePlan> overlap = plan(false);  // rows [0, 20) twice, [20, 40) never
  overlap[2].shards = {block(0, 20, 0, 8), block(0, 20, 0, 8)};
  testing::expect_error([&] { make(overlap, Pooling::kSum, OptimizerKind::kSgd); },
                        {"plan table 2 (c)", "overlap"});
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

// The integer fp16 rounding (a lone value, or a CPU without F16C) against F16C's (eight at a time,
// where the CPU has it): every fp16 value round-trips, and floats around the subnormal, normal and
// overflow boundaries and at ties round alike.
TEST(Wire, Fp16RoundingIsTheSameOneAtATimeAndEightAtATime) {
  std::vector<float> values;
  for (std::uint32_t h = 0; h < 0x10000; ++h) {
    if ((h & 0x7c00) == 0x7c00) continue;  // infinities and NaNs, which decoding refuses
    std::vector<float> one(1);
    const std::vector<std::byte> bytes{static_cast<std::byte>(h & 0xff),
                                       static_cast<std::byte>(h >> 8)};
    detail::decode(bytes.data(), CommPrecision::kFp16, 1.0f, one);
    values.push_back(one[0]);
  }
  const std::size_t finite = values.size();  // every finite fp16 value, which round-trips
  const CounterRng rng(9, 0);
  for (std::uint64_t i = 0; i < 20000; ++i) {
    const float magnitude = std::ldexp(1.0f, static_cast<int>(rng.uniform_int(2 * i, 44)) - 27);
    values.push_back(rng.uniform_float(2 * i + 1, -magnitude, magnitude));
  }
  for (const float tie : {0x1p-25f, 3 * 0x1p-25f, 1.0f + 0x1p-11f, 65520.0f, 65519.0f})
    values.push_back(tie);
  for (const float v : values) {
    std::vector<std::byte> alone, eight;
    detail::encode(std::vector<float>{v}, CommPrecision::kFp16, 1.0f, alone);
    detail::encode(std::vector<float>(8, v), CommPrecision::kFp16, 1.0f, eight);
    ASSERT_EQ(alone[0], eight[0]) << v;
    ASSERT_EQ(alone[1], eight[1]) << v;
  }
  std::vector<std::byte> all;
  detail::encode(std::span(values).first(finite), CommPrecision::kFp16, 1.0f, all);
  std::vector<float> back(finite);
  detail::decode(all.data(), CommPrecision::kFp16, 1.0f, back);
  for (std::size_t i = 0; i < back.size(); ++i) {
    ASSERT_EQ(std::bit_cast<std::uint32_t>(back[i]), std::bit_cast<std::uint32_t>(values[i])) << i;
  }
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
  EXPECT_TRUE(world_size_invariant(d, 2048, 4096).first);
  EXPECT_TRUE(world_size_invariant(d, 3 * kSampleChunk, 1000).first);  // one rank, one process
  d.precision.backward = CommPrecision::kBf16;
  EXPECT_NE(world_size_invariant(d, 2048, 4096).second.find("bf16"), std::string::npos);
  d.precision.backward = CommPrecision::kFp32;
  d.tables = plan(true);
  EXPECT_NE(world_size_invariant(d, 2048, 4096).second.find("row blocks"), std::string::npos);
  // Four ranks: every batch, the pass's last one too, in a power of two of chunks a rank.
  struct FourRanks final : Communicator {
    int rank() const override { return 0; }
    int size() const override { return 4; }
    RankBuffers all_to_all(RankBuffers) override { throw std::logic_error("not a real run"); }
  };
  d.tables = plan(false);
  d.communicator = std::make_shared<FourRanks>();
  EXPECT_TRUE(world_size_invariant(d, 2048, 4096).first);
  EXPECT_TRUE(world_size_invariant(d, 2048, 4096 + 512).first);  // a last batch of 1 chunk a rank
  EXPECT_NE(world_size_invariant(d, 2048, 4096 + 1344).second.find("1344 samples"),
            std::string::npos);
  EXPECT_NE(world_size_invariant(d, 3 * 4 * kSampleChunk, 0).second.find("power of two"),
            std::string::npos);
}

}  // namespace
}  // namespace tessera::dlrm
