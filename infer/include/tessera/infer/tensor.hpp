// A dense tensor of the inference IR: an element type, a static shape and its bytes, row-major
// (the last dimension varies fastest), as ONNX lays out raw tensor data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::infer {

/// Element types, numbered as ONNX's TensorProto.DataType.
enum class DataType : std::int32_t {
  kFloat32 = 1,
  kUint8 = 2,
  kInt8 = 3,
  kInt32 = 6,
  kInt64 = 7,
  kBool = 9,
  kFloat64 = 11
};

/// Bytes per element.
std::size_t element_size(DataType type);
/// "float32", "int64", ...
std::string_view to_string(DataType type);
/// Whether ONNX's data type number `onnx` is one of DataType.
bool is_supported_type(std::int32_t onnx);

/// Elements of `shape` (1 for a scalar); tessera::Error naming `what` for a negative dimension or
/// a count beyond 2^48.
std::size_t element_count(std::span<const std::int64_t> shape, std::string_view what = "shape");
/// "[1, 3, 224, 224]".
std::string shape_string(std::span<const std::int64_t> shape);

struct Tensor {
  DataType type = DataType::kFloat32;
  std::vector<std::int64_t> shape;
  std::vector<std::byte> bytes;  // element_count(shape) * element_size(type)

  Tensor() = default;
  /// Zero-filled.
  Tensor(DataType t, std::vector<std::int64_t> dims);

  /// Same type, shape and bytes.
  bool operator==(const Tensor&) const = default;

  std::size_t size() const { return bytes.size() / element_size(type); }
  std::size_t rank() const { return shape.size(); }

  /// The elements as T; tessera::Error when T is not the tensor's type.
  template <class T>
  std::span<const T> data() const;
  template <class T>
  std::span<T> data();
  /// The elements of an integer tensor (int32 or int64) as int64 (shape operands, indices).
  std::vector<std::int64_t> as_int64() const;
};

/// A float32 tensor of `shape` holding `values` (tests, constants).
Tensor make_float(std::vector<std::int64_t> shape, std::vector<float> values);
/// An int64 tensor of `shape` holding `values`.
Tensor make_int64(std::vector<std::int64_t> shape, std::vector<std::int64_t> values);

}  // namespace tessera::infer
