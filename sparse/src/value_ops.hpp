// Typed operations on the raw value bytes of a tensor: sums and products, and copying values of a
// size fixed at compile time, dispatched once per loop so that copies compile to moves.
#pragma once

#include <cstddef>
#include <cstring>
#include <type_traits>

#include "tessera/sparse/value_type.hpp"

namespace tessera::sparse::detail {

/// *into = op(*a, *b) for values of `type` (float, double or Complex; nothing for pattern).
template <class Op>
void combine_values(ValueType type, std::byte* into, const std::byte* a, const std::byte* b, Op op) {
  const auto apply = [&](auto zero) {
    decltype(zero) x, y;
    std::memcpy(&x, a, sizeof x);
    std::memcpy(&y, b, sizeof y);
    x = op(x, y);
    std::memcpy(into, &x, sizeof x);
  };
  switch (type) {
    case ValueType::kF32: apply(0.0f); return;
    case ValueType::kF64: apply(0.0); return;
    case ValueType::kC128: apply(Complex{}); return;
    case ValueType::kPattern: return;
  }
}

/// *into += *from for values of `type` (nothing for pattern).
inline void add_value(ValueType type, std::byte* into, const std::byte* from) {
  combine_values(type, into, into, from, [](auto x, auto y) { return x + y; });
}

/// *into = *a ⊙ *b for values of `type` (nothing for pattern).
inline void multiply_value(ValueType type, std::byte* into, const std::byte* a, const std::byte* b) {
  combine_values(type, into, a, b, [](auto x, auto y) { return x * y; });
}

/// Calls f(std::integral_constant<size_t, size>) for size 0, 1, 4, 8 or 16.
template <class F>
void with_value_size(std::size_t size, F&& f) {
  switch (size) {
    case 0: f(std::integral_constant<std::size_t, 0>{}); return;
    case 1: f(std::integral_constant<std::size_t, 1>{}); return;
    case 4: f(std::integral_constant<std::size_t, 4>{}); return;
    case 8: f(std::integral_constant<std::size_t, 8>{}); return;
    default: f(std::integral_constant<std::size_t, 16>{}); return;
  }
}

/// Copies value `from` of `in` to value `to` of `out` (both `Size` bytes each).
template <std::size_t Size>
inline void copy_value(std::byte* out, std::size_t to, const std::byte* in, std::size_t from) {
  if constexpr (Size > 0) std::memcpy(out + to * Size, in + from * Size, Size);
}

}  // namespace tessera::sparse::detail
