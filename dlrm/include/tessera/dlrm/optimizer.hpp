// The optimizers of DLRM training, as FBGEMM's exact optimizers define them: SGD, AdaGrad (one
// accumulator per weight) and row-wise AdaGrad (one per embedding row: the mean of the row's
// squared gradient). Dense layers take AdaGrad where row-wise AdaGrad is asked.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tessera::dlrm {

enum class OptimizerKind { kSgd, kAdagrad, kRowwiseAdagrad };

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::kSgd;
  float learning_rate = 0.01f;
  float eps = 1e-8f;  // AdaGrad: w -= lr * g / (sqrt(G) + eps)
};

/// Optimizer state values an embedding row of `dim` columns keeps: dim for AdaGrad, 1 for row-wise
/// AdaGrad, none for SGD.
std::int64_t state_per_row(OptimizerKind kind, std::int64_t dim);

/// "sgd", "adagrad" or "rowwise-adagrad".
std::string to_string(OptimizerKind kind);
/// The kind named `name` as to_string writes it; tessera::Error naming `input` otherwise.
OptimizerKind parse_optimizer_kind(std::string_view name, std::string_view input);

}  // namespace tessera::dlrm
