// Tensor helpers: element sizes and names, shapes, typed views.
#include "tessera/infer/tensor.hpp"

#include <fmt/format.h>

#include <cstring>

#include "tessera/core/error.hpp"

namespace tessera::infer {

std::size_t element_size(DataType type) {
  switch (type) {
    case DataType::kFloat32:
      return 4;
    case DataType::kUint8:
      return 1;
    case DataType::kInt8:
      return 1;
    case DataType::kInt32:
      return 4;
    case DataType::kInt64:
      return 8;
    case DataType::kBool:
      return 1;
    case DataType::kFloat64:
      return 8;
  }
  return 1;
}

std::string_view to_string(DataType type) {
  switch (type) {
    case DataType::kFloat32:
      return "float32";
    case DataType::kUint8:
      return "uint8";
    case DataType::kInt8:
      return "int8";
    case DataType::kInt32:
      return "int32";
    case DataType::kInt64:
      return "int64";
    case DataType::kBool:
      return "bool";
    case DataType::kFloat64:
      return "float64";
  }
  return "?";
}

bool is_supported_type(std::int32_t onnx) {
  switch (onnx) {
    case 1:
    case 2:
    case 3:
    case 6:
    case 7:
    case 9:
    case 11:
      return true;
    default:
      return false;
  }
}

std::size_t element_count(std::span<const std::int64_t> shape, std::string_view what) {
  std::size_t count = 1;
  for (const std::int64_t d : shape) {
    if (d < 0)
      throw Error(what, fmt::format("dimension {} of {} is negative", d, shape_string(shape)));
    if (d != 0 && count > (std::size_t{1} << 48) / static_cast<std::size_t>(d)) {
      throw Error(what, fmt::format("{} holds more than 2^48 elements", shape_string(shape)));
    }
    count *= static_cast<std::size_t>(d);
  }
  return count;
}

std::string shape_string(std::span<const std::int64_t> shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}

Tensor::Tensor(DataType t, std::vector<std::int64_t> dims)
    : type(t), shape(std::move(dims)), bytes(element_count(shape) * element_size(t)) {}

namespace {
template <class T>
constexpr DataType type_of() {
  if constexpr (std::is_same_v<T, float>) return DataType::kFloat32;
  if constexpr (std::is_same_v<T, double>) return DataType::kFloat64;
  if constexpr (std::is_same_v<T, std::int64_t>) return DataType::kInt64;
  if constexpr (std::is_same_v<T, std::int32_t>) return DataType::kInt32;
  if constexpr (std::is_same_v<T, std::int8_t>) return DataType::kInt8;
  if constexpr (std::is_same_v<T, std::uint8_t>) return DataType::kUint8;
  if constexpr (std::is_same_v<T, bool>) return DataType::kBool;
}

void check_type(DataType have, DataType want) {
  if (have != want) {
    throw Error("tensor",
                fmt::format("holds {} elements, not {}", to_string(have), to_string(want)));
  }
}
}  // namespace

template <class T>
std::span<const T> Tensor::data() const {
  check_type(type, type_of<T>());
  return {reinterpret_cast<const T*>(bytes.data()), size()};
}

template <class T>
std::span<T> Tensor::data() {
  check_type(type, type_of<T>());
  return {reinterpret_cast<T*>(bytes.data()), size()};
}

#define TESSERA_TENSOR_TYPE(T)                      \
  template std::span<const T> Tensor::data() const; \
  template std::span<T> Tensor::data();
TESSERA_TENSOR_TYPE(float)
TESSERA_TENSOR_TYPE(double)
TESSERA_TENSOR_TYPE(std::int64_t)
TESSERA_TENSOR_TYPE(std::int32_t)
TESSERA_TENSOR_TYPE(std::int8_t)
TESSERA_TENSOR_TYPE(std::uint8_t)
TESSERA_TENSOR_TYPE(bool)
#undef TESSERA_TENSOR_TYPE

std::vector<std::int64_t> Tensor::as_int64() const {
  if (type == DataType::kInt64) {
    const auto d = data<std::int64_t>();
    return {d.begin(), d.end()};
  }
  if (type == DataType::kInt32) {
    const auto d = data<std::int32_t>();
    return {d.begin(), d.end()};
  }
  throw Error("tensor",
              fmt::format("holds {} elements where integers are expected", to_string(type)));
}

Tensor make_float(std::vector<std::int64_t> shape, std::vector<float> values) {
  Tensor t(DataType::kFloat32, std::move(shape));
  if (values.size() != t.size()) {
    throw Error("make_float",
                fmt::format("{} values for shape {}", values.size(), shape_string(t.shape)));
  }
  if (!t.bytes.empty()) std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
  return t;
}

Tensor make_int64(std::vector<std::int64_t> shape, std::vector<std::int64_t> values) {
  Tensor t(DataType::kInt64, std::move(shape));
  if (values.size() != t.size()) {
    throw Error("make_int64",
                fmt::format("{} values for shape {}", values.size(), shape_string(t.shape)));
  }
  if (!t.bytes.empty()) std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
  return t;
}

}  // namespace tessera::infer
