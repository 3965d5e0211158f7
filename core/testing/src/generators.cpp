// Seeded fields and matrices from the counter-based RNG.
#include "tessera/testing/generators.hpp"

#include <cmath>

#include "tessera/core/rng.hpp"

namespace tessera::testing {

std::vector<double> smooth_field(std::span<const std::size_t> shape, std::uint64_t seed,
                                 double noise) {
  std::size_t size = 1;
  for (std::size_t d : shape) size *= d;
  std::vector<double> values(size);
  const CounterRng rng(seed, 0);
  for (std::size_t i = 0; i < size; ++i) {
    double v = rng.normal(i, 0.0, noise);
    std::size_t rest = i;
    for (std::size_t d = shape.size(); d-- > 0;) {
      const auto x = static_cast<double>(rest % shape[d]);
      rest /= shape[d];
      v += 40.0 / static_cast<double>(d + 1) *
           std::sin(0.011 * static_cast<double>(d + 2) * x + static_cast<double>(d));
    }
    values[i] = v;
  }
  return values;
}

AlignedBuffer<float> uniform_matrix(std::size_t rows, std::size_t cols, std::uint64_t seed,
                                    std::uint64_t stream, float lo, float hi) {
  AlignedBuffer<float> m(rows * cols);
  fill_uniform(m.span(), CounterRng(seed, stream), lo, hi);
  return m;
}

}  // namespace tessera::testing
