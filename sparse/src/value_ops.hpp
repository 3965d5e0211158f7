// Typed operations on the raw value bytes of a tensor: summing repeats, and copying values of a
// size fixed at compile time, dispatched once per loop so that copies compile to moves.
#pragma once

#include <cstddef>
#include <cstring>
#include <type_traits>

#include "tessera/sparse/value_type.hpp"

namespace tessera::sparse::detail {

/// *into += *from for values of `type` (nothing for pattern).
inline void add_value(ValueType type, std::byte* into, const std::byte* from) {
  const auto add = [&](auto zero) {
    decltype(zero) a, b;
    std::memcpy(&a, into, sizeof a);
    std::memcpy(&b, from, sizeof b);
    a += b;
    std::memcpy(into, &a, sizeof a);
  };
  switch (type) {
    case ValueType::kF32: add(0.0f); return;
    case ValueType::kF64: add(0.0); return;
    case ValueType::kC128: add(Complex{}); return;
    case ValueType::kPattern: return;
  }
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
