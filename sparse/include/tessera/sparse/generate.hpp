// Generated matrices with a fixed seed, for tests and benchmarks: uniform random, banded and R-MAT
// power-law (Chakrabarti et al., SDM'04) patterns with values in [-1, -1/2) or [1/2, 1) (never
// zero). Generators draw coordinates independently, so a result may repeat a coordinate: it is a
// non-canonical COO tensor until converted.
#pragma once

#include <cstdint>

#include "tessera/sparse/tensor.hpp"

namespace tessera::sparse {

/// `draws` entries at uniformly random coordinates of a rows x cols matrix.
SparseTensor generate_uniform(std::uint32_t rows, std::uint32_t cols, std::uint64_t draws,
                              std::uint64_t seed, ValueType type = ValueType::kF64);

/// Every coordinate within `half_width` of the diagonal of an n x n matrix (canonical).
SparseTensor generate_banded(std::uint32_t n, std::uint32_t half_width, std::uint64_t seed,
                             ValueType type = ValueType::kF64);

/// `draws` R-MAT edges of a 2^scale x 2^scale matrix with quadrant probabilities a, b, c (and
/// 1 - a - b - c): rows and columns of power-law lengths.
SparseTensor generate_rmat(unsigned scale, std::uint64_t draws, std::uint64_t seed,
                           ValueType type = ValueType::kF64, double a = 0.57, double b = 0.19,
                           double c = 0.19);

}  // namespace tessera::sparse
