// The tiered embedding store against the all-in-RAM operator: with a cache of 5% of the rows, the
// pooled outputs and the weights and optimizer state after training are the same bits, for every
// optimizer, policy, pooling and weighting; its hit and byte counts; its eviction policies; and
// its errors (a folder it cannot write to, a batch one cache set cannot hold).
#include "tessera/dlrm/tiered_embedding.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <utility>

#include "tessera/core/rng.hpp"
#include "tessera/dlrm/synthetic.hpp"
#include "tessera/testing/expect_error.hpp"
#include "tessera/testing/temp_dir.hpp"

namespace tessera::dlrm {
namespace {

const std::vector<TableSpec> kTables{{8000, 8}, {4000, 4}, {12000, 16}};
constexpr std::int64_t kSamples = 64;
constexpr std::int64_t kPooling = 4;

// Batch `step` of a Zipf(1.1) stream over kTables (SyntheticData), each bag cut to 0..kPooling ids
// so that bag sizes vary and some are empty; per-id weights when `weighted`.
SparseFeatures zipf_bags(std::int64_t step, bool weighted) {
  SyntheticConfig config;
  config.seed = 5;
  config.rows.clear();
  for (const TableSpec& spec : kTables) config.rows.push_back(spec.rows);
  config.pooling = kPooling;
  const SparseFeatures full = SyntheticData(config).batch(step * kSamples, kSamples).sparse;
  const CounterRng rng(6, static_cast<std::uint64_t>(step));
  SparseFeatures bags;
  bags.tables = full.tables;
  bags.samples = full.samples;
  bags.offsets.push_back(0);
  for (std::size_t bag = 0; bag + 1 < full.offsets.size(); ++bag) {
    const auto keep = static_cast<std::int64_t>(rng.uniform_int(bag, kPooling + 1));
    for (std::int64_t i = full.offsets[bag]; i < full.offsets[bag] + keep; ++i) {
      bags.ids.push_back(full.ids[static_cast<std::size_t>(i)]);
      if (weighted) bags.weights.push_back(rng.uniform_float(bags.ids.size() << 20, 0.5f, 1.5f));
    }
    bags.offsets.push_back(static_cast<std::int64_t>(bags.ids.size()));
  }
  return bags;
}

// One table's bag of `ids`, one sample.
SparseFeatures one_bag(std::vector<std::int64_t> ids) {
  SparseFeatures bags;
  bags.tables = 1;
  bags.samples = 1;
  bags.offsets = {0, static_cast<std::int64_t>(ids.size())};
  bags.ids = std::move(ids);
  return bags;
}

// d loss / d pooled of `step`: uniform in [-1, 1).
std::vector<float> pooled_gradient(std::int64_t samples, std::int64_t width, std::int64_t step) {
  std::vector<float> g(static_cast<std::size_t>(samples * width));
  const CounterRng rng(7, static_cast<std::uint64_t>(step));
  for (std::size_t i = 0; i < g.size(); ++i) g[i] = rng.uniform_float(i, -1.0f, 1.0f);
  return g;
}

bool same_bits(std::span<const float> a, std::span<const float> b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size_bytes()) == 0);
}

// Every table's weights and state of the two stores are the same bits (`tiered` flushed).
void expect_same_tables(const TableBatchedEmbedding& ram, const TieredEmbedding& tiered) {
  for (std::size_t t = 0; t < ram.tables().size(); ++t) {
    EXPECT_TRUE(same_bits(ram.weights(t), tiered.weights(t))) << "weights of table " << t;
    EXPECT_TRUE(same_bits(ram.state(t), tiered.state(t))) << "state of table " << t;
  }
}

// One step of both stores on `bags`; their pooled outputs must be the same bits.
void step_both(TableBatchedEmbedding& ram, TieredEmbedding& tiered, const SparseFeatures& bags,
               std::int64_t step) {
  const auto size = static_cast<std::size_t>(bags.samples * ram.total_dim());
  std::vector<float> ram_pooled(size), tiered_pooled(size);
  ram.forward(bags, ram_pooled);
  tiered.forward(bags, tiered_pooled);
  EXPECT_TRUE(same_bits(ram_pooled, tiered_pooled)) << "pooled output of step " << step;
  const std::vector<float> g = pooled_gradient(bags.samples, ram.total_dim(), step);
  ram.backward_update(bags, g);
  tiered.backward_update(bags, g);
}

OptimizerConfig optimizer_of(OptimizerKind kind) { return {kind, 0.05f, 1e-8f}; }

// A store's optimizer, cache policy, pooling and whether bags carry per-id weights.
using TrainingCase = std::tuple<OptimizerKind, CachePolicy, Pooling, bool>;

class TieredEmbeddingTraining : public ::testing::TestWithParam<TrainingCase> {};

