// Checks shared by the kernels' entry points: a matrix operand, and a value type that fits.
#pragma once

#include <fmt/format.h>

#include "tessera/sparse/tensor.hpp"

namespace tessera::sparse::detail {

/// `a` is a matrix whose values are of `type` (or a pattern); tessera::Error naming `operation`.
inline void check_matrix_operand(const SparseTensor& a, ValueType type, std::string_view operation) {
  if (a.order() != 2) {
    throw Error(operation, fmt::format("A has order {}; a matrix has order 2", a.order()));
  }
  if (a.value_type != type && a.value_type != ValueType::kPattern) {
    throw Error(operation, fmt::format("A holds {} values, the vectors {}", to_string(a.value_type),
                                       to_string(type)));
  }
}

/// Calls f(T{}) for the C++ type of `type` (float, double, Complex); pattern is not a vector type.
template <class F>
void with_value_type(ValueType type, F&& f) {
  switch (type) {
    case ValueType::kF32: f(float{}); return;
    case ValueType::kF64: f(double{}); return;
    case ValueType::kC128: f(Complex{}); return;
    case ValueType::kPattern: break;
  }
  throw Error("kernel", "dense operands hold f32, f64 or c128 values, not pattern");
}

/// Value `p` of `a` as T: its stored value, or one for a pattern.
template <class T>
inline T value_at(const SparseTensor& a, std::uint64_t p) {
  if (a.value_type == ValueType::kPattern) return T(1);
  T v;
  std::memcpy(&v, a.values.data() + p * sizeof(T), sizeof(T));
  return v;
}

}  // namespace tessera::sparse::detail
