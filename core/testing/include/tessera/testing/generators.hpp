// Seeded test data for every subsystem: smooth fields with noise (what scientific data looks like
// to a compressor) and uniform random matrices (what weights and activations look like to a GEMM).
// Values depend on the seed only, never on the thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "tessera/core/buffer.hpp"

namespace tessera::testing {

/// A field of `shape` (slowest first), row-major: at each point the sum over dimensions d of
/// 40/(d+1) · sin(0.011·(d+2)·x_d + d), plus Normal(0, noise) from stream 0 of `seed`.
std::vector<double> smooth_field(std::span<const std::size_t> shape, std::uint64_t seed,
                                 double noise = 0.02);

/// rows × cols values uniform in [lo, hi), row-major, from stream `stream` of `seed`.
AlignedBuffer<float> uniform_matrix(std::size_t rows, std::size_t cols, std::uint64_t seed,
                                    std::uint64_t stream = 2, float lo = -1.0f, float hi = 1.0f);

}  // namespace tessera::testing
