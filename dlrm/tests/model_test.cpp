// DLRM's parts against finite differences (the MLP's and the interaction's gradients), and the
// whole model: reproducible steps, falling loss on a learnable problem, errors for bad configs
// and batches.
#include "tessera/dlrm/model.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <utility>

#include "../src/interaction.hpp"
#include "../src/mlp.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera::dlrm {
namespace {

std::vector<float> normal_values(std::size_t n, std::uint64_t seed) {
  std::vector<float> v(n);
  fill_normal(v, CounterRng(seed, 0));
  return v;
}

double dot(const std::vector<float>& a, std::span<const float> b) {
  double sum = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += static_cast<double>(a[i]) * b[i];
  return sum;
}

// Central difference of f at step h: (f(+h) - f(-h)) / 2h.
template <class F>
double central_difference(F&& f, float h) {
  return (f(h) - f(-h)) / (2.0 * h);
}

// For loss = c · mlp(x): the input's gradient, and each layer's weight and bias gradients (read
// back from one SGD step of rate 1), against central differences; with either kind of sums.
TEST(Mlp, GradientsMatchFiniteDifferences) {
  for (const detail::BatchSums sums : {detail::BatchSums::kWhole, detail::BatchSums::kChunkTree}) {
    SCOPED_TRACE(sums == detail::BatchSums::kWhole ? "whole" : "chunk tree");
    const std::int64_t rows = 5, in = 6;
    const std::vector<std::int64_t> widths{7, 3};
    const std::vector<float> x = normal_values(static_cast<std::size_t>(rows * in), 1);
    const std::vector<float> c = normal_values(static_cast<std::size_t>(rows * widths.back()), 2);
    const auto make = [&] {
      return detail::Mlp(in, widths, false, {OptimizerKind::kSgd, 1.0f}, sums, 3, 0);
    };
    detail::Mlp trained = make();
    trained.forward(x, rows);
    std::vector<float> dy = c, dx(x.size()), gradient(trained.parameter_count());
    trained.backward(dy, dx, gradient);
    trained.update(gradient);
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double want = central_difference(
          [&](float h) {
            std::vector<float> moved = x;
            moved[i] += h;
            detail::Mlp m = make();
            return dot(c, m.forward(moved, rows));
          },
          1e-2f);
      EXPECT_NEAR(dx[i], want, 2e-3 * (1 + std::abs(want))) << "input " << i;
    }
    const detail::Mlp original = make();
    for (std::size_t l = 0; l < original.layers(); ++l) {
      for (const bool bias : {false, true}) {
        const std::span<const float> before = bias ? original.biases(l) : original.weights(l);
        const std::span<const float> after = bias ? trained.biases(l) : trained.weights(l);
        for (std::size_t k = 0; k < before.size(); ++k) {
          const double want = central_difference(
              [&](float h) {
                detail::Mlp m = make();
                (bias ? m.biases(l) : m.weights(l))[k] += h;
                return dot(c, m.forward(x, rows));
              },
              1e-2f);
          EXPECT_NEAR(before[k] - after[k], want, 2e-3 * (1 + std::abs(want)))
              << "layer " << l << (bias ? " bias " : " weight ") << k;
        }
      }
    }
  }
}

