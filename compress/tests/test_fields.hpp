// Generated fields and helpers shared by the compressor's tests.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "tessera/compress/compressor.hpp"
#include "tessera/compress/field.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::compress::testing {

/// A smooth field: a sum of waves along every dimension plus Gaussian noise (seeded).
inline Field wave_field(DataType type, std::vector<std::size_t> shape, std::uint64_t seed,
                        double noise = 0.02) {
  Field f = make_field("waves", type, shape);
  const CounterRng rng(seed, 0);
  for (std::size_t i = 0; i < f.size(); ++i) {
    double v = rng.normal(i, 0.0, noise);
    std::size_t rest = i;
    for (std::size_t d = shape.size(); d-- > 0;) {
      const auto x = static_cast<double>(rest % shape[d]);
      rest /= shape[d];
      v += 40.0 / static_cast<double>(d + 1) *
           std::sin(0.011 * static_cast<double>(d + 2) * x + static_cast<double>(d));
    }
    if (type == DataType::kFloat32) {
      f.values<float>()[i] = static_cast<float>(v);
    } else {
      f.values<double>()[i] = v;
    }
  }
  return f;
}

/// The stream of `f` compressed with `threads` threads.
inline std::vector<std::byte> compress_with_threads(const Field& f, const CompressOptions& options,
                                                    int threads) {
  const ThreadCountScope scope(threads);
  return compress_to_memory(f, options);
}

}  // namespace tessera::compress::testing
