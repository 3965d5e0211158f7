// The table-batched embedding operator against a direct computation: pooled lookups, the exact
// fused update of each optimizer, bitwise results for any thread count, and errors for bags that
// do not fit the tables.
#include "tessera/dlrm/embedding.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "random_bags.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera::dlrm {
namespace {

// One row (no radix pass), a few, and more than 2^11 (a second pass).
const std::vector<TableSpec> kTables{{50, 4}, {1, 3}, {7, 3}, {2049, 16}};

// Calls visit(t, s, id, factor) for every id of every bag: table, sample, row, and the factor its
// row entered the pooled vector with (its weight, divided by the bag's size for mean pooling).
template <class Visit>
void for_each_id(const SparseFeatures& bags, Pooling pooling, Visit&& visit) {
  for (std::int64_t t = 0; t < bags.tables; ++t) {
    for (std::int64_t s = 0; s < bags.samples; ++s) {
      const auto bag = static_cast<std::size_t>(t * bags.samples + s);
      const std::int64_t begin = bags.offsets[bag], end = bags.offsets[bag + 1];
      for (std::int64_t i = begin; i < end; ++i) {
        const auto k = static_cast<std::size_t>(i);
        double factor = bags.weights.empty() ? 1.0 : bags.weights[k];
        if (pooling == Pooling::kMean) factor /= static_cast<double>(end - begin);
        visit(static_cast<std::size_t>(t), s, bags.ids[k], factor);
      }
    }
  }
}

// The pooled output computed id by id in double precision.
std::vector<double> direct_forward(const TableBatchedEmbedding& e, const SparseFeatures& bags,
                                   Pooling pooling) {
  std::vector<double> out(static_cast<std::size_t>(bags.samples * e.total_dim()), 0.0);
  for_each_id(bags, pooling, [&](std::size_t t, std::int64_t s, std::int64_t id, double factor) {
    const std::int64_t dim = e.tables()[t].dim;
    for (std::int64_t d = 0; d < dim; ++d)
      out[static_cast<std::size_t>(s * e.total_dim() + e.dim_offset(t) + d)] +=
          factor * e.weights(t)[static_cast<std::size_t>(id * dim + d)];
  });
  return out;
}

TEST(Embedding, PoolsBagsAsADirectSumOrMean) {
  for (const Pooling pooling : {Pooling::kSum, Pooling::kMean}) {
    for (const bool weighted : {false, true}) {
      TableBatchedEmbedding e(kTables, pooling, {});
      e.initialize(3);
      const SparseFeatures bags = random_bags(kTables, 37, 6, weighted, 5);
      std::vector<float> pooled(static_cast<std::size_t>(37 * e.total_dim()), -1.0f);
      e.forward(bags, pooled);
      const std::vector<double> want = direct_forward(e, bags, pooling);
      for (std::size_t i = 0; i < want.size(); ++i)
        ASSERT_NEAR(pooled[i], want[i], 1e-5) << "value " << i << ", weighted " << weighted;
    }
  }
}

TEST(Embedding, InitializesWithinDlrmsBoundsAndBySeed) {
  TableBatchedEmbedding a(kTables, Pooling::kSum, {}), b(kTables, Pooling::kSum, {});
  a.initialize(11);
  b.initialize(11);
  for (std::size_t t = 0; t < kTables.size(); ++t) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(kTables[t].rows));
    for (const float w : a.weights(t)) ASSERT_LE(std::abs(w), bound);
    EXPECT_TRUE(std::equal(a.weights(t).begin(), a.weights(t).end(), b.weights(t).begin()));
  }
  b.initialize(12);
  EXPECT_FALSE(std::equal(a.weights(2).begin(), a.weights(2).end(), b.weights(2).begin()));
}

// Each touched row's gradient, summed over its occurrences in double precision.
std::map<std::pair<std::size_t, std::int64_t>, std::vector<double>> row_gradients(
    const TableBatchedEmbedding& e, const SparseFeatures& bags, Pooling pooling,
    const std::vector<float>& pooled_gradient) {
  std::map<std::pair<std::size_t, std::int64_t>, std::vector<double>> rows;
  for_each_id(bags, pooling, [&](std::size_t t, std::int64_t s, std::int64_t id, double factor) {
    const std::int64_t dim = e.tables()[t].dim;
    std::vector<double>& g = rows[{t, id}];
    g.resize(static_cast<std::size_t>(dim));
    for (std::int64_t d = 0; d < dim; ++d)
      g[static_cast<std::size_t>(d)] +=
          factor *
          pooled_gradient[static_cast<std::size_t>(s * e.total_dim() + e.dim_offset(t) + d)];
  });
  return rows;
}

