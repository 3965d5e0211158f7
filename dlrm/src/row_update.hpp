// One embedding row's optimizer step, given the row's summed gradient: the update of FBGEMM's
// exact optimizers (SGD; AdaGrad per weight; row-wise AdaGrad, whose one accumulator per row
// takes the mean of the squared gradient).
#pragma once

#include <cmath>
#include <cstdint>

#include "tessera/dlrm/optimizer.hpp"

namespace tessera::dlrm::detail {

/// w (dim weights) and its state (dim accumulators for AdaGrad, one for row-wise AdaGrad,
/// unused for SGD) after one step with gradient g.
inline void update_row(const OptimizerConfig& o, float* w, float* state, const float* g,
                       std::int64_t dim) {
  switch (o.kind) {
    case OptimizerKind::kSgd:
      for (std::int64_t d = 0; d < dim; ++d) w[d] -= o.learning_rate * g[d];
      break;
    case OptimizerKind::kAdagrad:
      for (std::int64_t d = 0; d < dim; ++d) {
        state[d] += g[d] * g[d];
        w[d] -= o.learning_rate * g[d] / (std::sqrt(state[d]) + o.eps);
      }
      break;
    case OptimizerKind::kRowwiseAdagrad: {
      float squares = 0.0f;
      for (std::int64_t d = 0; d < dim; ++d) squares += g[d] * g[d];
      state[0] += squares / static_cast<float>(dim);
      const float step = o.learning_rate / (std::sqrt(state[0]) + o.eps);
      for (std::int64_t d = 0; d < dim; ++d) w[d] -= step * g[d];
      break;
    }
  }
}

}  // namespace tessera::dlrm::detail