// "rowwise_adagrad_lfu_mean_weighted", say.
std::string training_case_name(const ::testing::TestParamInfo<TrainingCase>& info) {
  const auto [kind, policy, pooling, weighted] = info.param;
  std::string name = to_string(kind) + (policy == CachePolicy::kLru ? "_lru" : "_lfu") +
                     (pooling == Pooling::kSum ? "_sum" : "_mean") + (weighted ? "_weighted" : "");
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

TEST_P(TieredEmbeddingTraining, TrainsBitwiseAsTheAllRamOperatorWithAFivePercentCache) {
  const auto [kind, policy, pooling, weighted] = GetParam();
  TableBatchedEmbedding ram(kTables, pooling, optimizer_of(kind));
  TieredEmbedding tiered(kTables, pooling, optimizer_of(kind),
                         {.cache_fraction = 0.05, .policy = policy});
  ram.initialize(3);
  tiered.initialize(3);
  expect_same_tables(ram, tiered);
  std::int64_t cache_rows = 0;
  for (std::size_t t = 0; t < kTables.size(); ++t) cache_rows += tiered.cache_rows(t);
  for (std::int64_t step = 0; step < 20; ++step)
    step_both(ram, tiered, zipf_bags(step, weighted), step);
  EXPECT_GT(tiered.stats().misses, cache_rows);  // rows were evicted
  EXPECT_GT(tiered.stats().bytes_written, 0);    // changed ones written back
  tiered.flush();
  expect_same_tables(ram, tiered);
}

INSTANTIATE_TEST_SUITE_P(TieredStores, TieredEmbeddingTraining,
                         ::testing::Combine(::testing::Values(OptimizerKind::kSgd,
                                                              OptimizerKind::kAdagrad,
                                                              OptimizerKind::kRowwiseAdagrad),
                                            ::testing::Values(CachePolicy::kLru, CachePolicy::kLfu),
                                            ::testing::Values(Pooling::kSum, Pooling::kMean),
                                            ::testing::Bool()),
                         training_case_name);

TEST(TieredEmbedding, PrefetchOnAnotherThreadLeavesTheStepsExact) {
  const OptimizerConfig optimizer = optimizer_of(OptimizerKind::kRowwiseAdagrad);
  TableBatchedEmbedding ram(kTables, Pooling::kSum, optimizer);
  TieredEmbedding tiered(kTables, Pooling::kSum, optimizer, {});
  ram.initialize(4);
  tiered.initialize(4);
  for (std::int64_t step = 0; step < 10; ++step) {
    const SparseFeatures next = zipf_bags(step + 1, false);
    std::thread prefetcher([&] { tiered.prefetch(next); });
    step_both(ram, tiered, zipf_bags(step, false), step);
    prefetcher.join();
  }
  tiered.flush();
  expect_same_tables(ram, tiered);
}

TEST(TieredEmbedding, CountsEachDistinctRowOfABatchAsAHitOrAMiss) {
  const OptimizerConfig optimizer = optimizer_of(OptimizerKind::kRowwiseAdagrad);
  TieredEmbedding tiered(kTables, Pooling::kSum, optimizer, {.cache_fraction = 0.5});
  tiered.initialize(1);
  const SparseFeatures bags = zipf_bags(0, false);
  std::int64_t distinct = 0, row_bytes = 0;  // over all tables
  for (std::size_t t = 0; t < kTables.size(); ++t) {
    const auto first = bags.ids.begin() + bags.offsets[t * kSamples];
    const auto end = bags.ids.begin() + bags.offsets[(t + 1) * kSamples];
    const auto rows = static_cast<std::int64_t>(std::set<std::int64_t>(first, end).size());
    distinct += rows;
    row_bytes += rows * (kTables[t].dim + 1) * 4;  // weights and one accumulator
  }
  std::vector<float> pooled(static_cast<std::size_t>(kSamples * tiered.total_dim()));
  tiered.forward(bags, pooled);  // a cold cache: every row misses
  EXPECT_EQ(tiered.stats().hits, 0);
  EXPECT_EQ(tiered.stats().misses, distinct);
  EXPECT_EQ(tiered.stats().bytes_read, row_bytes);
  EXPECT_EQ(tiered.stats().hit_rate(), 0.0);
  tiered.forward(bags, pooled);  // now every row hits
  EXPECT_EQ(tiered.stats().hits, distinct);
  EXPECT_EQ(tiered.stats().misses, distinct);
  EXPECT_EQ(tiered.stats().hit_rate(), 0.5);
  tiered.backward_update(bags, pooled_gradient(kSamples, tiered.total_dim(), 0));
  EXPECT_EQ(tiered.stats().hits, distinct);  // the last forward's bags: no new lookups
  EXPECT_EQ(tiered.stats().bytes_written, 0);
  tiered.flush();  // every row the batch touched changed
  EXPECT_EQ(tiered.stats().bytes_written, row_bytes);
  tiered.flush();
  EXPECT_EQ(tiered.stats().bytes_written, row_bytes);
  EXPECT_EQ(tiered.stats().bytes_read, row_bytes);
}

// Row 0 looked up three times, then rows 1 and 2 once each, in a cache of one set of two ways;
// returns whether row 0 then hits.
bool row_zero_stays(CachePolicy policy) {
  TieredEmbedding tiered({{100, 2}}, Pooling::kSum, {},
                         {.cache_rows = {2}, .ways = 2, .policy = policy});
  std::vector<float> pooled(2);
  for (const std::vector<std::int64_t>& ids :
       std::vector<std::vector<std::int64_t>>{{0, 0, 0}, {1}, {2}})
    tiered.forward(one_bag(ids), pooled);
  const std::int64_t hits = tiered.stats().hits;
  tiered.forward(one_bag({0}), pooled);
  return tiered.stats().hits > hits;
}

TEST(TieredEmbedding, EvictsTheLeastRecentlyOrTheLeastFrequentlyUsedRow) {
  EXPECT_FALSE(row_zero_stays(CachePolicy::kLru));  // row 1 was used after it
  EXPECT_TRUE(row_zero_stays(CachePolicy::kLfu));   // row 1 was used less often
}

TEST(TieredEmbedding, ReadsNeedAFlushAndWritesEmptyTheCache) {
  const std::vector<TableSpec> tables{{500, 4}};
  const OptimizerConfig optimizer = optimizer_of(OptimizerKind::kAdagrad);
  TableBatchedEmbedding ram(tables, Pooling::kSum, optimizer);
  TieredEmbedding tiered(tables, Pooling::kSum, optimizer, {.cache_rows = {64}, .ways = 8});
  ram.initialize(2);
  tiered.initialize(2);
  step_both(ram, tiered, one_bag({3, 7, 3, 400}), 0);
  testing::expect_error([&] { std::ignore = std::as_const(tiered).weights(0); },
                        {.input = "tiered embedding", .contains = "flush()"});
  // A restored checkpoint: new weights and state written into both stores, then more steps.
  const std::span<float> w = tiered.weights(0), s = tiered.state(0);
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = ram.weights(0)[i] = 0.5f * ram.weights(0)[i];
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = ram.state(0)[i] = 1.0f + ram.state(0)[i];
  step_both(ram, tiered, one_bag({7, 9, 400, 400}), 1);
  step_both(ram, tiered, one_bag({3, 11}), 2);
  tiered.flush();
  expect_same_tables(ram, tiered);
}

TEST(TieredEmbedding, RefusesABatchThatOneCacheSetCannotHoldAndStaysConsistent) {
  // Two sets of four ways: set 0 holds even rows, set 1 odd ones.
  const std::vector<TableSpec> tables{{100, 4}};
  const OptimizerConfig optimizer = optimizer_of(OptimizerKind::kRowwiseAdagrad);
  TableBatchedEmbedding ram(tables, Pooling::kSum, optimizer);
  TieredEmbedding tiered(tables, Pooling::kSum, optimizer, {.cache_rows = {8}, .ways = 4});
  ram.initialize(2);
  tiered.initialize(2);
  step_both(ram, tiered, one_bag({0, 2, 5, 2}), 0);
  std::vector<float> pooled(4);
  testing::expect_error(
      [&] {
        tiered.forward(one_bag({0, 2, 4, 6, 8, 1}), pooled);
      },
      {.input = "tier config",
       .contains = "table 0: the bags touch more rows "
                   "of cache set 0"});
  step_both(ram, tiered, one_bag({8, 6, 4, 2, 3}), 1);  // four even rows fit
  step_both(ram, tiered, one_bag({0, 10, 5}), 2);
  tiered.flush();
  expect_same_tables(ram, tiered);
}

TEST(TieredEmbedding, RefusesIdsOutsideTheirTable) {
  TieredEmbedding tiered({{10, 2}}, Pooling::kSum, {}, {});
  std::vector<float> pooled(2);
  testing::expect_error(
      [&] {
        tiered.forward(one_bag({3, 10}), pooled);
      },
      {.input = "bags", .contains = "id 10 of table 0 is outside its 10 rows"});
  testing::expect_error([&] { tiered.prefetch(one_bag({-1})); },
                        {.input = "bags", .contains = "id -1 of table 0"});
}

TEST(TieredEmbedding, NamesTheFolderItCannotMakeItsFileIn) {
  const testing::TempDir dir;
  const std::filesystem::path missing = dir / "missing";
  testing::expect_error(
      [&] {
        TieredEmbedding({{10, 2}}, Pooling::kSum, {}, {.directory = missing});
      },
      {.input = missing.string(), .contains = "cannot make the tiered embedding's cold-tier file"});
  testing::expect_error(
      [&] {
        TieredEmbedding({{10, 2}}, Pooling::kSum, {}, {.cache_fraction = 0.0});
      },
      {.input = "tier config", .contains = "cache_fraction is 0"});
  testing::expect_error(
      [&] {
        TieredEmbedding({{10, 2}}, Pooling::kSum, {}, {.cache_rows = {11}});
      },
      {.input = "tier config", .contains = "cache_rows of table 0 is 11"});
}

TEST(TieredEmbedding, LeavesNoFileBehind) {
  const testing::TempDir dir;
  const TieredEmbedding tiered(kTables, Pooling::kSum, {}, {.directory = dir.path()});
  EXPECT_TRUE(dir.listing().empty());
}

}  // namespace
}  // namespace tessera::dlrm
