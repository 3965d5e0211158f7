// Generated matrices (generate.hpp). Stream 0 of the seed draws coordinates, stream 1 values.
#include "tessera/sparse/generate.hpp"

#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"

namespace tessera::sparse {
namespace {

// Entry k's value: magnitude in [1/2, 1), random sign; pattern holds none.
void push_value(std::vector<std::byte>& out, ValueType type, const CounterRng& rng, std::uint64_t k) {
  const double v = (rng.u32(2 * k) & 1 ? -1.0 : 1.0) * (0.5 + 0.5 * rng.uniform(2 * k + 1));
  const auto push = [&](auto x) {
    const auto* b = reinterpret_cast<const std::byte*>(&x);
    out.insert(out.end(), b, b + sizeof x);
  };
  switch (type) {
    case ValueType::kF32: push(static_cast<float>(v)); return;
    case ValueType::kF64: push(v); return;
    case ValueType::kC128: push(Complex(v, -v / 3)); return;
    case ValueType::kPattern: return;
  }
}

SparseTensor assemble(std::uint32_t rows, std::uint32_t cols, ValueType type,
                      std::vector<std::uint32_t> r, std::vector<std::uint32_t> c, std::uint64_t seed) {
  const CounterRng values(seed, 1);
  std::vector<std::byte> v;
  v.reserve(r.size() * value_bytes(type, false));
  for (std::uint64_t k = 0; k < r.size(); ++k) push_value(v, type, values, k);
  return make_coo({rows, cols}, type, {std::move(r), std::move(c)}, std::move(v), "generator");
}

}  // namespace

SparseTensor generate_uniform(std::uint32_t rows, std::uint32_t cols, std::uint64_t draws,
                              std::uint64_t seed, ValueType type) {
  if (draws > 0 && (rows == 0 || cols == 0)) {
    throw Error("generate_uniform", "entries of a matrix with no rows or no columns");
  }
  const CounterRng rng(seed, 0);
  std::vector<std::uint32_t> r(draws), c(draws);
  for (std::uint64_t k = 0; k < draws; ++k) {
    r[k] = static_cast<std::uint32_t>(rng.uniform_int(2 * k, rows));
    c[k] = static_cast<std::uint32_t>(rng.uniform_int(2 * k + 1, cols));
  }
  return assemble(rows, cols, type, std::move(r), std::move(c), seed);
}

SparseTensor generate_banded(std::uint32_t n, std::uint32_t half_width, std::uint64_t seed,
                             ValueType type) {
  std::vector<std::uint32_t> r, c;
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::uint32_t lo = i > half_width ? i - half_width : 0;
    const std::uint32_t hi = std::uint64_t{i} + half_width < n ? i + half_width : n - 1;
    for (std::uint32_t j = lo; j <= hi; ++j) {
      r.push_back(i);
      c.push_back(j);
    }
  }
  return assemble(n, n, type, std::move(r), std::move(c), seed);
}

SparseTensor generate_rmat(unsigned scale, std::uint64_t draws, std::uint64_t seed, ValueType type,
                           double a, double b, double c) {
  if (scale < 1 || scale > 31) throw Error("generate_rmat", "scale must be 1 to 31");
  const CounterRng rng(seed, 0);
  std::vector<std::uint32_t> r(draws), col(draws);
  for (std::uint64_t k = 0; k < draws; ++k) {
    std::uint32_t i = 0, j = 0;
    for (unsigned bit = 0; bit < scale; ++bit) {
      const double u = rng.uniform(k * scale + bit);
      i = i << 1 | (u >= a + b ? 1u : 0u);
      j = j << 1 | ((u >= a && u < a + b) || u >= a + b + c ? 1u : 0u);
    }
    r[k] = i;
    col[k] = j;
  }
  const std::uint32_t n = std::uint32_t{1} << scale;
  return assemble(n, n, type, std::move(r), std::move(col), seed);
}

}  // namespace tessera::sparse
