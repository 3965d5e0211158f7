// Quality of click predictions: ROC AUC and log loss, as Criteo results are reported.
#pragma once

#include <span>

namespace tessera::dlrm {

/// Area under the ROC curve of `scores` against `labels` (0 or 1): the probability that a random
/// positive scores above a random negative, ties counting one half (average ranks). Needs equal
/// lengths, no NaN score and both classes present (tessera::Error otherwise).
double roc_auc(std::span<const float> scores, std::span<const float> labels);

/// Mean binary cross-entropy of `probabilities` against `labels`, probabilities clamped to
/// [1e-7, 1 - 1e-7]. Needs equal, non-zero lengths.
double log_loss(std::span<const float> probabilities, std::span<const float> labels);

}  // namespace tessera::dlrm
