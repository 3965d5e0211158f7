// Test inputs and weights: float32 tensors uniform in [-1, 1) from a seed.
#pragma once

#include <cstdint>
#include <vector>

#include "tessera/core/rng.hpp"
#include "tessera/infer/tensor.hpp"

namespace tessera::infer {

inline Tensor random_float(std::vector<std::int64_t> shape, std::uint64_t seed) {
  Tensor t(DataType::kFloat32, std::move(shape));
  const CounterRng rng(seed, 0);
  auto d = t.data<float>();
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = rng.uniform_float(i, -1, 1);
  return t;
}

}  // namespace tessera::infer
