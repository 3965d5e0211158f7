// The embedding tables' initial weights, as DLRM draws them: uniform in [-1/sqrt(rows),
// 1/sqrt(rows)) per table, each a pure function of (seed, table, element), so that every store of
// the tables (all in RAM, or tiered) starts from the same bits.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "tessera/core/rng.hpp"

namespace tessera::dlrm::detail {

class InitialWeights {
 public:
  /// Table `table` of `rows` rows under `seed`.
  InitialWeights(std::uint64_t seed, std::size_t table, std::int64_t rows)
      : rng_(seed, kWeightStream + table),
        bound_(static_cast<float>(1.0 / std::sqrt(static_cast<double>(rows)))) {}

  /// The initial value of element `index` (row · dim + column) of the table.
  float operator()(std::int64_t index) const {
    return rng_.uniform_float(static_cast<std::uint64_t>(index), -bound_, bound_);
  }

 private:
  // Streams of the weights' initial values: one per table, far above the data's.
  static constexpr std::uint64_t kWeightStream = std::uint64_t{3} << 44;

  CounterRng rng_;
  float bound_;
};

}  // namespace tessera::dlrm::detail
