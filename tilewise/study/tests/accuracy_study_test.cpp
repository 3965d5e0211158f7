// The accuracy study: options it cannot run with are usage errors naming their field, and end to
// end on real Fashion-MNIST (slow: one epoch of training, one pruning step of fine-tuning; skipped
// visibly without the data) a small model learns, TW-1D pruning hits its sparsity, and TW
// inference matches the pruned model's dense inference.
#include "tessera/tilewise/accuracy_study.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tessera/testing/expect_error.hpp"

namespace tessera::tilewise {
namespace {

using tessera::testing::expect_error;

TEST(AccuracyStudy, OptionsItCannotRunWithNameTheirField) {
  const learn::ImageSet none;
  const auto quiet = [](const std::string&) {};
  StudyOptions options;
  options.sizes = {784, 0, 10};
  expect_error([&] { train_dense(none, options, quiet); },
               {.input = "StudyOptions::sizes", .code = ExitCode::kUsage});
  options.sizes = {4, 3, 2};
  options.steps = 0;
  const learn::Mlp dense(options.sizes, 1);
  StudyCase result;
  expect_error([&] { prune_gradually(dense, none, none, options, result); },
               {.input = "StudyOptions::steps", .contains = "at least 1"});
}

TEST(SlowAccuracyStudy, LearnsFashionMnistAndTwInferenceMatches) {
  if (!learn::fashion_mnist_present())
    GTEST_SKIP() << "needs Fashion-MNIST (learn/data.json: Debian's dataset-fashion-mnist)";
  const learn::ImageSet train = learn::fashion_mnist(true), test = learn::fashion_mnist(false);
  StudyOptions options;
  options.sizes = {784, 256, 256, 10};
  options.dense_epochs = 1;
  options.steps = 1;
  options.prune.tile_width = 64;
  const learn::Mlp dense = train_dense(train, options, [](const std::string&) {});
  EXPECT_GT(dense.accuracy(test), 0.80);
  StudyCase result;
  result.pattern = PatternKind::kTileWise1D;
  result.sparsity = 0.75;
  const PrunedModel pruned = prune_gradually(dense, train, test, options, result);
  EXPECT_NEAR(result.achieved, 0.75, 0.01);
  EXPECT_GT(result.accuracy, 0.75);
  const std::vector<TwMatrix> packed = pack_hidden_layers(pruned);
  const std::size_t n = 500;
  AlignedBuffer<float> tw(n * 10), reference(n * 10);
  const auto inputs = test.pixels.span().first(n * 784);
  tw_forward(pruned.model, packed, inputs, n, tw.span());
  pruned.model.forward(inputs, n, reference.span());
  for (std::size_t i = 0; i < n * 10; ++i) EXPECT_NEAR(tw[i], reference[i], 1e-3f) << i;
  if (!tw_gemm_bf16_runs_here()) GTEST_SKIP() << "TW-GEMM in bf16 " << tw_gemm_bf16_unavailable();
  // In bf16 (A and W rounded to 8 bits of mantissa), the same predictions but for a few.
  const std::vector<TwMatrixBf16> bf16(packed.begin(), packed.end());
  AlignedBuffer<float> tw_bf16(n * 10);
  tw_forward(pruned.model, bf16, inputs, n, tw_bf16.span());
  std::size_t same = 0;
  for (std::size_t i = 0; i < n; ++i) {
    same += learn::argmax(tw_bf16.span().subspan(i * 10, 10)) ==
            learn::argmax(tw.span().subspan(i * 10, 10));
  }
  EXPECT_GE(same, n * 98 / 100);
}

TEST(AccuracyStudy, AccuracyOfCountsTheLargestScoreAgainstTheLabel) {
  learn::ImageSet data;
  data.count = 3;
  data.labels = {0, 1, 2};
  const std::vector<float> logits{0.9f, 0.1f, 0.0f, 0.2f, 0.7f, 0.1f, 0.5f, 0.4f, 0.1f};
  EXPECT_DOUBLE_EQ(accuracy_of(logits, data), 2.0 / 3.0);
}

}  // namespace
}  // namespace tessera::tilewise