// Over several chunks of samples (the last one short), the weights' and biases' gradients are the
// sums over all samples: with either kind of sums, on layers longer on either side than the
// blocks that whole sums cut W's gradient into.
TEST(Mlp, GradientsSumOverChunks) {
  const std::int64_t rows = 3 * detail::kChunk + 17;
  for (const detail::BatchSums sums : {detail::BatchSums::kWhole, detail::BatchSums::kChunkTree}) {
    for (const auto& [in, out] : {std::pair<std::int64_t, std::int64_t>{150, 70}, {40, 150}}) {
      SCOPED_TRACE(fmt::format(
          "{} sums, {} x {}", sums == detail::BatchSums::kWhole ? "whole" : "chunk tree", in, out));
      const std::vector<float> x = normal_values(static_cast<std::size_t>(rows * in), 7);
      const std::vector<float> dy = normal_values(static_cast<std::size_t>(rows * out), 8);
      detail::Mlp m(in, {out}, false, {OptimizerKind::kSgd, 1.0f}, sums, 3, 0);
      m.forward(x, rows);
      std::vector<float> gradient(m.parameter_count());
      m.backward(dy, {}, gradient);
      ASSERT_EQ(gradient.size(), static_cast<std::size_t>(in * out + out));
      for (std::int64_t i = 0; i < in; ++i) {
        for (std::int64_t o = 0; o < out; ++o) {
          double want = 0.0, bias = 0.0;
          for (std::int64_t r = 0; r < rows; ++r) {
            want += double{x[static_cast<std::size_t>(r * in + i)]} *
                    dy[static_cast<std::size_t>(r * out + o)];
            bias += dy[static_cast<std::size_t>(r * out + o)];
          }
          ASSERT_NEAR(gradient[static_cast<std::size_t>(i * out + o)], want, 2e-3);
          if (i == 0) {
            ASSERT_NEAR(gradient[static_cast<std::size_t>(in * out + o)], bias, 2e-3);
          }
        }
      }
    }
  }
}

TEST(Interaction, GradientsMatchFiniteDifferences) {
  const std::int64_t rows = 3, tables = 4, d = 5;
  const std::int64_t width = detail::interaction_width(tables + 1, d);
  EXPECT_EQ(width, 5 + 10);
  const std::vector<float> bottom = normal_values(static_cast<std::size_t>(rows * d), 4);
  const std::vector<float> pooled = normal_values(static_cast<std::size_t>(rows * tables * d), 5);
  const std::vector<float> c = normal_values(static_cast<std::size_t>(rows * width), 6);
  const auto loss = [&](const std::vector<float>& b, const std::vector<float>& p) {
    std::vector<float> out(static_cast<std::size_t>(rows * width));
    detail::interact(b, p, rows, tables, d, out);
    return dot(c, out);
  };
  std::vector<float> d_bottom(bottom.size()), d_pooled(pooled.size());
  detail::interact_backward(bottom, pooled, c, rows, tables, d, d_bottom, d_pooled);
  for (const bool of_bottom : {true, false}) {
    const std::vector<float>& values = of_bottom ? bottom : pooled;
    const std::vector<float>& got = of_bottom ? d_bottom : d_pooled;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const double want = central_difference(
          [&](float h) {
            std::vector<float> b = bottom, p = pooled;
            (of_bottom ? b : p)[i] += h;
            return loss(b, p);
          },
          1e-2f);
      EXPECT_NEAR(got[i], want, 1e-3 * (1 + std::abs(want)))
          << (of_bottom ? "bottom " : "pooled ") << i;
    }
  }
}

// A batch whose label is a function of the ids and a dense feature, which a model can learn.
Batch learnable_batch(std::int64_t size, const std::vector<std::int64_t>& rows) {
  const CounterRng rng(21, 0);
  std::uint64_t draw = 0;
  Batch b;
  b.size = size;
  b.dense_features = 3;
  b.sparse.tables = static_cast<std::int64_t>(rows.size());
  b.sparse.samples = size;
  b.sparse.offsets.push_back(0);
  for (std::int64_t i = 0; i < size * 3; ++i) b.dense.push_back(rng.uniform_float(draw++));
  for (const std::int64_t r : rows) {
    for (std::int64_t s = 0; s < size; ++s) {
      b.sparse.ids.push_back(
          static_cast<std::int64_t>(rng.uniform_int(draw++, static_cast<std::uint64_t>(r))));
      b.sparse.offsets.push_back(static_cast<std::int64_t>(b.sparse.ids.size()));
    }
  }
  for (std::int64_t s = 0; s < size; ++s) {
    const bool even = b.sparse.ids[static_cast<std::size_t>(s)] % 2 == 0;
    b.labels.push_back(even != (b.dense[static_cast<std::size_t>(s * 3)] > 0.7f) ? 1.0f : 0.0f);
  }
  return b;
}

