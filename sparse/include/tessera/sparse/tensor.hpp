// A sparse tensor: its dimensions, its format, and per level the arrays that level format keeps,
// plus the values in the positions of the last level. Coordinates and offsets are 32-bit (a
// dimension, and the entries of one level, stay below 2^32); values are raw bytes of value_type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "tessera/core/error.hpp"
#include "tessera/sparse/format.hpp"
#include "tessera/sparse/value_type.hpp"

namespace tessera::sparse {

/// The arrays of one stored level; which ones are used depends on its LevelKind.
struct LevelData {
  std::vector<std::uint32_t> pos;   // compressed: the first child of each parent, and the end
  std::vector<std::uint32_t> crd;   // compressed, singleton, padded: coordinates
  std::vector<std::uint64_t> bits;  // bitmap: parents x extent bits; run-length: packed symbols
  std::uint64_t symbols = 0;        // run-length: symbols in `bits`
  std::uint32_t width = 0;          // padded: slots per parent
  std::uint64_t size = 0;           // positions (children) at this level

  bool operator==(const LevelData&) const = default;
};

struct SparseTensor {
  std::vector<std::uint32_t> dims;  // extents, in dimension order
  FormatSpec format;
  ValueType value_type = ValueType::kF64;
  std::vector<LevelData> levels;    // one per format.levels
  std::vector<std::byte> values;    // level-last positions x value_bytes(value_type, full leaf)
  /// Entries are stored in order without duplicates. False only for a COO tensor made from
  /// unsorted or repeated coordinates (make_coo); conversion sorts it and sums repeats.
  bool canonical = true;

  std::size_t order() const { return dims.size(); }
  std::size_t value_size() const { return value_bytes(value_type, format.full_leaf()); }
  /// The extent of level `l`: its dimension's extent, its block count, or its block size.
  std::uint32_t level_extent(std::size_t l) const;
  /// Values as T (float, double, Complex); tessera::Error if value_type is not T's.
  template <class T>
  std::span<const T> values_as() const;
  template <class T>
  std::span<T> values_as();

  bool operator==(const SparseTensor&) const = default;
};

/// A COO tensor of `dims` from coordinates (coords[d][k] is entry k's coordinate in dimension d)
/// and values (nnz x value size bytes; empty for pattern). Coordinates may be unsorted and
/// repeated (then canonical is false). tessera::Error naming `source` for a coordinate outside
/// its dimension or arrays of different lengths.
SparseTensor make_coo(std::vector<std::uint32_t> dims, ValueType type,
                      std::vector<std::vector<std::uint32_t>> coords, std::vector<std::byte> values,
                      std::string_view source = "coordinates");

/// Whether the bytes of a value are all zero (a full leaf's "no entry").
inline bool is_zero_value(const std::byte* value, std::size_t size) {
  for (std::size_t i = 0; i < size; ++i) {
    if (value[i] != std::byte{0}) return false;
  }
  return true;
}

namespace detail {
template <class T>
constexpr ValueType value_type_of();
template <>
constexpr ValueType value_type_of<float>() { return ValueType::kF32; }
template <>
constexpr ValueType value_type_of<double>() { return ValueType::kF64; }
template <>
constexpr ValueType value_type_of<Complex>() { return ValueType::kC128; }
void throw_value_type_mismatch(ValueType held, ValueType wanted);
}  // namespace detail

template <class T>
std::span<const T> SparseTensor::values_as() const {
  if (value_type != detail::value_type_of<T>()) {
    detail::throw_value_type_mismatch(value_type, detail::value_type_of<T>());
  }
  return {reinterpret_cast<const T*>(values.data()), values.size() / sizeof(T)};
}
template <class T>
std::span<T> SparseTensor::values_as() {
  if (value_type != detail::value_type_of<T>()) {
    detail::throw_value_type_mismatch(value_type, detail::value_type_of<T>());
  }
  return {reinterpret_cast<T*>(values.data()), values.size() / sizeof(T)};
}

}  // namespace tessera::sparse
