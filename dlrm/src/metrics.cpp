// ROC AUC as the Mann-Whitney U statistic with average ranks for ties (one sort, O(n log n)) and
// the mean binary cross-entropy, both accumulated in double.
#include "tessera/dlrm/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "tessera/core/error.hpp"

namespace tessera::dlrm {

double roc_auc(std::span<const float> scores, std::span<const float> labels) {
  if (scores.size() != labels.size()) {
    throw Error("roc_auc", fmt::format("{} scores but {} labels", scores.size(), labels.size()));
  }
  std::vector<std::pair<float, bool>> samples(scores.size());  // (score, positive)
  std::int64_t positives = 0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (labels[i] != 0.0f && labels[i] != 1.0f) {
      throw Error("roc_auc", fmt::format("label {} is {}, expected 0 or 1", i, labels[i]));
    }
    if (std::isnan(scores[i])) throw Error("roc_auc", fmt::format("score {} is NaN", i));
    samples[i] = {scores[i], labels[i] == 1.0f};
    positives += labels[i] == 1.0f ? 1 : 0;
  }
  const std::int64_t negatives = static_cast<std::int64_t>(scores.size()) - positives;
  if (positives == 0 || negatives == 0) {
    throw Error("roc_auc", fmt::format("needs both classes, got {} positives and {} negatives",
                                       positives, negatives));
  }
  std::sort(samples.begin(), samples.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  // U = sum over positives of (negatives ranked below + half the negatives tied with it), which
  // equals the rank sum of the positives (average ranks for ties) minus P (P + 1) / 2.
  double u = 0.0;
  std::int64_t negatives_below = 0;
  for (std::size_t begin = 0; begin < samples.size();) {
    std::size_t end = begin;
    std::int64_t tied_positives = 0;
    for (; end < samples.size() && samples[end].first == samples[begin].first; ++end) {
      tied_positives += samples[end].second ? 1 : 0;
    }
    const std::int64_t tied_negatives = static_cast<std::int64_t>(end - begin) - tied_positives;
    u += static_cast<double>(tied_positives) *
         (static_cast<double>(negatives_below) + 0.5 * static_cast<double>(tied_negatives));
    negatives_below += tied_negatives;
    begin = end;
  }
  return u / (static_cast<double>(positives) * static_cast<double>(negatives));
}

double log_loss(std::span<const float> probabilities, std::span<const float> labels) {
  if (probabilities.size() != labels.size()) {
    throw Error("log_loss",
                fmt::format("{} probabilities but {} labels", probabilities.size(), labels.size()));
  }
  if (labels.empty()) throw Error("log_loss", "no samples");
  constexpr double kEpsilon = 1e-7;
  double sum = 0.0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double p = std::clamp(static_cast<double>(probabilities[i]), kEpsilon, 1.0 - kEpsilon);
    const double y = labels[i];
    sum -= y * std::log(p) + (1.0 - y) * std::log1p(-p);
  }
  return sum / static_cast<double>(labels.size());
}

}  // namespace tessera::dlrm
