// Synthetic DLRM data with a learnable ground truth: Zipf-distributed ids per table (hot rows
// scattered by a permutation), uniform dense features, and labels drawn from a random teacher
// model whose click probability is known, so that the oracle AUC and log loss of a test set are
// too. Sample i is a pure function of (seed, i): any rank count, thread count or batch size sees
// the same stream.
#pragma once

#include <cstdint>
#include <vector>

#include "tessera/dlrm/batch.hpp"

namespace tessera::dlrm {

struct SyntheticConfig {
  std::uint64_t seed = 1;
  std::int64_t dense_features = 13;
  std::vector<std::int64_t> rows{100'000, 100'000, 100'000, 100'000};  // one table per entry
  std::int64_t pooling = 1;                                            // ids per bag
  double zipf_alpha = 1.1;  // P(rank k) proportional to k^-alpha, k = 1..rows
  std::int64_t teacher_dim = 4;
  /// Weights of the teacher's terms in its logit: dense (w·x), per-row scalars summed over the
  /// bags, and dot products of the bags' teacher vectors over pairs of tables.
  double dense_scale = 1.0, row_scale = 0.6, pair_scale = 0.8;
};

class SyntheticData {
 public:
  /// Checks the config (tessera::Error naming the field: no tables, rows < 1, pooling < 1,
  /// alpha <= 0, ...).
  explicit SyntheticData(SyntheticConfig config);

  const SyntheticConfig& config() const { return config_; }

  /// Samples [first, first + count) of the stream.
  Batch batch(std::int64_t first, std::int64_t count) const;
  /// The teacher's click probability for the same samples: the oracle's prediction.
  std::vector<float> probabilities(std::int64_t first, std::int64_t count) const;

 private:
  SyntheticConfig config_;
};

}  // namespace tessera::dlrm