TEST(Embedding, UpdatesEachTouchedRowOnceWithItsSummedGradient) {
  for (const OptimizerKind kind :
       {OptimizerKind::kSgd, OptimizerKind::kAdagrad, OptimizerKind::kRowwiseAdagrad}) {
    for (const auto& [pooling, weighted] :
         {std::pair{Pooling::kSum, false}, std::pair{Pooling::kSum, true},
          std::pair{Pooling::kMean, false}, std::pair{Pooling::kMean, true}}) {
      const OptimizerConfig o{kind, 0.1f, 1e-8f};
      TableBatchedEmbedding e(kTables, pooling, o);
      e.initialize(4);
      const SparseFeatures bags = random_bags(kTables, 29, 5, weighted, 6);
      std::vector<float> gradient(static_cast<std::size_t>(29 * e.total_dim()));
      fill_normal(gradient, CounterRng(8, 0));
      std::vector<std::vector<float>> before;
      for (std::size_t t = 0; t < kTables.size(); ++t)
        before.emplace_back(e.weights(t).begin(), e.weights(t).end());
      const auto rows = row_gradients(e, bags, pooling, gradient);
      e.backward_update(bags, gradient);
      for (std::size_t t = 0; t < kTables.size(); ++t) {
        const std::int64_t dim = kTables[t].dim;
        for (std::int64_t r = 0; r < kTables[t].rows; ++r) {
          const auto g = rows.find({t, r});
          double row_state = 0.0;
          if (g != rows.end())
            for (const double v : g->second) row_state += v * v / static_cast<double>(dim);
          for (std::int64_t d = 0; d < dim; ++d) {
            const auto at = static_cast<std::size_t>(r * dim + d);
            double want = before[t][at];
            if (g != rows.end()) {
              const double gd = g->second[static_cast<std::size_t>(d)];
              switch (kind) {
                case OptimizerKind::kSgd:
                  want -= 0.1 * gd;
                  break;
                case OptimizerKind::kAdagrad:
                  want -= 0.1 * gd / (std::abs(gd) + 1e-8);
                  EXPECT_NEAR(e.state(t)[at], gd * gd, 1e-4 * (1 + gd * gd));
                  break;
                case OptimizerKind::kRowwiseAdagrad:
                  want -= 0.1 * gd / (std::sqrt(row_state) + 1e-8);
                  break;
              }
            }
            ASSERT_NEAR(e.weights(t)[at], want, 1e-5)
                << to_string(kind) << ", table " << t << ", row " << r << ", column " << d;
          }
          if (kind == OptimizerKind::kRowwiseAdagrad) {
            EXPECT_NEAR(e.state(t)[static_cast<std::size_t>(r)], row_state, 1e-5 * (1 + row_state));
          }
        }
      }
    }
  }
}

TEST(Embedding, StepsAreBitwiseTheSameForAnyThreadCount) {
  const std::vector<TableSpec> tables{{20'000, 32}, {300, 8}, {5, 64}};
  const SparseFeatures bags = random_bags(tables, 512, 20, false, 9);
  for (const OptimizerKind kind :
       {OptimizerKind::kSgd, OptimizerKind::kAdagrad, OptimizerKind::kRowwiseAdagrad}) {
    for (const Pooling pooling : {Pooling::kSum, Pooling::kMean}) {
      std::vector<std::vector<float>> results;
      for (const int threads : {1, 2, 3}) {
        const ThreadCountScope scope(threads);
        TableBatchedEmbedding e(tables, pooling, {kind, 0.05f});
        e.initialize(1);
        std::vector<float> pooled(static_cast<std::size_t>(512 * e.total_dim()));
        for (int step = 0; step < 3; ++step) {
          e.forward(bags, pooled);
          for (float& v : pooled) v = v * 0.5f - 0.01f;  // a gradient that depends on the weights
          e.backward_update(bags, pooled);
        }
        std::vector<float> all;
        for (std::size_t t = 0; t < tables.size(); ++t) {
          all.insert(all.end(), e.weights(t).begin(), e.weights(t).end());
          all.insert(all.end(), e.state(t).begin(), e.state(t).end());
        }
        results.push_back(std::move(all));
      }
      EXPECT_EQ(results[0], results[1]) << to_string(kind);
      EXPECT_EQ(results[0], results[2]) << to_string(kind);
    }
  }
}

TEST(Embedding, RefusesTablesAndBagsThatDoNotFit) {
  testing::expect_error([] { TableBatchedEmbedding({}, Pooling::kSum, {}); },
                        {.input = "embedding tables", .contains = "no tables"});
  testing::expect_error(
      [] {
        TableBatchedEmbedding({{4, 2}, {0, 2}}, Pooling::kSum, {});
      },
      {.input = "embedding tables", .contains = "table 1 has 0 rows"});
  TableBatchedEmbedding e({{4, 2}, {3, 2}}, Pooling::kSum, {});
  std::vector<float> pooled(8);
  const SparseFeatures good{2, 2, {0, 1, 2, 3, 4}, {0, 3, 2, 0}, {}};
  e.forward(good, pooled);
  SparseFeatures bad = good;
  bad.ids[2] = 3;  // table 1 has 3 rows
  testing::expect_error([&] { e.forward(bad, pooled); },
                        {.input = "bags", .contains = "id 3 of table 1 is outside its 3 rows"});
  bad = good;
  bad.tables = 3;
  testing::expect_error([&] { e.forward(bad, pooled); },
                        {.input = "bags", .contains = "3 tables, the embedding operator has 2"});
  bad = good;
  bad.offsets = {0, 2, 1, 3, 4};
  testing::expect_error([&] { e.forward(bad, pooled); },
                        {.input = "bags", .contains = "offsets must rise"});
  bad = good;
  bad.weights = {1.0f};
  testing::expect_error([&] { e.backward_update(bad, pooled); },
                        {.input = "bags", .contains = "1 weights for 4 ids"});
  testing::expect_error([&] { e.backward_update(good, std::vector<float>(3)); },
                        {.input = "pooled gradient", .contains = "3 values for 2 samples"});
}

}  // namespace
}  // namespace tessera::dlrm
