// Tests of ROC AUC (hand-computed cases with ties, a pairwise O(n^2) count on random data) and
// log loss (hand values, clamping), and of their errors.
#include "tessera/dlrm/metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera::dlrm {
namespace {

using tessera::testing::expect_error;

/// The AUC by definition: over every (positive, negative) pair, 1 if the positive scores higher,
/// 1/2 if tied.
double pairwise_auc(const std::vector<float>& scores, const std::vector<float>& labels) {
  double wins = 0.0, pairs = 0.0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (labels[i] != 1.0f) continue;
    for (std::size_t j = 0; j < scores.size(); ++j) {
      if (labels[j] != 0.0f) continue;
      wins += scores[i] > scores[j] ? 1.0 : scores[i] == scores[j] ? 0.5 : 0.0;
      pairs += 1.0;
    }
  }
  return wins / pairs;
}

TEST(RocAuc, HandComputedCases) {
  // Positives 0.35 (beats 0.1, loses to 0.4) and 0.8 (beats both): 3 of 4 pairs.
  EXPECT_DOUBLE_EQ(
      roc_auc(std::vector<float>{0.1f, 0.4f, 0.35f, 0.8f}, std::vector<float>{0, 0, 1, 1}), 0.75);
  // Ties count one half: positive 0.5 ties negative 0.5 and beats 0.2; 0.9 beats both: 3.5 / 4.
  EXPECT_DOUBLE_EQ(
      roc_auc(std::vector<float>{0.5f, 0.5f, 0.2f, 0.9f}, std::vector<float>{1, 0, 0, 1}), 0.875);
  // One positive among three negatives, tied with two of them and above the third: (1 + 1) / 3.
  EXPECT_DOUBLE_EQ(
      roc_auc(std::vector<float>{0.3f, 0.3f, 0.3f, 0.1f}, std::vector<float>{0, 1, 0, 0}),
      2.0 / 3.0);
}

TEST(RocAuc, PerfectReversedAndAllTied) {
  const std::vector<float> labels = {0, 1, 0, 1, 1, 0};
  EXPECT_EQ(roc_auc(std::vector<float>{0.1f, 0.9f, 0.2f, 0.8f, 0.7f, 0.3f}, labels), 1.0);
  EXPECT_EQ(roc_auc(std::vector<float>{0.9f, 0.1f, 0.8f, 0.2f, 0.3f, 0.7f}, labels), 0.0);
  EXPECT_EQ(roc_auc(std::vector<float>(6, 0.25f), labels), 0.5);
  // Infinite scores sort like any others.
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(roc_auc(std::vector<float>{-inf, inf, -inf, inf, 0.0f, 1.0f}, labels), 8.0 / 9.0);
}

TEST(RocAuc, EqualsThePairwiseCountOnRandomData) {
  std::uint64_t stream = 0;
  for (const std::size_t n : {2u, 17u, 300u, 1000u}) {
    for (const std::uint64_t levels : {3u, 40u, 1u << 24}) {  // many ties, some, almost none
      const CounterRng rng(2024, stream++);
      std::vector<float> scores(n), labels(n);
      for (std::size_t i = 0; i < n; ++i) {
        scores[i] = static_cast<float>(rng.uniform_int(2 * i, levels)) / static_cast<float>(levels);
        labels[i] = rng.bernoulli(2 * i + 1, 0.3) ? 1.0f : 0.0f;
      }
      labels[0] = 0.0f;  // both classes present
      labels[n - 1] = 1.0f;
      EXPECT_NEAR(roc_auc(scores, labels), pairwise_auc(scores, labels), 1e-12)
          << n << " samples, " << levels << " levels";
    }
  }
}

TEST(RocAuc, RejectsBadInput) {
  const auto error = [](const std::vector<float>& scores, const std::vector<float>& labels) {
    return expect_error([&] { roc_auc(scores, labels); }, {.input = "roc_auc"});
  };
  EXPECT_EQ(error({0.1f, 0.2f}, {0, 1, 1}), "roc_auc: 2 scores but 3 labels");
  EXPECT_EQ(error({0.1f, 0.2f, 0.3f}, {0, 0.5f, 1}), "roc_auc: label 1 is 0.5, expected 0 or 1");
  EXPECT_EQ(error({0.1f, 0.2f}, {1, 1}),
            "roc_auc: needs both classes, got 2 positives and 0 negatives");
  EXPECT_EQ(error({0.1f, 0.2f}, {0, 0}),
            "roc_auc: needs both classes, got 0 positives and 2 negatives");
  EXPECT_EQ(error({}, {}), "roc_auc: needs both classes, got 0 positives and 0 negatives");
  EXPECT_EQ(error({0.1f, std::nanf("")}, {0, 1}), "roc_auc: score 1 is NaN");
}

TEST(LogLoss, HandComputedValues) {
  EXPECT_NEAR(log_loss(std::vector<float>{0.9f, 0.2f}, std::vector<float>{1, 0}),
              -(std::log(0.9) + std::log(0.8)) / 2.0, 1e-7);
  EXPECT_NEAR(log_loss(std::vector<float>{0.5f}, std::vector<float>{1}), std::log(2.0), 1e-12);
  EXPECT_NEAR(log_loss(std::vector<float>{0.5f, 0.5f, 0.5f}, std::vector<float>{0, 1, 0}),
              std::log(2.0), 1e-12);
}

TEST(LogLoss, ClampsProbabilities) {
  // Certain and right: -log(1 - 1e-7) each; certain and wrong: -log(1e-7).
  EXPECT_NEAR(log_loss(std::vector<float>{1.0f, 0.0f}, std::vector<float>{1, 0}),
              -std::log1p(-1e-7), 1e-15);
  EXPECT_NEAR(log_loss(std::vector<float>{0.0f}, std::vector<float>{1}), -std::log(1e-7), 1e-9);
  EXPECT_NEAR(log_loss(std::vector<float>{1.0f, 2.0f}, std::vector<float>{0, 0}), -std::log(1e-7),
              1e-9);
  EXPECT_TRUE(std::isfinite(log_loss(std::vector<float>{-1.0f}, std::vector<float>{1})));
}

TEST(LogLoss, RejectsBadInput) {
  EXPECT_EQ(expect_error(
                [] {
                  log_loss(std::vector<float>{0.5f}, std::vector<float>{1, 0});
                },
                {.input = "log_loss"}),
            "log_loss: 1 probabilities but 2 labels");
  EXPECT_EQ(expect_error([] { log_loss(std::vector<float>{}, std::vector<float>{}); },
                         {.input = "log_loss"}),
            "log_loss: no samples");
}

}  // namespace
}  // namespace tessera::dlrm