DlrmConfig small_config(OptimizerKind kind) {
  DlrmConfig c;
  c.dense_features = 3;
  c.bottom_mlp = {16, 8};
  c.top_mlp = {16, 1};
  c.table_rows = {40, 30, 1000};
  c.optimizer = {kind, kind == OptimizerKind::kSgd ? 0.5f : 0.05f};
  c.seed = 5;
  return c;
}

TEST(Dlrm, LearnsALearnableBatchWithEveryOptimizer) {
  const Batch batch = learnable_batch(256, {40, 30, 1000});
  for (const OptimizerKind kind :
       {OptimizerKind::kSgd, OptimizerKind::kAdagrad, OptimizerKind::kRowwiseAdagrad}) {
    Dlrm model(small_config(kind));
    const double first = model.train_step(batch);
    double last = first;
    for (int step = 0; step < 300; ++step) last = model.train_step(batch);
    EXPECT_LT(last, 0.5 * first) << to_string(kind) << ": " << first << " -> " << last;
    const std::vector<float> p = model.predict(batch);
    int right = 0;
    for (std::size_t i = 0; i < p.size(); ++i) right += (p[i] > 0.5f) == (batch.labels[i] > 0.5f);
    EXPECT_GT(right, 240) << to_string(kind);
  }
}

// All parameters, concatenated.
std::vector<float> parameters(const Dlrm& model) {
  std::vector<float> all;
  model.for_each_parameter([&](const std::string&, std::span<const float> p) {
    all.insert(all.end(), p.begin(), p.end());
  });
  return all;
}

TEST(Dlrm, StepsAreReproducibleForAGivenSeedAndThreadCount) {
  const Batch batch = learnable_batch(300, {40, 30, 1000});
  for (const bool invariant : {false, true}) {
    std::vector<std::vector<float>> results;
    for (const int threads : {2, 2, 1}) {
      const ThreadCountScope scope(threads);
      DlrmConfig config = small_config(OptimizerKind::kRowwiseAdagrad);
      config.world_size_invariant = invariant;
      config.bottom_mlp = {150, 8};  // more than one block of W's gradient with whole sums
      config.top_mlp = {140, 1};
      Dlrm model(config);
      for (int step = 0; step < 5; ++step) model.train_step(batch);
      results.push_back(parameters(model));
    }
    EXPECT_EQ(results[0], results[1]) << "invariant " << invariant;
    EXPECT_EQ(results[0], results[2])
        << "one thread and two give other weights, invariant " << invariant;
  }
  DlrmConfig other = small_config(OptimizerKind::kRowwiseAdagrad);
  other.seed = 6;
  EXPECT_NE(parameters(Dlrm(other)),
            parameters(Dlrm(small_config(OptimizerKind::kRowwiseAdagrad))));
}

TEST(Dlrm, RefusesConfigsAndBatchesThatDoNotFit) {
  DlrmConfig c = small_config(OptimizerKind::kSgd);
  c.top_mlp = {16, 2};
  testing::expect_error([&] { Dlrm{c}; }, {.input = "top_mlp", .contains = "the last one 1"});
  c = small_config(OptimizerKind::kSgd);
  c.table_rows = {};
  testing::expect_error([&] { Dlrm{c}; }, {.input = "table_rows"});
  c = small_config(OptimizerKind::kSgd);
  c.optimizer.learning_rate = 0.0f;
  testing::expect_error([&] { Dlrm{c}; }, {.input = "learning_rate"});
  Dlrm model(small_config(OptimizerKind::kSgd));
  Batch batch = learnable_batch(8, {40, 30, 1000});
  batch.labels.pop_back();
  testing::expect_error([&] { model.train_step(batch); },
                        {.input = "batch", .contains = "7 labels for 8 samples"});
  batch = learnable_batch(8, {40, 30});
  testing::expect_error([&] { model.predict(batch); }, {.input = "bags"});
}

}  // namespace
}  // namespace tessera::dlrm
