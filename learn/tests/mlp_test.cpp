// The MLP trainer: it learns a separable problem, masks keep pruned weights at zero, Taylor scores
// accumulate, clones are independent, and permuted hidden units compute and train alike.
#include "tessera/learn/mlp.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "tessera/core/error.hpp"
#include "tessera/testing/expect_error.hpp"
#include "tessera/testing/generators.hpp"

namespace tessera::learn {
namespace {

using tessera::testing::expect_error;

// Points in 16-D whose label is the sign pattern of two coordinates (4 classes).
ImageSet quadrants(std::size_t count, std::uint64_t seed) {
  ImageSet set;
  set.count = count;
  set.rows = 4;
  set.cols = 4;
  set.pixels = tessera::testing::uniform_matrix(count, 16, seed, 0);
  for (std::size_t i = 0; i < count; ++i) {
    set.labels.push_back(static_cast<std::uint8_t>((set.pixels[i * 16] > 0 ? 1 : 0) +
                                                   (set.pixels[i * 16 + 5] > 0 ? 2 : 0)));
  }
  return set;
}

TEST(Mlp, LearnsASeparableProblem) {
  const ImageSet train = quadrants(4000, 1), test = quadrants(1000, 2);
  const std::vector<std::size_t> sizes{16, 64, 4};
  Mlp model(sizes, 3);
  const double before = model.accuracy(test);
  TrainOptions options;
  options.batch = 32;
  for (std::size_t e = 0; e < 5; ++e) model.train_epoch(train, e, options);
  EXPECT_GT(model.accuracy(test), 0.95);
  EXPECT_LT(before, 0.5);
}

TEST(Mlp, MasksHoldAndTaylorScoresAccumulate) {
  const ImageSet train = quadrants(1000, 4);
  const std::vector<std::size_t> sizes{16, 32, 4};
  Mlp model(sizes, 5);
  std::vector<std::uint8_t> mask(16 * 32, 1);
  for (std::size_t i = 0; i < mask.size(); i += 3) mask[i] = 0;
  model.set_mask(0, mask);
  const Mlp before = model.clone();
  TrainOptions options;
  options.taylor = true;
  model.train_epoch(train, 0, options);
  const MlpLayer& layer = model.layers()[0];
  double taylor = 0;
  for (std::size_t i = 0; i < mask.size(); ++i) {
    if (mask[i] == 0) {
      EXPECT_EQ(layer.w[i], 0.0f) << i;
    }
    EXPECT_GE(layer.taylor[i], 0.0f);
    taylor += layer.taylor[i];
  }
  EXPECT_GT(taylor, 0.0);
  EXPECT_NE(before.layers()[0].w[1], layer.w[1]);  // the clone did not train
}

TEST(Mlp, PermutedHiddenUnitsComputeAndTrainAlike) {
  const ImageSet train = quadrants(600, 6), test = quadrants(200, 7);
  const std::vector<std::size_t> sizes{16, 32, 24, 4};
  Mlp model(sizes, 8);
  std::vector<std::uint8_t> mask(32 * 24, 1);
  for (std::size_t i = 0; i < mask.size(); i += 5) mask[i] = 0;
  model.set_mask(1, mask);
  TrainOptions options;
  options.taylor = true;
  model.train_epoch(train, 0, options);  // momentum and Taylor scores to move along
  Mlp permuted = model.clone();
  std::vector<std::size_t> first(32), second(24);
  for (std::size_t i = 0; i < 32; ++i) first[i] = (i * 7 + 3) % 32;
  for (std::size_t i = 0; i < 24; ++i) second[i] = 23 - i;
  permuted.permute_hidden(0, first);
  permuted.permute_hidden(1, second);
  const MlpLayer& moved = permuted.layers()[1];
  for (std::size_t i = 0; i < 32; ++i) {
    for (std::size_t j = 0; j < 24; ++j) {
      EXPECT_EQ(moved.mask[i * 24 + j], mask[first[i] * 24 + second[j]]);
      EXPECT_EQ(moved.taylor[i * 24 + j], model.layers()[1].taylor[first[i] * 24 + second[j]]);
    }
  }
  const auto same_outputs = [&] {
    AlignedBuffer<float> a(200 * 4), b(200 * 4);
    model.forward(test.pixels.span(), 200, a.span());
    permuted.forward(test.pixels.span(), 200, b.span());
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-4f) << i;
  };
  same_outputs();
  model.train_epoch(train, 1, options);  // the same steps, momentum included
  permuted.train_epoch(train, 1, options);
  same_outputs();
  const tessera::testing::ErrorMatch bad_order{.input = "hidden unit order",
                                               .code = ExitCode::kUsage};
  expect_error([&] { permuted.permute_hidden(2, second); }, bad_order);  // the output layer
  expect_error([&] { permuted.permute_hidden(1, std::vector<std::size_t>(24, 0)); }, bad_order);
  expect_error([&] { permuted.permute_hidden(1, first); }, bad_order);  // 32 entries for 24 units
}

}  // namespace
}  // namespace tessera::learn
