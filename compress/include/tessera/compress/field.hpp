// A field: an array of float32 or float64 values with a shape (slowest dimension first, 1-4 dims),
// an optional fill value that marks missing points, and a name for messages. What the compressor
// compresses, what readers produce and what metrics compare.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "tessera/core/buffer.hpp"

namespace tessera::compress {

enum class DataType : std::uint8_t { kFloat32 = 1, kFloat64 = 2 };

/// "f32" or "f64".
std::string_view to_string(DataType type);
/// Bytes per value: 4 or 8.
std::size_t element_bytes(DataType type);

template <class T>
constexpr DataType data_type_of() {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "f32 or f64 only");
  return std::is_same_v<T, float> ? DataType::kFloat32 : DataType::kFloat64;
}

struct Field {
  std::string name;  // "etopo5.cdf:ROSE" or a file path, for messages
  DataType type = DataType::kFloat32;
  std::vector<std::size_t> shape;    // slowest first; 1 to 4 dimensions, none zero
  AlignedBuffer<std::byte> bytes;    // values in native byte order, row-major
  std::optional<double> fill_value;  // points equal to it are missing (netCDF _FillValue)

  /// Number of values (product of the shape).
  std::size_t size() const;
  /// The values; T must match `type` (checked, throws tessera::Error naming the field).
  template <class T>
  std::span<const T> values() const;
  template <class T>
  std::span<T> values();
};

/// A read-only view of a field whose values live elsewhere: a Field, or a memory-mapped raw file
/// larger than RAM. Everything that only reads a field (compressing, comparing) takes a view; a
/// Field converts to one implicitly.
struct FieldView {
  std::string name;
  DataType type = DataType::kFloat32;
  std::vector<std::size_t> shape;  // slowest first
  std::span<const std::byte> bytes;
  std::optional<double> fill_value;

  FieldView() = default;
  FieldView(const Field& field);  // NOLINT(google-explicit-constructor): a Field is a view too
  FieldView(std::string name, DataType type, std::vector<std::size_t> shape,
            std::span<const std::byte> bytes, std::optional<double> fill_value);

  /// Number of values (product of the shape).
  std::size_t size() const;
  /// The values; T must match `type` (checked, throws tessera::Error naming the field).
  template <class T>
  std::span<const T> values() const;
};

/// Throws tessera::usage_error naming `name` unless the shape has 1-4 dimensions, none zero, and
/// fits in memory as f64 values.
void check_shape(const std::string& name, const std::vector<std::size_t>& shape);

/// A zero-filled field of the given type and shape; validates the shape (1-4 dims, none zero).
Field make_field(std::string name, DataType type, std::vector<std::size_t> shape);

/// "1201x2401" (slowest first).
std::string shape_string(std::span<const std::size_t> shape);

}  // namespace tessera::compress
